import Foundation
import Logging
import Testing

@testable import API

@Suite struct JSONLogHandlerTests {
    /// A sink writing into a pipe, and what came out of it.
    final class Capture {
        let sink: LogSink
        private let readEnd: Int32

        init() throws {
            var ends: [Int32] = [0, 0]
            guard pipe(&ends) == 0 else { throw POSIXError(.EMFILE) }
            readEnd = ends[0]
            sink = LogSink(fileDescriptor: ends[1])
            _ = fcntl(readEnd, F_SETFL, fcntl(readEnd, F_GETFL) | O_NONBLOCK)
        }

        private var remainder = Data()

        /// Every complete line written since the last call, each parsed as a JSON object.
        func lines() throws -> [[String: Any]] {
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = read(readEnd, &buffer, buffer.count)
                if count <= 0 { break }
                remainder.append(contentsOf: buffer[0..<count])
            }
            guard let lastNewline = remainder.lastIndex(of: UInt8(ascii: "\n")) else { return [] }
            let complete = remainder[remainder.startIndex...lastNewline]
            remainder = Data(remainder[(lastNewline + 1)...])
            return try complete.split(separator: UInt8(ascii: "\n")).map {
                try #require(try JSONSerialization.jsonObject(with: Data($0)) as? [String: Any])
            }
        }
    }

    @Test func eachEventIsOneJSONLineWithItsMetadata() throws {
        let capture = try Capture()
        var logger = Logger(label: "asar.test") { JSONLogHandler(label: $0, sink: capture.sink) }
        logger[metadataKey: "request_id"] = "req-1"
        logger.info("request \"quoted\"\nsecond line", metadata: [
            "status": .stringConvertible(201), "duration_ms": .stringConvertible(1.25),
            "path": "/v1/organizations", "tags": ["a", "b"], "ts": "not allowed to replace the timestamp",
        ])
        let lines = try capture.lines()
        #expect(lines.count == 1)
        let line = try #require(lines.first)
        #expect(line["msg"] as? String == "request \"quoted\"\nsecond line")
        #expect(line["level"] as? String == "info")
        #expect(line["logger"] as? String == "asar.test")
        #expect(line["request_id"] as? String == "req-1")
        #expect(line["status"] as? Int == 201, "numbers stay numbers")
        #expect(line["duration_ms"] as? Double == 1.25)
        #expect(line["tags"] as? [String] == ["a", "b"])
        let timestamp = try #require(line["ts"] as? String)
        #expect(timestamp.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil, "\(timestamp)")
    }

    @Test func eachLineIsWrittenAtOnceInOrder() throws {
        let capture = try Capture()
        let logger = Logger(label: "asar.test") { JSONLogHandler(label: $0, sink: capture.sink) }
        logger.info("before")
        logger.warning("urgent")
        #expect(try capture.lines().map { $0["msg"] as? String } == ["before", "urgent"])
    }

    @Test func stringsAreEscapedAsJSON() throws {
        let text = "quotes \" backslash \\ slash / newline \n tab \t nul \u{0} bell \u{7} delete \u{7F} Қазақ 🇰🇿"
        var line = LogLine()
        line.writeString(text)
        #expect(try JSONSerialization.jsonObject(with: Data(line.bytes), options: .fragmentsAllowed) as? String == text)
    }
}
