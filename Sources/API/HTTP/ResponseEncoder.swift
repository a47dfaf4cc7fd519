import Foundation

/// Encodes response bodies straight into bytes, with the output Foundation's `JSONEncoder` gives
/// under the settings this service used (snake_case keys, unescaped slashes, timestamps in UTC
/// with milliseconds), but without building a tree of values first: that tree was the largest
/// single cost of a request. Keys come out in the order the value encodes them.
enum ResponseEncoder {
    static func encode(_ value: some Encodable) throws -> [UInt8] {
        let output = JSONOutput()
        try output.write(value, codingPath: [])
        return output.bytes
    }
}

/// The bytes written so far; shared by every container of one encoding.
final class JSONOutput {
    var bytes: [UInt8] = []

    init() {
        bytes.reserveCapacity(2048)
    }

    func write<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws {
        switch value {
        case let string as String:
            writeString(string)
        case let date as Date:
            bytes.append(UInt8(ascii: "\""))
            writeTimestamp(date)
            bytes.append(UInt8(ascii: "\""))
        case let url as URL:
            writeString(url.absoluteString)
        case let data as Data:
            writeString(data.base64EncodedString())
        case let decimal as Decimal:
            writeASCII(decimal.description)
        case let dictionary as any StringKeyedDictionary:
            // JSONEncoder writes a dictionary's keys as they are, without the key strategy.
            try dictionary.writeEntries(to: self, codingPath: codingPath)
        default:
            let encoder = ValueEncoder(output: self, codingPath: codingPath)
            try value.encode(to: encoder)
            encoder.finish()
        }
    }

    func writeASCII(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    func write(_ value: Double, codingPath: [any CodingKey]) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: codingPath, debugDescription: "Unable to encode \(value) directly in JSON."))
        }
        writeNumber(value.description)
    }

    func write(_ value: Float, codingPath: [any CodingKey]) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: codingPath, debugDescription: "Unable to encode \(value) directly in JSON."))
        }
        writeNumber(value.description)
    }

    /// JSONEncoder's rule: the shortest round-tripping form, without a trailing ".0".
    private func writeNumber(_ description: String) {
        writeASCII(description.hasSuffix(".0") ? String(description.dropLast(2)) : description)
    }

    func writeString(_ string: String) {
        bytes.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { utf8 in
            // Most strings need no escaping: copy runs of plain bytes in one go.
            var runStart = 0
            for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                appendEscaped(byte)
                runStart = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private func appendEscaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
        case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
        case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
        case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
        case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
        case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
        case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
        default:
            let hex = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: Array("\\u00".utf8))
            bytes.append(hex[Int(byte >> 4)])
            bytes.append(hex[Int(byte & 0x0F)])
        }
    }

    func writeKey(_ key: any CodingKey) {
        bytes.append(contentsOf: Self.keyCache.bytes(for: key.stringValue))
    }

    /// Field names are few and fixed, so each is converted and quoted once.
    static let keyCache = KeyCache()

    final class KeyCache: @unchecked Sendable {
        // Safe: `written` is only read and changed under `lock`.
        private let lock = NSLock()
        private var written: [String: [UInt8]] = [:]
        /// Keys come from CodingKeys (dictionaries bypass this), but stay bounded all the same.
        private let capacity = 4096

        func bytes(for key: String) -> [UInt8] {
            lock.lock()
            let cached = written[key]
            lock.unlock()
            if let cached { return cached }
            let output = JSONOutput()
            output.writeString(JSONOutput.snakeCase(key))
            output.bytes.append(UInt8(ascii: ":"))
            lock.lock()
            if written.count < capacity { written[key] = output.bytes }
            lock.unlock()
            return output.bytes
        }
    }

    /// `2026-11-25T03:01:35.917Z`, unquoted: what `Date.ISO8601FormatStyle(includingFractionalSeconds: true)`
    /// gives, written digit by digit because the formatter costs more than the rest of a log line.
    func writeTimestamp(_ date: Date) {
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

    /// JSONEncoder's `convertToSnakeCase`: a word starts at each capital, a run of capitals is one
    /// word up to the capital that begins the next lowercase word ("myURLKey" → "my_url_key").
    static func snakeCase(_ key: String) -> String {
        let scalars = Array(key.unicodeScalars)
        guard scalars.contains(where: { $0.properties.isUppercase }) else { return key }
        var words: [Range<Int>] = []
        var wordStart = 0
        var searchStart = 1
        while let upper = (searchStart..<scalars.count).first(where: { scalars[$0].properties.isUppercase }) {
            words.append(wordStart..<upper)
            guard let lower = (upper..<scalars.count).first(where: { scalars[$0].properties.isLowercase }) else {
                wordStart = upper
                searchStart = scalars.count
                break
            }
            if lower == upper + 1 {
                wordStart = upper
            } else {
                words.append(upper..<(lower - 1))
                wordStart = lower - 1
            }
            searchStart = lower + 1
        }
        words.append(wordStart..<scalars.count)
        return words.map { range in
            var word = String.UnicodeScalarView()
            word.append(contentsOf: scalars[range])
            return String(word).lowercased()
        }.joined(separator: "_")
    }
}

/// `[String: Value]`, whose keys are data rather than field names.
protocol StringKeyedDictionary {
    func writeEntries(to output: JSONOutput, codingPath: [any CodingKey]) throws
}

extension Dictionary: StringKeyedDictionary where Key == String, Value: Encodable {
    func writeEntries(to output: JSONOutput, codingPath: [any CodingKey]) throws {
        output.bytes.append(UInt8(ascii: "{"))
        var first = true
        for (key, value) in self {
            if !first { output.bytes.append(UInt8(ascii: ",")) }
            first = false
            output.writeString(key)
            output.bytes.append(UInt8(ascii: ":"))
            try output.write(value, codingPath: codingPath + [DictionaryKey(stringValue: key)])
        }
        output.bytes.append(UInt8(ascii: "}"))
    }
}

private struct DictionaryKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// The `Encoder` for one value: it opens at most one container, closed by `finish()`.
final class ValueEncoder: Encoder {
    enum State {
        case empty, keyed, unkeyed, single
    }

    let output: JSONOutput
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    private(set) var state = State.empty
    var count = 0
    private var finished = false
    /// A nested container still open; it closes before its parent writes anything else.
    var openChild: ValueEncoder?

    init(output: JSONOutput, codingPath: [any CodingKey]) {
        self.output = output
        self.codingPath = codingPath
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if state == .empty {
            state = .keyed
            output.bytes.append(UInt8(ascii: "{"))
        }
        return KeyedEncodingContainer(KeyedWriter<Key>(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if state == .empty {
            state = .unkeyed
            output.bytes.append(UInt8(ascii: "["))
        }
        return UnkeyedWriter(encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        if state == .empty { state = .single }
        return SingleValueWriter(encoder: self)
    }

    /// Closes a nested child and writes the separator before the next element.
    func beginElement() {
        // Writing into a container after its value was closed would garble the output; no
        // response type does it, and the tests (debug builds) would trap on one that did.
        assert(!finished, "a container was written to after its value was finished")
        closeChild()
        if count > 0 { output.bytes.append(UInt8(ascii: ",")) }
        count += 1
    }

    func closeChild() {
        openChild?.finish()
        openChild = nil
    }

    func finish() {
        assert(!finished, "a value was finished twice")
        finished = true
        closeChild()
        switch state {
        case .keyed: output.bytes.append(UInt8(ascii: "}"))
        case .unkeyed: output.bytes.append(UInt8(ascii: "]"))
        case .single: break
        case .empty: output.bytes.append(contentsOf: [UInt8(ascii: "{"), UInt8(ascii: "}")])
        }
    }

    func claimSingleValue() {
        assert(count == 0, "a single-value container was written twice")
        count = 1
    }

    func nested(_ path: [any CodingKey]) -> ValueEncoder {
        let child = ValueEncoder(output: output, codingPath: path)
        openChild = child
        return child
    }
}

private struct KeyedWriter<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: ValueEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    private func key(_ key: any CodingKey) {
        encoder.beginElement()
        encoder.output.writeKey(key)
    }

    mutating func encodeNil(forKey key: Key) throws {
        self.key(key)
        encoder.output.writeASCII("null")
    }

    mutating func encode(_ value: Bool, forKey key: Key) throws {
        self.key(key)
        encoder.output.writeASCII(value ? "true" : "false")
    }

    mutating func encode(_ value: String, forKey key: Key) throws {
        self.key(key)
        encoder.output.writeString(value)
    }

    mutating func encode(_ value: Double, forKey key: Key) throws {
        self.key(key)
        try encoder.output.write(value, codingPath: codingPath + [key])
    }

    mutating func encode(_ value: Float, forKey key: Key) throws {
        self.key(key)
        try encoder.output.write(value, codingPath: codingPath + [key])
    }

    mutating func encode(_ value: Int, forKey key: Key) throws { integer(value, key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { integer(value, key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { integer(value, key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { integer(value, key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { integer(value, key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { integer(value, key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { integer(value, key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { integer(value, key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { integer(value, key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { integer(value, key) }

    private func integer(_ value: some BinaryInteger, _ key: Key) {
        self.key(key)
        encoder.output.writeASCII(String(value))
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        self.key(key)
        try encoder.output.write(value, codingPath: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        self.key(key)
        return encoder.nested(codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        self.key(key)
        return encoder.nested(codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        key(SuperKey())
        return encoder.nested(codingPath + [SuperKey()])
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        self.key(key)
        return encoder.nested(codingPath + [key])
    }
}

/// The key JSONEncoder gives a keyed container's `superEncoder()`.
private struct SuperKey: CodingKey {
    var stringValue: String { "super" }
    var intValue: Int? { nil }
    init() {}
    init?(stringValue: String) { nil }
    init?(intValue: Int) { nil }
}

private struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "\(intValue ?? 0)" }
    init(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { nil }
}

private struct UnkeyedWriter: UnkeyedEncodingContainer {
    let encoder: ValueEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }
    var count: Int { encoder.count }

    private func element() -> [any CodingKey] {
        encoder.beginElement()
        return codingPath + [IndexKey(intValue: encoder.count - 1)]
    }

    mutating func encodeNil() throws {
        _ = element()
        encoder.output.writeASCII("null")
    }

    mutating func encode(_ value: Bool) throws {
        _ = element()
        encoder.output.writeASCII(value ? "true" : "false")
    }

    mutating func encode(_ value: String) throws {
        _ = element()
        encoder.output.writeString(value)
    }

    mutating func encode(_ value: Double) throws {
        try encoder.output.write(value, codingPath: element())
    }

    mutating func encode(_ value: Float) throws {
        try encoder.output.write(value, codingPath: element())
    }

    mutating func encode(_ value: Int) throws { integer(value) }
    mutating func encode(_ value: Int8) throws { integer(value) }
    mutating func encode(_ value: Int16) throws { integer(value) }
    mutating func encode(_ value: Int32) throws { integer(value) }
    mutating func encode(_ value: Int64) throws { integer(value) }
    mutating func encode(_ value: UInt) throws { integer(value) }
    mutating func encode(_ value: UInt8) throws { integer(value) }
    mutating func encode(_ value: UInt16) throws { integer(value) }
    mutating func encode(_ value: UInt32) throws { integer(value) }
    mutating func encode(_ value: UInt64) throws { integer(value) }

    private func integer(_ value: some BinaryInteger) {
        _ = element()
        encoder.output.writeASCII(String(value))
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try encoder.output.write(value, codingPath: element())
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        encoder.nested(element()).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        encoder.nested(element()).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        encoder.nested(element())
    }
}

private struct SingleValueWriter: SingleValueEncodingContainer {
    let encoder: ValueEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }
    /// Every method writes through this, so a second value in one single-value container is caught.
    var output: JSONOutput {
        encoder.claimSingleValue()
        return encoder.output
    }

    mutating func encodeNil() throws { output.writeASCII("null") }
    mutating func encode(_ value: Bool) throws { output.writeASCII(value ? "true" : "false") }
    mutating func encode(_ value: String) throws { output.writeString(value) }
    mutating func encode(_ value: Double) throws { try output.write(value, codingPath: codingPath) }
    mutating func encode(_ value: Float) throws { try output.write(value, codingPath: codingPath) }
    mutating func encode(_ value: Int) throws { output.writeASCII(String(value)) }
    mutating func encode(_ value: Int8) throws { output.writeASCII(String(value)) }
    mutating func encode(_ value: Int16) throws { output.writeASCII(String(value)) }
    mutating func encode(_ value: Int32) throws { output.writeASCII(String(value)) }
    mutating func encode(_ value: Int64) throws { output.writeASCII(String(value)) }
    mutating func encode(_ value: UInt) throws { output.writeASCII(String(value)) }
    mutating func encode(_ value: UInt8) throws { output.writeASCII(String(value)) }
    mutating func encode(_ value: UInt16) throws { output.writeASCII(String(value)) }
    mutating func encode(_ value: UInt32) throws { output.writeASCII(String(value)) }
    mutating func encode(_ value: UInt64) throws { output.writeASCII(String(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { try output.write(value, codingPath: codingPath) }
}
