import Foundation

/// The bytes of one JSON log line, written by `JSONLogHandler` field by field.
struct LogLine {
    var bytes: [UInt8] = []

    init() {
        bytes.reserveCapacity(512)
    }

    mutating func writeASCII(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// A JSON string, escaped as Foundation's JSONEncoder escapes it (slashes left as they are).
    mutating func writeString(_ string: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): writeASCII("\\\"")
            case UInt8(ascii: "\\"): writeASCII("\\\\")
            case 0x0A: writeASCII("\\n")
            case 0x0D: writeASCII("\\r")
            case 0x09: writeASCII("\\t")
            case 0x08: writeASCII("\\b")
            case 0x0C: writeASCII("\\f")
            case ..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                writeASCII("\\u00")
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0x0F)])
            default:
                bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// `2026-11-25T03:01:35.917Z`, unquoted, in UTC with milliseconds.
    mutating func writeTimestamp(_ date: Date) {
        let interval = date.timeIntervalSince1970
        let seconds = interval.rounded(.down)
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        let fields: [(value: Int, width: Int, separator: UInt8)] = [
            (Int(parts.tm_year) + 1900, 4, UInt8(ascii: "-")), (Int(parts.tm_mon) + 1, 2, UInt8(ascii: "-")),
            (Int(parts.tm_mday), 2, UInt8(ascii: "T")), (Int(parts.tm_hour), 2, UInt8(ascii: ":")),
            (Int(parts.tm_min), 2, UInt8(ascii: ":")), (Int(parts.tm_sec), 2, UInt8(ascii: ".")),
            (min(999, Int(((interval - seconds) * 1000).rounded(.down))), 3, UInt8(ascii: "Z")),
        ]
        for field in fields {
            let digits = String(field.value)
            if digits.count < field.width {
                bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: field.width - digits.count))
            }
            bytes.append(contentsOf: digits.utf8)
            bytes.append(field.separator)
        }
    }
}
