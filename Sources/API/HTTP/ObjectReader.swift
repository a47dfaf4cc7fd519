import Foundation
import Domain

/// Collects every problem found while reading a request, so a client sees them all at once.
final class IssueCollector {
    private(set) var issues: [FieldIssue] = []

    func add(_ field: String, _ code: String, _ message: String) {
        issues.append(FieldIssue(field: field, code: code, message: message))
    }

    func add(_ more: [FieldIssue]) {
        issues.append(contentsOf: more)
    }

    func throwIfAny() throws {
        if !issues.isEmpty { throw Problem.validation(issues) }
    }
}

/// Reads typed fields out of a JSON object, recording type and range problems instead of stopping.
struct ObjectReader {
    let object: [String: JSONValue]
    let path: String
    let issues: IssueCollector

    init(_ object: [String: JSONValue], path: String = "", issues: IssueCollector) {
        self.object = object
        self.path = path
        self.issues = issues
    }

    func fieldName(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func has(_ key: String) -> Bool { object[key] != nil }

    func isNull(_ key: String) -> Bool { object[key] == .null }

    /// For a patch: an explicit null where the field cannot be cleared.
    func rejectNull(_ key: String) {
        if isNull(key) { issues.add(fieldName(key), "required", "\(fieldName(key)) cannot be null.") }
    }

    /// Reports every key not in `known`.
    func rejectUnknownKeys(_ known: Set<String>) {
        for key in object.keys.sorted() where !known.contains(key) {
            issues.add(fieldName(key), "unknown_field", "\(fieldName(key)) is not a field of this resource.")
        }
    }

    func requirePresent(_ keys: String...) {
        for key in keys where object[key] == nil || object[key] == .null {
            issues.add(fieldName(key), "required", "\(fieldName(key)) is required.")
        }
    }

    /// A trimmed string of at most `maxLength` characters with no control characters; nil when absent or null.
    func string(_ key: String, maxLength: Int, allowEmpty: Bool = false) -> String? {
        guard let value = object[key], value != .null else { return nil }
        guard case .string(let raw) = value else {
            issues.add(fieldName(key), "wrong_type", "\(fieldName(key)) must be a string, not \(value.typeName).")
            return nil
        }
        return TextRules.check(raw, field: fieldName(key), maxLength: maxLength, allowEmpty: allowEmpty, issues: issues)
    }

    /// A UUID in its text form; nil when absent, null or malformed (reported).
    func uuid(_ key: String) -> UUID? {
        guard let text = string(key, maxLength: 36) else { return nil }
        guard let id = UUID(uuidString: text) else {
            issues.add(fieldName(key), "invalid_id", "\(fieldName(key)) must be a UUID.")
            return nil
        }
        return id
    }

    func integer(_ key: String, in range: ClosedRange<Int64>) -> Int64? {
        guard let value = object[key], value != .null else { return nil }
        switch value {
        case .integer(let number) where range.contains(number):
            return number
        case .integer, .number:
            issues.add(fieldName(key), "out_of_range", "\(fieldName(key)) must be a whole number from \(range.lowerBound) to \(range.upperBound).")
        default:
            issues.add(fieldName(key), "wrong_type", "\(fieldName(key)) must be a number, not \(value.typeName).")
        }
        return nil
    }

    /// A finite number of at most `magnitude` in size, whole or not.
    func number(_ key: String, magnitude: Double) -> Double? {
        guard let value = object[key], value != .null else { return nil }
        let number: Double
        switch value {
        case .integer(let whole): number = Double(whole)
        case .number(let real): number = real
        default:
            issues.add(fieldName(key), "wrong_type", "\(fieldName(key)) must be a number, not \(value.typeName).")
            return nil
        }
        guard number.isFinite, abs(number) <= magnitude else {
            issues.add(fieldName(key), "out_of_range", "\(fieldName(key)) must be a number of at most \(Int64(magnitude)) in size.")
            return nil
        }
        return number
    }

    /// An array's items, each for the caller to read; nil (the issue recorded) unless the key
    /// holds an array of at most `maxCount` items of `what`.
    func items(_ key: String, maxCount: Int, of what: String) -> [JSONValue]? {
        guard let value = object[key], value != .null else { return nil }
        guard case .array(let items) = value else {
            issues.add(fieldName(key), "wrong_type", "\(fieldName(key)) must be an array of \(what), not \(value.typeName).")
            return nil
        }
        guard items.count <= maxCount else {
            issues.add(fieldName(key), "too_many", "\(fieldName(key)) may hold at most \(maxCount) items.")
            return nil
        }
        return items
    }

    /// An array of objects, each read by its own reader (`key[0]`, `key[1]`, …).
    func objects(_ key: String, maxCount: Int) -> [ObjectReader]? {
        guard let items = items(key, maxCount: maxCount, of: "objects") else { return nil }
        var readers: [ObjectReader] = []
        for (index, item) in items.enumerated() {
            guard case .object(let nested) = item else {
                issues.add("\(fieldName(key))[\(index)]", "wrong_type", "\(fieldName(key))[\(index)] must be an object, not \(item.typeName).")
                return nil
            }
            readers.append(ObjectReader(nested, path: "\(fieldName(key))[\(index)]", issues: issues))
        }
        return readers
    }

    func bool(_ key: String) -> Bool? {
        guard let value = object[key], value != .null else { return nil }
        guard case .bool(let flag) = value else {
            issues.add(fieldName(key), "wrong_type", "\(fieldName(key)) must be true or false, not \(value.typeName).")
            return nil
        }
        return flag
    }

    func enumeration<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type) -> T? where T.RawValue == String {
        guard let raw = string(key, maxLength: 64) else { return nil }
        guard let value = T(rawValue: raw) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
            issues.add(fieldName(key), "invalid_value", "\(fieldName(key)) must be one of: \(allowed).")
            return nil
        }
        return value
    }

    /// An array of strings, each checked by `element`; duplicates are dropped, order kept.
    func strings(_ key: String, maxCount: Int, element: (String, String) -> String?) -> [String]? {
        guard let items = items(key, maxCount: maxCount, of: "strings") else { return nil }
        var result: [String] = []
        var failed = false
        for (index, item) in items.enumerated() {
            let field = "\(fieldName(key))[\(index)]"
            guard case .string(let text) = item else {
                issues.add(field, "wrong_type", "\(field) must be a string, not \(item.typeName).")
                failed = true
                continue
            }
            guard let checked = element(text, field) else { failed = true; continue }
            if !result.contains(checked) { result.append(checked) }
        }
        return failed ? nil : result
    }

    func object(_ key: String) -> ObjectReader? {
        guard let value = object[key], value != .null else { return nil }
        guard case .object(let nested) = value else {
            issues.add(fieldName(key), "wrong_type", "\(fieldName(key)) must be an object, not \(value.typeName).")
            return nil
        }
        return ObjectReader(nested, path: fieldName(key), issues: issues)
    }
}

/// Shared rules for text fields and codes.
enum TextRules {
    /// Characters and length are judged on the text as sent (length in Unicode code points), as the
    /// OpenAPI document states them; the trimmed text is what is kept.
    static func check(_ raw: String, field: String, maxLength: Int, allowEmpty: Bool = false, issues: IssueCollector) -> String? {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if raw.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\t" }) {
            issues.add(field, "invalid_characters", "\(field) must not contain control characters.")
            return nil
        }
        if text.isEmpty && !allowEmpty {
            issues.add(field, "empty", "\(field) must not be empty.")
            return nil
        }
        if raw.unicodeScalars.count > maxLength {
            issues.add(field, "too_long", "\(field) may be at most \(maxLength) characters long.")
            return nil
        }
        return text
    }

    static func isKATO(_ text: String) -> Bool {
        text.utf8.count == 9 && text.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    static func kato(_ text: String, field: String, issues: IssueCollector) -> String? {
        guard isKATO(text) else {
            issues.add(field, "invalid_kato", "\(field) must be a 9-digit KATO code.")
            return nil
        }
        return text
    }

    static func code(_ text: String, field: String, issues: IssueCollector) -> String? {
        guard !text.isEmpty, text.count <= 64, text.allSatisfy({ $0.isASCII && ($0.isLowercase || $0 == "_") }) else {
            issues.add(field, "invalid_code", "\(field) must be a code such as social_protection.")
            return nil
        }
        return text
    }
}
