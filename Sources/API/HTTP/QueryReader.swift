import Foundation
import Hummingbird
import Storage

/// Reads query parameters, collecting problems like `ObjectReader` does for bodies.
struct QueryReader {
    let request: Request
    let issues = IssueCollector()

    static let defaultLimit = 20
    static let maxLimit = 100

    func rejectUnknown(_ known: Set<String>) {
        for name in Set(request.uri.queryParameters.map { String($0.key) }).sorted() where !known.contains(name) {
            issues.add(name, "unknown_parameter", "\(name) is not a parameter of this listing.")
        }
    }

    func string(_ name: String, maxLength: Int = 200) -> String? {
        guard let raw = request.uri.queryParameters.get(name) else { return nil }
        return TextRules.check(raw, field: name, maxLength: maxLength, issues: issues)
    }

    func enumeration<T: RawRepresentable & CaseIterable>(_ name: String, _ type: T.Type) -> T? where T.RawValue == String {
        guard let raw = string(name, maxLength: 64) else { return nil }
        guard let value = T(rawValue: raw) else {
            issues.add(name, "invalid_value", "\(name) must be one of: \(T.allCases.map(\.rawValue).joined(separator: ", ")).")
            return nil
        }
        return value
    }

    func integer(_ name: String, in range: ClosedRange<Int64>) -> Int64? {
        guard let raw = string(name, maxLength: 32) else { return nil }
        guard let value = Int64(raw), range.contains(value) else {
            issues.add(name, "out_of_range", "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound).")
            return nil
        }
        return value
    }

    func bool(_ name: String) -> Bool? {
        guard let raw = string(name, maxLength: 8) else { return nil }
        switch raw.lowercased() {
        case "true", "1": return true
        case "false", "0": return false
        default:
            issues.add(name, "invalid_value", "\(name) must be true or false.")
            return nil
        }
    }

    func kato(_ name: String) -> String? {
        string(name, maxLength: 9).flatMap { TextRules.kato($0, field: name, issues: issues) }
    }

    /// Comma-separated codes, also accepted as repeated parameters.
    func codes(_ name: String) -> [String] {
        let values = request.uri.queryParameters.getAll(name).flatMap { $0.split(separator: ",") }
        return values.compactMap { TextRules.code(String($0), field: name, issues: issues) }
    }

    func limit() -> Int {
        integer("limit", in: 1...Int64(Self.maxLimit)).map(Int.init) ?? Self.defaultLimit
    }

    func cursor() -> PageCursor? {
        guard let raw = string("cursor", maxLength: 200) else { return nil }
        guard let cursor = PageCursor(encoded: raw) else {
            issues.add("cursor", "invalid_cursor", "cursor must be a next_cursor value from an earlier page.")
            return nil
        }
        return cursor
    }

    func text(_ name: String) -> TextQuery? {
        guard let raw = string(name, maxLength: 200) else { return nil }
        guard let query = TextQuery(raw) else {
            issues.add(name, "no_words", "\(name) must contain at least one word.")
            return nil
        }
        return query
    }
}
