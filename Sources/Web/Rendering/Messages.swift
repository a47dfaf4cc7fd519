import Domain
import Foundation

/// Every UI string in Kazakh, Russian and English, from `Messages/<code>.json` (flat key → text).
public struct Messages: Sendable {
    let tables: [Language: [String: String]]

    public init(tables: [Language: [String: String]]) {
        self.tables = tables
    }

    /// Reads the files shipped with the target: `<code>.json` and any `<area>.<code>.json`.
    public static func bundled() throws -> Messages {
        guard let directory = Bundle.module.url(forResource: "Messages", withExtension: nil) else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try load(from: directory)
    }

    public static func load(from directory: URL) throws -> Messages {
        var tables: [Language: [String: String]] = [:]
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        for language in Language.allCases {
            var table: [String: String] = [:]
            for name in names where name == "\(language.rawValue).json" || name.hasSuffix(".\(language.rawValue).json") {
                let data = try Data(contentsOf: directory.appendingPathComponent(name))
                table.merge(try JSONDecoder().decode([String: String].self, from: data)) { _, new in new }
            }
            tables[language] = table
        }
        return Messages(tables: tables)
    }

    public func table(_ language: Language) -> [String: String] {
        tables[language] ?? [:]
    }

    /// The text for `key`; `{0}`, `{1}`… are replaced by `arguments`. A missing key shows itself,
    /// which the completeness test rules out for shipped keys.
    public func text(_ key: String, _ language: Language, _ arguments: String...) -> String {
        text(key, language, arguments: arguments)
    }

    public func text(_ key: String, _ language: Language, arguments: [String]) -> String {
        var text = tables[language]?[key] ?? key
        for (index, argument) in arguments.enumerated() {
            text = text.replacingOccurrences(of: "{\(index)}", with: argument)
        }
        return text
    }
}
