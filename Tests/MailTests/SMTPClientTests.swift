import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport
@testable import Mail

@Suite struct SMTPClientTests {
    @Test func dotsAtTheStartOfALineAreDoubled() {
        #expect(SMTPClient.dotStuffed(".first\r\nmiddle\r\n.\r\n..two") == "..first\r\nmiddle\r\n..\r\n...two")
        #expect(SMTPClient.dotStuffed("no dots\r\nhere.") == "no dots\r\nhere.")
    }

    @Test func nonASCIISubjectsBecomeEncodedWordsOfWholeCharacters() {
        #expect(SMTPClient.encodedWords("Plain subject") == "Plain subject")
        let subject = String(repeating: "Құпиясөзді қалпына келтіру ", count: 3)
        let encoded = SMTPClient.encodedWords(subject)
        let words = encoded.components(separatedBy: "\r\n ")
        #expect(words.count > 1)
        var bytes = Data()
        for word in words {
            #expect(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?=") && word.count <= 76)
            let payload = Data(base64Encoded: String(word.dropFirst(10).dropLast(2)))
            // Each word decodes on its own: no character is split between two.
            #expect(payload.flatMap { String(data: $0, encoding: .utf8) } != nil)
            bytes += payload ?? Data()
        }
        #expect(String(data: bytes, encoding: .utf8) == subject)
    }

    @Test func headerInjectionIsRefused() throws {
        let message = MailMessage(from: "ASAR <no-reply@asar.kz>", to: "a@example.kz", subject: "Hi\r\nBcc: victim@example.kz", body: "x")
        #expect(throws: SMTPError.self) { try SMTPClient.render(message, date: Date(), messageID: "<1@asar.kz>") }
        #expect(throws: SMTPError.self) { try SMTPClient.address(in: "a@example.kz>\r\nRCPT TO:<b@example.kz") }
        #expect(try SMTPClient.address(in: "ASAR <no-reply@asar.kz>") == "no-reply@asar.kz")
    }

    @Test func aMessageReachesARealSMTPServerIntact() async throws {
        let sink = try SMTPSink()
        try await sink.start()
        defer { sink.stop() }
        let client = SMTPClient(configuration: SMTPConfiguration(host: "127.0.0.1", port: sink.port, timeout: .seconds(10)))
        let body = "Сәлеметсіз бе!\n.a line that starts with a dot\n.\nЗдравствуйте — ссылка: http://127.0.0.1:8080/x?token=abc"
        try await client.send(MailMessage(from: "ASAR <no-reply@asar.kz>", to: "Айгүл <aigul@example.kz>", subject: "ASAR: шақыру «Бірлік»", body: body))
        let received = try await sink.message(to: "aigul@example.kz")
        #expect(received.subject == "ASAR: шақыру «Бірлік»")
        #expect(received.body.trimmingCharacters(in: .newlines) == body)
        #expect(received.headers["content-type"] == "text/plain; charset=utf-8")
        #expect(received.headers["x-mailfrom"] == "no-reply@asar.kz")
    }

    @Test func aServerThatNeverAnswersTimesOut() async throws {
        // Accepts the connection and says nothing.
        let port = try SMTPSink.freePort()
        let silent = Process()
        silent.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        silent.arguments = ["python3", "-c", "import socket,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', \(port))); s.listen(); c=s.accept(); time.sleep(30)"]
        try silent.run()
        defer { kill(silent.processIdentifier, SIGKILL) }
        while !SMTPSink.accepts(port: port) { try await Task.sleep(for: .milliseconds(50)) }
        let client = SMTPClient(configuration: SMTPConfiguration(host: "127.0.0.1", port: port, timeout: .seconds(1)))
        let started = ContinuousClock.now
        await #expect(throws: SMTPError.timedOut) {
            try await client.send(MailMessage(from: "no-reply@asar.kz", to: "a@example.kz", subject: "s", body: "b"))
        }
        // The 1 s timeout ended it, not the silent server's 30 s; the margin is for a busy CI machine.
        #expect(ContinuousClock.now - started < .seconds(15))
    }

    @Test func nobodyListeningFailsAtOnce() async throws {
        let client = SMTPClient(configuration: SMTPConfiguration(host: "127.0.0.1", port: try SMTPSink.freePort(), timeout: .seconds(5)))
        await #expect(throws: (any Error).self) {
            try await client.send(MailMessage(from: "no-reply@asar.kz", to: "a@example.kz", subject: "s", body: "b"))
        }
    }

    @Test func smtpURLsAreParsedAndOthersRefused() {
        #expect(SMTPConfiguration(url: "smtp://127.0.0.1:2525") == SMTPConfiguration(host: "127.0.0.1", port: 2525))
        #expect(SMTPConfiguration(url: "smtp://relay.local")?.port == 25)
        #expect(SMTPConfiguration(url: "smtps://relay.local:465") == nil)
        #expect(SMTPConfiguration(url: "127.0.0.1:25") == nil)
    }
}
