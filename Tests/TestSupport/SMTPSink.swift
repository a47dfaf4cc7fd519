import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real SMTP server for tests: aiosmtpd (PyPI) storing every message in a Maildir, started
/// as `python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c aiosmtpd.handlers.Mailbox DIR`.
public final class SMTPSink: @unchecked Sendable {
    // Safe without a lock: `process` is written only by start() and stop(), which tests call
    // from one task, one after the other.
    public let port: Int
    public let directory: URL
    private var process: Process?

    /// A sink on a free port, not started yet.
    public init() throws {
        port = try Self.freePort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("asar-smtp-\(UUID().uuidString.prefix(8))")
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Starts the server and waits until it accepts connections.
    public func start() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:\(port)", "-c", "aiosmtpd.handlers.Mailbox", directory.path]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        self.process = process
        for _ in 0..<100 {
            if Self.accepts(port: port) { return }
            guard process.isRunning else { throw TestFailure("aiosmtpd exited at start: is it installed? (python3 -m pip install aiosmtpd)") }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("aiosmtpd did not listen on port \(port) within 10 s")
    }

    /// Kills the server at once. aiosmtpd ignores SIGTERM, and `waitUntilExit` would block a
    /// cooperative thread, so it is neither asked nor waited for.
    public func stop() {
        if let process, process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process = nil
    }

    /// One delivered message, decoded.
    public struct Received: Sendable {
        public let headers: [String: String]
        public let subject: String
        public let body: String
        /// The envelope recipient aiosmtpd recorded.
        public var recipient: String { headers["x-rcptto"] ?? "" }
    }

    /// Every message delivered so far, oldest first.
    public func messages() throws -> [Received] {
        let folder = directory.appendingPathComponent("new")
        guard let files = try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: [.contentModificationDateKey]) else { return [] }
        return try files.sorted { $0.lastPathComponent < $1.lastPathComponent }.map { try Self.parse(String(contentsOf: $0, encoding: .utf8)) }
    }

    /// Waits up to `timeout` for a message to `recipient`.
    public func message(to recipient: String, timeout: Duration = .seconds(10)) async throws -> Received {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let found = try messages().last(where: { $0.recipient.lowercased().contains(recipient.lowercased()) }) { return found }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("no mail to \(recipient) reached the sink")
    }

    /// Headers (unfolded, names lowercased), the RFC 2047 subject decoded, the body decoded from base64.
    static func parse(_ raw: String) throws -> Received {
        let text = raw.replacingOccurrences(of: "\r\n", with: "\n")
        guard let split = text.range(of: "\n\n") else { throw TestFailure("message without a body") }
        var headers: [String: String] = [:]
        var last: String?
        for line in text[..<split.lowerBound].split(separator: "\n", omittingEmptySubsequences: false) {
            if line.first == " " || line.first == "\t", let last {
                headers[last, default: ""] += " " + line.trimmingCharacters(in: .whitespaces)
            } else if let colon = line.firstIndex(of: ":") {
                let name = line[..<colon].lowercased()
                headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                last = name
            }
        }
        var body = String(text[split.upperBound...])
        if headers["content-transfer-encoding"]?.lowercased() == "base64" {
            guard let data = Data(base64Encoded: body.filter { !$0.isWhitespace }), let decoded = String(data: data, encoding: .utf8) else {
                throw TestFailure("body is not base64 UTF-8")
            }
            body = decoded
        }
        return Received(headers: headers, subject: decodeWords(headers["subject"] ?? ""), body: body.replacingOccurrences(of: "\r\n", with: "\n"))
    }

    /// Joins RFC 2047 `=?UTF-8?B?…?=` words (the whitespace between them does not count).
    static func decodeWords(_ value: String) -> String {
        let words = value.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard !words.isEmpty, words.allSatisfy({ $0.hasPrefix("=?") && $0.hasSuffix("?=") }) else { return value }
        var bytes = Data()
        for word in words {
            let parts = word.dropFirst(2).dropLast(2).split(separator: "?")
            guard parts.count == 3, parts[1].uppercased() == "B", let data = Data(base64Encoded: String(parts[2])) else { return value }
            bytes += data
        }
        return String(data: bytes, encoding: .utf8) ?? value
    }

    /// True when something accepts TCP connections on 127.0.0.1:`port`.
    public static func accepts(port: Int) -> Bool {
        withSocket { socket in
            var address = loopback(port: port)
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
        } ?? false
    }

    /// A port nothing listens on now (the kernel's pick for an ephemeral bind).
    public static func freePort() throws -> Int {
        let port = withSocket { socket -> Int? in
            var address = loopback(port: 0)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
            guard bound else { return nil }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let named = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) == 0 }
            }
            return named ? Int(UInt16(bigEndian: address.sin_port)) : nil
        } ?? nil
        guard let port else { throw TestFailure("no free port") }
        return port
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private static func withSocket<T>(_ body: (Int32) -> T) -> T? {
        let handle = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard handle >= 0 else { return nil }
        defer { close(handle) }
        return body(handle)
    }
}

/// A clock tests move by hand.
public final class TestClock: @unchecked Sendable {
    // Safe: every access to `current` holds `lock`.
    private let lock = NSLock()
    private var current: Date

    public init(_ start: Date = Date()) {
        current = start
    }

    public var now: Date { lock.withLock { current } }

    public func advance(_ seconds: TimeInterval) {
        lock.withLock { current = current.addingTimeInterval(seconds) }
    }

    /// For `AccountConfiguration.now`.
    public var function: @Sendable () -> Date { { self.now } }
}
