import Foundation
import Logging
import NIOCore
import NIOPosix

/// Where and how to reach an SMTP relay.
///
/// Plain SMTP only, no STARTTLS and no AUTH: the relay is expected on this machine or a private
/// network (a local Postfix, or a test sink) and does the onward delivery with TLS itself.
public struct SMTPConfiguration: Sendable, Equatable {
    public var host: String
    public var port: Int
    /// The name this client gives in EHLO.
    public var heloName: String
    /// For connecting, and separately for the whole conversation.
    public var timeout: Duration

    public init(host: String, port: Int = 25, heloName: String = "asar.localhost", timeout: Duration = .seconds(20)) {
        self.host = host
        self.port = port
        self.heloName = heloName
        self.timeout = timeout
    }

    /// `smtp://host:port`; nil for anything else (an `smtps://` relay is refused rather than
    /// spoken to in plain text).
    public init?(url: String) {
        guard let components = URLComponents(string: url), components.scheme?.lowercased() == "smtp",
              let host = components.host, !host.isEmpty else { return nil }
        self.init(host: host, port: components.port ?? 25)
    }
}

/// Why a message was not handed to the relay.
public enum SMTPError: Error, Sendable, Equatable, CustomStringConvertible {
    case timedOut
    case connectionClosed
    /// The relay answered `command` with an error reply.
    case rejected(command: String, code: Int, text: String)
    /// A header value held a line break, or an address was not an address.
    case invalidMessage(String)

    public var description: String {
        switch self {
        case .timedOut: "SMTP relay did not answer in time"
        case .connectionClosed: "SMTP relay closed the connection"
        case .rejected(let command, let code, let text): "SMTP relay answered \(command) with \(code) \(text)"
        case .invalidMessage(let reason): "message not sent: \(reason)"
        }
    }
}

/// Sends one message per connection to an SMTP relay (RFC 5321): EHLO (or HELO), MAIL FROM,
/// RCPT TO, DATA, QUIT. The body goes as UTF-8 text/plain in base64, the subject as RFC 2047
/// encoded words, so no 8BITMIME or SMTPUTF8 support is needed from the relay.
public struct SMTPClient: Sendable {
    public let configuration: SMTPConfiguration
    let logger: Logger

    public init(configuration: SMTPConfiguration, logger: Logger = Logger(label: "asar.mail")) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Hands `message` to the relay; returns when the relay accepted it for delivery.
    public func send(_ message: MailMessage) async throws {
        let from = try Self.address(in: message.from)
        let to = try Self.address(in: message.to)
        let data = try Self.render(message, date: Date(), messageID: "<\(UUID().uuidString.lowercased())@\(Self.domain(of: from))>")
        let configuration = configuration
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(configuration.timeout.components.seconds))
            .connect(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPLineDecoder()))
                    return try NIOAsyncChannel<String, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await channel.executeThenClose { inbound, outbound in
                    var conversation = Conversation(lines: inbound.makeAsyncIterator(), outbound: outbound)
                    try await conversation.expect(220, after: "connect")
                    if try await conversation.command("EHLO \(configuration.heloName)").code != 250 {
                        try await conversation.expect(250, after: "HELO \(configuration.heloName)")
                    }
                    try await conversation.expect(250, after: "MAIL FROM:<\(from)>")
                    let recipient = try await conversation.command("RCPT TO:<\(to)>")
                    guard recipient.code == 250 || recipient.code == 251 else {
                        throw SMTPError.rejected(command: "RCPT TO", code: recipient.code, text: recipient.text)
                    }
                    try await conversation.expect(354, after: "DATA")
                    try await conversation.expect(250, afterSending: Self.dotStuffed(data) + "\r\n.\r\n", named: "end of DATA")
                    // The message is accepted; a relay that hangs up instead of answering QUIT changes nothing.
                    _ = try? await conversation.command("QUIT")
                }
            }
            group.addTask {
                try await Task.sleep(for: configuration.timeout)
                throw SMTPError.timedOut
            }
            defer { group.cancelAll() }
            try await group.next()
        }
        logger.debug("mail handed to relay", metadata: ["relay": "\(configuration.host):\(configuration.port)"])
    }

    /// One SMTP dialogue over an async channel: commands out, replies (possibly multi-line) in.
    struct Conversation {
        var lines: NIOAsyncChannelInboundStream<String>.AsyncIterator
        let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>

        /// The next reply: lines `250-...` continue it, `250 ...` ends it.
        mutating func reply() async throws -> (code: Int, text: String) {
            var text: [String] = []
            while true {
                guard let line = try await lines.next() else { throw SMTPError.connectionClosed }
                guard line.utf8.count >= 3, let code = Int(line.prefix(3)) else {
                    throw SMTPError.rejected(command: "reply", code: 0, text: String(line.prefix(200)))
                }
                text.append(String(line.dropFirst(4)))
                if line.utf8.count == 3 || line.dropFirst(3).first == " " { return (code, text.joined(separator: " ")) }
            }
        }

        mutating func command(_ line: String) async throws -> (code: Int, text: String) {
            try await outbound.write(ByteBuffer(string: line + "\r\n"))
            return try await reply()
        }

        mutating func expect(_ code: Int, after command: String) async throws {
            let reply = command == "connect" ? try await reply() : try await self.command(command)
            guard reply.code == code else {
                throw SMTPError.rejected(command: String(command.prefix { $0 != ":" && $0 != " " }), code: reply.code, text: reply.text)
            }
        }

        mutating func expect(_ code: Int, afterSending data: String, named name: String) async throws {
            try await outbound.write(ByteBuffer(string: data))
            let reply = try await reply()
            guard reply.code == code else { throw SMTPError.rejected(command: name, code: reply.code, text: reply.text) }
        }
    }

    // MARK: - The message itself

    /// The message as sent after DATA (before dot-stuffing), lines ending in CRLF.
    static func render(_ message: MailMessage, date: Date, messageID: String) throws -> String {
        for (name, value) in [("From", message.from), ("To", message.to), ("Subject", message.subject)]
        // By scalar: "\r\n" is one Character, equal to neither "\r" nor "\n".
        where value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) {
            throw SMTPError.invalidMessage("\(name) holds a line break")
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        let body = Data(message.body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n").utf8)
            .base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        let headers = [
            "From: \(try mailbox(message.from))",
            "To: \(try mailbox(message.to))",
            "Subject: \(encodedWords(message.subject))",
            "Date: \(formatter.string(from: date))",
            "Message-ID: \(messageID)",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
        ]
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + body + "\r\n"
    }

    /// A line that starts with a dot gets another (RFC 5321 §4.5.2), so no line ends DATA early.
    static func dotStuffed(_ data: String) -> String {
        let stuffed = data.replacingOccurrences(of: "\r\n.", with: "\r\n..")
        return stuffed.hasPrefix(".") ? "." + stuffed : stuffed
    }

    /// RFC 2047 base64 encoded words for text that is not plain ASCII; each word holds at most
    /// 45 bytes of whole characters, so no line passes 76 characters.
    static func encodedWords(_ text: String) -> String {
        if text.allSatisfy({ $0.isASCII && !$0.isNewline }) && !text.contains("=?") && text.utf8.count <= 900 { return text }
        var words: [String] = []
        var chunk = ""
        for character in text {
            if chunk.utf8.count + String(character).utf8.count > 45 {
                words.append(chunk)
                chunk = ""
            }
            chunk.append(character)
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?\(Data($0.utf8).base64EncodedString())?=" }.joined(separator: "\r\n ")
    }

    /// `Name <address>` with the name encoded when it is not ASCII; a bare address as it is.
    static func mailbox(_ value: String) throws -> String {
        let address = try address(in: value)
        guard let open = value.lastIndex(of: "<") else { return address }
        let name = value[..<open].trimmingCharacters(in: .whitespaces)
        if name.isEmpty { return "<\(address)>" }
        let quoted = name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == " ") } ? name : encodedWords(name)
        return "\(quoted) <\(address)>"
    }

    /// The address in `Name <address>` or a bare address.
    static func address(in value: String) throws -> String {
        var address = value.trimmingCharacters(in: .whitespaces)
        if let open = address.lastIndex(of: "<"), let close = address.lastIndex(of: ">"), open < close {
            address = String(address[address.index(after: open)..<close])
        }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        // ASCII only: without SMTPUTF8 a relay cannot take anything else in the envelope.
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
              address.allSatisfy({ $0.isASCII && !$0.isWhitespace && !$0.isNewline && !"<>()[],;:\"\\".contains($0) })
        else { throw SMTPError.invalidMessage("not an address: \(value.prefix(100))") }
        return address
    }

    static func domain(of address: String) -> String {
        address.split(separator: "@").last.map(String.init) ?? "asar.localhost"
    }
}

/// Splits the relay's bytes into lines (CRLF or LF), refusing lines longer than any reply may be.
struct SMTPLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = String

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > 4096 { throw SMTPError.rejected(command: "reply", code: 0, text: "reply line too long") }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex
        guard var line = buffer.readString(length: length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 1)
        if line.hasSuffix("\r") { line.removeLast() }
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }
}
