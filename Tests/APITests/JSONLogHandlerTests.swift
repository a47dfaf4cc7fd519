import Foundation
import Logging
import Testing

@testable import API

@Suite struct JSONLogHandlerTests {
    /// A sink writing into a pipe, and what came out of it.
    final class Capture {
        let sink: LogSink
        private let readEnd: Int32

        init(interval: TimeInterval = 0.05) throws {
            var ends: [Int32] = [0, 0]
            guard pipe(&ends) == 0 else { throw POSIXError(.EMFILE) }
            readEnd = ends[0]
            sink = LogSink(fileDescriptor: ends[1], interval: interval)
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
        capture.sink.flush()
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

    @Test func aWarningIsWrittenWithoutWaitingForTheBatch() async throws {
        // Batches every 60 s: within the 1 s this waits, only the warning's wake-up writes anything.
        let capture = try Capture(interval: 60)
        let logger = Logger(label: "asar.test") { JSONLogHandler(label: $0, sink: capture.sink) }
        logger.info("before")
        logger.warning("urgent")
        var seen: [String?] = []
        for _ in 0..<200 where seen.count < 2 {
            try await Task.sleep(for: .milliseconds(5))
            seen += try capture.lines().map { $0["msg"] as? String }
        }
        #expect(seen == ["before", "urgent"], "in order")
    }

    @Test func aReaderThatFallsBehindLosesWholeLinesNotTheProcess() throws {
        let capture = try Capture()
        let logger = Logger(label: "asar.test") { JSONLogHandler(label: $0, sink: capture.sink) }
        // Nobody reads the pipe while 8 MiB of lines are logged: the sink keeps at most its
        // capacity and drops the rest, without blocking the logging thread.
        let line = String(repeating: "x", count: 1000)
        for _ in 0..<8000 { logger.info("\(line)") }
        var lines: [[String: Any]] = []
        var quietSince = Date()
        let deadline = Date(timeIntervalSinceNow: 20)
        while Date() < deadline {
            let batch = try capture.lines()
            lines += batch
            if !batch.isEmpty { quietSince = Date() }
            if lines.contains(where: { $0["dropped"] != nil }) && Date().timeIntervalSince(quietSince) > 0.3 { break }
            Thread.sleep(forTimeInterval: 0.01)
        }
        let reports = lines.compactMap { $0["dropped"] as? Int }
        let dropped = reports.reduce(0, +)
        #expect(dropped > 0)
        #expect(lines.count - reports.count + dropped == 8000, "every line was either written whole or counted as dropped")
    }

    @Test func batchesReachTheFileWithoutAFlush() async throws {
        let capture = try Capture()
        let logger = Logger(label: "asar.test") { JSONLogHandler(label: $0, sink: capture.sink) }
        logger.info("eventually")
        var seen: [[String: Any]] = []
        for _ in 0..<50 where seen.isEmpty {
            try await Task.sleep(for: .milliseconds(20))
            seen = try capture.lines()
        }
        #expect(seen.first?["msg"] as? String == "eventually")
    }
}
