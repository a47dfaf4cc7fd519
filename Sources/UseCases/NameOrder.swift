import Domain
import Foundation
import NIOConcurrencyHelpers

/// Names in the order a reader of the language expects: ICU's collation through Foundation, so
/// that Kazakh letters stand where the Kazakh alphabet puts them (Қ after К, Ұ after У) rather
/// than after я as their code points do, and a Russian place is found under its own name, not
/// under "г.", "область" or "район". One such sort of a few hundred names took 26 ms here:
/// `ReferenceData` works the orders out once per snapshot, and they are remembered per process
/// too, because tests, benchmarks and commands make many `ReferenceData` of the same reference
/// lists (a handful per language).
enum NameOrder {
    private struct Key: Hashable {
        let language: Language
        let names: [String: String]
    }

    private static let remembered = NIOLockedValueBox<[Key: [String: Int]]>([:])

    /// Each key's position when `names` (key to name) are sorted alphabetically in `language`;
    /// equal names by key.
    static func ranks(_ names: [String: String], in language: Language) -> [String: Int] {
        let key = Key(language: language, names: names)
        if let known = remembered.withLockedValue({ $0[key] }) { return known }
        let locale = Locale(identifier: localeIdentifier(language))
        let sorted = names.map { (key: $0.key, name: sortingName($0.value, language)) }.sorted { a, b in
            let order = a.name.compare(b.name, options: [.caseInsensitive], range: nil, locale: locale)
            return order == .orderedSame ? a.key < b.key : order == .orderedAscending
        }
        let ranks = Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($1.key, $0) })
        remembered.withLockedValue { $0[key] = ranks }
        return ranks
    }

    static func localeIdentifier(_ language: Language) -> String {
        switch language {
        case .kk: "kk_KZ"
        case .ru: "ru_RU"
        case .en: "en_US"
        }
    }

    /// Russian official names put the kind of unit first ("г. Алматы", "область Абай", "район
    /// Марқакөл"); a list is read by the name itself.
    static func sortingName(_ name: String, _ language: Language) -> String {
        guard language == .ru else { return name }
        for prefix in ["г. ", "город ", "область ", "район "] where name.hasPrefix(prefix) {
            return String(name.dropFirst(prefix.count))
        }
        return name
    }
}
