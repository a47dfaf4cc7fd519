import Foundation

/// A Swift value that can be sent as a `$n` parameter in PostgreSQL's text format.
public protocol PostgresEncodable: Sendable {
    /// The text representation, or nil for SQL NULL.
    var postgresText: String? { get }
}

/// A Swift value that can be read from a column in PostgreSQL's text format.
public protocol PostgresDecodable: Sendable {
    init(postgresText: String) throws
}

extension String: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { self }
    public init(postgresText: String) { self = postgresText }
}

extension Int: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { String(self) }
    public init(postgresText: String) throws {
        guard let value = Int(postgresText) else { throw decodingError(postgresText, Int.self) }
        self = value
    }
}

extension Int64: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { String(self) }
    public init(postgresText: String) throws {
        guard let value = Int64(postgresText) else { throw decodingError(postgresText, Int64.self) }
        self = value
    }
}

extension Int32: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { String(self) }
    public init(postgresText: String) throws {
        guard let value = Int32(postgresText) else { throw decodingError(postgresText, Int32.self) }
        self = value
    }
}

extension Double: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { String(self) }
    public init(postgresText: String) throws {
        switch postgresText {
        case "NaN": self = .nan
        case "Infinity": self = .infinity
        case "-Infinity": self = -.infinity
        default:
            guard let value = Double(postgresText) else { throw decodingError(postgresText, Double.self) }
            self = value
        }
    }
}

extension Decimal: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { "\(self)" }
    public init(postgresText: String) throws {
        guard let value = Decimal(string: postgresText, locale: Locale(identifier: "en_US_POSIX")) else {
            throw decodingError(postgresText, Decimal.self)
        }
        self = value
    }
}

extension Bool: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { self ? "t" : "f" }
    public init(postgresText: String) throws {
        switch postgresText {
        case "t", "true": self = true
        case "f", "false": self = false
        default: throw decodingError(postgresText, Bool.self)
        }
    }
}

extension UUID: PostgresEncodable, PostgresDecodable {
    // By hand, both ways: `uuidString` formats with `snprintf` and `UUID(uuidString:)` parses with
    // `sscanf`, which together were a quarter of `asar bench call`'s own CPU time, profiled.
    public var postgresText: String? { PostgresUUIDText.format(self) }
    public init(postgresText: String) throws {
        guard let value = PostgresUUIDText.parse(postgresText) ?? UUID(uuidString: postgresText) else { throw decodingError(postgresText, UUID.self) }
        self = value
    }
}

/// The canonical text of a UUID as PostgreSQL writes it: 32 lowercase hex digits in groups of
/// 8-4-4-4-12.
enum PostgresUUIDText {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    static func format(_ id: UUID) -> String {
        withUnsafeBytes(of: id.uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { out in
                var position = 0
                for index in 0..<16 {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        out[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    out[position] = digits[Int(bytes[index] >> 4)]
                    out[position + 1] = digits[Int(bytes[index] & 0x0F)]
                    position += 2
                }
                return position
            }
        }
    }

    /// The UUID of the canonical form in either case; nil for anything else (which
    /// `UUID(uuidString:)` then judges).
    static func parse(_ text: String) -> UUID? {
        var text = text
        return text.withUTF8 { utf8 -> UUID? in
            guard utf8.count == 36, utf8[8] == UInt8(ascii: "-"), utf8[13] == UInt8(ascii: "-"),
                  utf8[18] == UInt8(ascii: "-"), utf8[23] == UInt8(ascii: "-") else { return nil }
            var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            let parsed = withUnsafeMutableBytes(of: &bytes) { out -> Bool in
                var position = 0
                for index in 0..<16 {
                    if index == 4 || index == 6 || index == 8 || index == 10 { position += 1 }
                    guard let high = value(utf8[position]), let low = value(utf8[position + 1]) else { return false }
                    out[index] = high << 4 | low
                    position += 2
                }
                return true
            }
            return parsed ? UUID(uuid: bytes) : nil
        }
    }

    private static func value(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit &- UInt8(ascii: "A") &+ 10
        default: nil
        }
    }
}

extension Date: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { PostgresTimestamp.format(self) }
    public init(postgresText: String) throws {
        guard let value = PostgresTimestamp.parse(postgresText) else { throw decodingError(postgresText, Date.self) }
        self = value
    }
}

/// bytea, in the hex format (`\x` and two digits a byte) that PostgreSQL reads and, by default, writes.
extension Data: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8](repeating: 0, count: 2 + 2 * count)
        text[0] = UInt8(ascii: "\\")
        text[1] = UInt8(ascii: "x")
        for (offset, byte) in enumerated() {
            text[2 + 2 * offset] = digits[Int(byte >> 4)]
            text[3 + 2 * offset] = digits[Int(byte & 0x0F)]
        }
        return String(decoding: text, as: UTF8.self)
    }

    public init(postgresText: String) throws {
        let utf8 = Array(postgresText.utf8)
        guard utf8.count % 2 == 0, utf8.starts(with: [UInt8(ascii: "\\"), UInt8(ascii: "x")]) else {
            throw decodingError(postgresText, Data.self)
        }
        func value(_ digit: UInt8) -> UInt8? {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var bytes = [UInt8](repeating: 0, count: utf8.count / 2 - 1)
        for index in bytes.indices {
            guard let high = value(utf8[2 + 2 * index]), let low = value(utf8[3 + 2 * index]) else {
                throw decodingError(postgresText, Data.self)
            }
            bytes[index] = high << 4 | low
        }
        self = Data(bytes)
    }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public var postgresText: String? { self?.postgresText }
}

extension Array: PostgresEncodable where Element: PostgresEncodable {
    // A closure, not a key path: applying a key path per element was most of the mapping, profiled.
    public var postgresText: String? { PostgresArrayLiteral.encode(map { $0.postgresText }) }
}

extension Array: PostgresDecodable where Element: PostgresDecodable {
    public init(postgresText: String) throws {
        guard let items = PostgresArrayLiteral.decode(postgresText) else {
            throw decodingError(postgresText, [Element].self)
        }
        self = try items.map { item in
            guard let item else { throw PostgresError(.decoding, message: "NULL element in array of \(Element.self)") }
            return try Element(postgresText: item)
        }
    }
}

private func decodingError<T>(_ text: String, _ type: T.Type) -> PostgresError {
    PostgresError(.decoding, message: "cannot decode \(text.prefix(64).debugDescription) as \(type)")
}

/// timestamptz in the text format the session is set to (ISO, UTC): `2026-11-25 00:34:40.123456+00`.
enum PostgresTimestamp {
    static func format(_ date: Date) -> String {
        let micros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        let seconds = Int64((micros / 1_000_000).rounded(.down))
        let fraction = Int64(micros) - seconds * 1_000_000
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        // Digits by hand into bytes: String(format:), then a string per field, were most of the cost
        // of a batch of impressions, profiled.
        var out: [UInt8] = []
        out.reserveCapacity(32)
        func digits(_ value: Int, _ width: Int) {
            // As %0*d: the sign first, then zeros to the width.
            if value < 0 { out.append(UInt8(ascii: "-")) }
            let magnitude = value.magnitude
            var power: UInt = 1
            var count = 1
            while magnitude / power >= 10 {
                power *= 10
                count += 1
            }
            let padding = width - (value < 0 ? 1 : 0) - count
            if padding > 0 { out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: padding)) }
            while power > 0 {
                out.append(UInt8(ascii: "0") + UInt8((magnitude / power) % 10))
                power /= 10
            }
        }
        digits(Int(parts.tm_year) + 1900, 4)
        out.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mon) + 1, 2)
        out.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mday), 2)
        out.append(UInt8(ascii: " "))
        digits(Int(parts.tm_hour), 2)
        out.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_min), 2)
        out.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_sec), 2)
        out.append(UInt8(ascii: "."))
        digits(Int(fraction), 6)
        out.append(contentsOf: "+00".utf8)
        return String(decoding: out, as: UTF8.self)
    }

    static func parse(_ text: String) -> Date? {
        // Accepts "YYYY-MM-DD HH:MM:SS[.ffffff]+HH[:MM]" as PostgreSQL prints with DateStyle ISO.
        let bytes = Array(text.utf8)
        guard bytes.count >= 22 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                guard index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 else { return nil }
                value = value * 10 + Int(bytes[index] - 48)
            }
            return value
        }
        func separator(_ index: Int, _ character: Character) -> Bool { bytes[index] == character.asciiValue }
        guard separator(4, "-"), separator(7, "-"), separator(10, " "), separator(13, ":"), separator(16, ":"),
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              year >= 1, (1...12).contains(month), (1...31).contains(day),
              (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second)
        else { return nil }
        var index = 19
        var micros = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                if digits < 6 { micros = micros * 10 + Int(bytes[index] - 48) }
                digits += 1
                index += 1
            }
            for _ in digits..<max(digits, 6) { micros *= 10 }
        }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") else { return nil }
        let sign = bytes[index] == UInt8(ascii: "+") ? 1 : -1
        guard let offsetHours = number(index + 1..<index + 3) else { return nil }
        var offsetMinutes = 0
        var end = index + 3
        if index + 3 < bytes.count, bytes[index + 3] == UInt8(ascii: ":"), let minutes = number(index + 4..<index + 6) {
            offsetMinutes = minutes
            end = index + 6
        }
        // Nothing may follow, and offsets stay within what time zones use.
        guard end == bytes.count, offsetHours <= 15, offsetMinutes <= 59 else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let localSeconds = timegm(&parts)
        // timegm normalises 31 February into March; such a date is not a date.
        var check = tm()
        var seconds = localSeconds
        gmtime_r(&seconds, &check)
        guard Int(check.tm_mday) == day, Int(check.tm_mon) + 1 == month else { return nil }
        let utcSeconds = Int64(localSeconds) - Int64(sign * (offsetHours * 3600 + offsetMinutes * 60))
        return Date(timeIntervalSince1970: Double(utcSeconds) + Double(micros) / 1_000_000)
    }
}

/// One-dimensional array literals: `{a,"b c",NULL}`.
enum PostgresArrayLiteral {
    static func encode(_ items: [String?]) -> String {
        // Bytes, not characters: both escaped characters are ASCII, so no UTF-8 sequence contains
        // them, and breaking text into characters was most of a batch of impressions' encoding, profiled.
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(items.reduce(2) { $0 + ($1?.utf8.count ?? 4) + 3 })
        for (offset, item) in items.enumerated() {
            if offset > 0 { out.append(UInt8(ascii: ",")) }
            guard let item else { out.append(contentsOf: "NULL".utf8); continue }
            out.append(UInt8(ascii: "\""))
            for byte in item.utf8 {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")) }
                out.append(byte)
            }
            out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) -> [String?]? {
        // Bytes, not unicode scalars: every character with a meaning here is ASCII, and no byte of
        // a multi-byte UTF-8 sequence is; appending scalar by scalar was most of reading a call's
        // answers, profiled (`asar bench call`).
        var text = text
        return text.withUTF8 { bytes -> [String?]? in
            guard bytes.count >= 2, bytes[0] == UInt8(ascii: "{"), bytes[bytes.count - 1] == UInt8(ascii: "}") else { return nil }
            if bytes.count == 2 { return [] }
            var items: [String?] = []
            var current: [UInt8] = []
            var quoted = false
            var wasQuoted = false
            var escaped = false
            for byte in bytes[1..<(bytes.count - 1)] {
                if escaped {
                    current.append(byte)
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    quoted.toggle()
                    wasQuoted = true
                } else if byte == UInt8(ascii: ","), !quoted {
                    items.append(finish(current, wasQuoted: wasQuoted))
                    current.removeAll(keepingCapacity: true)
                    wasQuoted = false
                } else {
                    current.append(byte)
                }
            }
            items.append(finish(current, wasQuoted: wasQuoted))
            return items
        }
    }

    private static func finish(_ bytes: [UInt8], wasQuoted: Bool) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        return (!wasQuoted && text == "NULL") ? nil : text
    }
}
