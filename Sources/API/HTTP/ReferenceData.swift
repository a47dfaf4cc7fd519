import Matching
import NIOConcurrencyHelpers
import Storage

/// Regions and focus areas, loaded once: they change only with a migration.
final class ReferenceData: Sendable {
    struct Snapshot: Sendable {
        let regionCodes: Set<String>
        let focusAreaCodes: Set<String>
        let taxonomy: FocusTaxonomy
        let vocabularies: [ReasonLanguage: Vocabulary]

        func vocabulary(_ language: ReasonLanguage) -> Vocabulary {
            vocabularies[language] ?? Vocabulary(regionNames: [:], focusAreaNames: [:])
        }
    }

    private let repository: ReferenceRepository
    private let loaded = NIOLockedValueBox<Snapshot?>(nil)

    init(repository: ReferenceRepository) {
        self.repository = repository
    }

    func snapshot() async throws -> Snapshot {
        if let snapshot = loaded.withLockedValue({ $0 }) { return snapshot }
        let regions = try await repository.regions()
        let focusAreas = try await repository.focusAreas()
        var vocabularies: [ReasonLanguage: Vocabulary] = [:]
        for language in ReasonLanguage.allCases {
            let storageLanguage = Language(rawValue: language.rawValue) ?? .ru
            vocabularies[language] = Vocabulary(
                regionNames: Dictionary(uniqueKeysWithValues: regions.map { ($0.kato, $0.name.preferred(storageLanguage)) }),
                focusAreaNames: Dictionary(uniqueKeysWithValues: focusAreas.map { ($0.code, $0.name.preferred(storageLanguage)) })
            )
        }
        let snapshot = Snapshot(
            regionCodes: Set(regions.map(\.kato)),
            focusAreaCodes: Set(focusAreas.map(\.code)),
            taxonomy: FocusTaxonomy(focusAreas: focusAreas),
            vocabularies: vocabularies
        )
        loaded.withLockedValue { $0 = snapshot }
        return snapshot
    }

    /// Adds an issue for each code that names nothing, under the field the caller sent it in:
    /// query filters by default (`region`, `focus_area`), body fields when named.
    func check(
        region: String?, focusAreas: [String], issues: IssueCollector,
        regionField: String = "region", focusAreaField: (Int) -> String = { _ in "focus_area" }
    ) async throws {
        guard region != nil || !focusAreas.isEmpty else { return }
        let codes = try await snapshot()
        if let region, !codes.regionCodes.contains(region) {
            issues.add(regionField, "unknown_region", "No region has KATO code \(region).")
        }
        for (index, code) in focusAreas.enumerated() where !codes.focusAreaCodes.contains(code) {
            issues.add(focusAreaField(index), "unknown_focus_area", "No focus area has code \(code).")
        }
    }
}
