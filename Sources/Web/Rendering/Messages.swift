import Domain
import Foundation

/// Every UI string in Kazakh, Russian and English, from `Messages/<code>.json` (flat key → text).
public struct Messages: Sendable {
    let tables: [Language: [String: String]]

    public init(tables: [Language: [String: String]]) {
        self.tables = tables
    }

    /// Reads the three files shipped with the target.
    public static func bundled() throws -> Messages {
        guard let directory = Bundle.module.url(forResource: "Messages", withExtension: nil) else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try load(from: directory)
    }

    public static func load(from directory: URL) throws -> Messages {
        var tables: [Language: [String: String]] = [:]
        for language in Language.allCases {
            let data = try Data(contentsOf: directory.appendingPathComponent("\(language.rawValue).json"))
            tables[language] = try JSONDecoder().decode([String: String].self, from: data)
        }
        return Messages(tables: tables)
    }

    public func table(_ language: Language) -> [String: String] {
        tables[language] ?? [:]
    }

    /// The text for `key`; `{0}`, `{1}`… are replaced by `arguments`. A missing key shows itself,
    /// which the completeness test rules out for shipped keys.
    public func text(_ key: String, _ language: Language, _ arguments: String...) -> String {
        var text = tables[language]?[key] ?? key
        for (index, argument) in arguments.enumerated() {
            text = text.replacingOccurrences(of: "{\(index)}", with: argument)
        }
        return text
    }
}
