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
        var line = "{\"ts\":\"\(Self.timestamp())\",\"level\":\"\(event.level.rawValue)\",\"logger\":"
        Self.appendString(label, to: &line)
        line += ",\"msg\":"
        Self.appendString(event.message.description, to: &line)
        line += ",\"source\":"
        Self.appendString(event.source, to: &line)
        for key in fields.keys.sorted() where !Self.reserved.contains(key) {
            line += ","
            Self.appendString(key, to: &line)
            line += ":"
            // The loop runs over the dictionary's own keys.
            if let value = fields[key] { Self.appendValue(value, to: &line) }
        }
        line += "}\n"
        // A warning or worse may precede a crash: have it written without waiting for the batch.
        sink.write(line, urgent: event.level >= .warning)
    }

    private static let reserved: Set<String> = ["ts", "level", "logger", "msg", "source"]

    static func appendValue(_ value: Logger.MetadataValue, to line: inout String) {
        switch value {
        case .string(let string):
            appendString(string, to: &line)
        case .stringConvertible(let convertible):
            switch convertible {
            case let number as any BinaryInteger:
                line += "\(number)"
            case let number as Double where number.isFinite:
                line += "\(number)"
            case let flag as Bool:
                line += flag ? "true" : "false"
            default:
                appendString(convertible.description, to: &line)
            }
        case .array(let values):
            line += "["
            for (index, element) in values.enumerated() {
                if index > 0 { line += "," }
                appendValue(element, to: &line)
            }
            line += "]"
        case .dictionary(let dictionary):
            line += "{"
            for (index, key) in dictionary.keys.sorted().enumerated() {
                if index > 0 { line += "," }
                appendString(key, to: &line)
                line += ":"
                if let element = dictionary[key] { appendValue(element, to: &line) }
            }
            line += "}"
        }
    }

    static func appendString(_ string: String, to line: inout String) {
        line += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": line += "\\\""
            case "\\": line += "\\\\"
            case "\n": line += "\\n"
            case "\r": line += "\\r"
            case "\t": line += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                line += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                line.unicodeScalars.append(scalar)
            }
        }
        line += "\""
    }

    /// UTC with milliseconds, formatted by hand: the Foundation formatters cost more than the rest of the line.
    static func timestamp(_ date: Date = Date()) -> String {
        let seconds = date.timeIntervalSince1970
        var time = time_t(seconds.rounded(.down))
        let milliseconds = Int((seconds - seconds.rounded(.down)) * 1000)
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(milliseconds), 3))Z"
    }
}
