import Foundation
import Logging

/// Installs the process's log format: JSON lines unless `LOG_FORMAT=text` asks for swift-log's plain lines.
public func bootstrapLogging(environment: [String: String] = ProcessInfo.processInfo.environment) {
    if environment["LOG_FORMAT"]?.lowercased() == "text" {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
    } else {
        LoggingSystem.bootstrap { JSONLogHandler(label: $0) }
    }
}

/// Writes each log event as one JSON object per line: `ts`, `level`, `logger`, `msg`, `source`,
/// then the metadata (request id, method, status…) as top-level fields, numbers as numbers.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let label: String
    private let sink: LogSink

    public init(label: String, sink: LogSink = .standardError) {
        self.label = label
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = metadata
        if let extra = event.metadata {
            fields.merge(extra) { _, new in new }
        }
        var line = LogLine()
        line.writeASCII("{\"ts\":\"")
        line.writeTimestamp(Date())
        line.writeASCII("\",\"level\":\"\(event.level.rawValue)\",\"logger\":")
        line.writeString(label)
        line.writeASCII(",\"msg\":")
        line.writeString(event.message.description)
        line.writeASCII(",\"source\":")
        line.writeString(event.source)
        for key in fields.keys.sorted() where !Self.reserved.contains(key) {
            line.bytes.append(UInt8(ascii: ","))
            line.writeString(key)
            line.bytes.append(UInt8(ascii: ":"))
            // The loop runs over the dictionary's own keys.
            if let value = fields[key] { Self.appendValue(value, to: &line) }
        }
        line.writeASCII("}\n")
        sink.write(line.bytes)
    }

    private static let reserved: Set<String> = ["ts", "level", "logger", "msg", "source"]

    static func appendValue(_ value: Logger.MetadataValue, to line: inout LogLine) {
        switch value {
        case .string(let string):
            line.writeString(string)
        case .stringConvertible(let convertible):
            switch convertible {
            case let number as any BinaryInteger:
                line.writeASCII("\(number)")
            case let number as Double where number.isFinite:
                line.writeASCII("\(number)")
            case let flag as Bool:
                line.writeASCII(flag ? "true" : "false")
            default:
                line.writeString(convertible.description)
            }
        case .array(let values):
            line.bytes.append(UInt8(ascii: "["))
            for (index, element) in values.enumerated() {
                if index > 0 { line.bytes.append(UInt8(ascii: ",")) }
                appendValue(element, to: &line)
            }
            line.bytes.append(UInt8(ascii: "]"))
        case .dictionary(let dictionary):
            line.bytes.append(UInt8(ascii: "{"))
            for (index, key) in dictionary.keys.sorted().enumerated() {
                if index > 0 { line.bytes.append(UInt8(ascii: ",")) }
                line.writeString(key)
                line.bytes.append(UInt8(ascii: ":"))
                if let element = dictionary[key] { appendValue(element, to: &line) }
            }
            line.bytes.append(UInt8(ascii: "}"))
        }
    }
}
