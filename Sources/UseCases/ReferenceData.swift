import Domain
import Domain
import Matching
import NIOConcurrencyHelpers
import Storage

/// Regions and focus areas, loaded once: they change only with a migration.
public final class ReferenceData: Sendable {
    public struct Snapshot: Sendable {
        public let regions: [Region]
        public let focusAreas: [FocusArea]
        public let legalForms: [LegalForm]
        public let regionCodes: Set<String>
        public let focusAreaCodes: Set<String>
        public let taxonomy: FocusTaxonomy
        let vocabularies: [Language: Vocabulary]

        public func vocabulary(_ language: Language) -> Vocabulary {
            vocabularies[language] ?? Vocabulary(regionNames: [:], focusAreaNames: [:])
        }
    }

    private let repository: ReferenceRepository
    private let loaded = NIOLockedValueBox<Snapshot?>(nil)

    public init(repository: ReferenceRepository) {
        self.repository = repository
    }

    /// True when the database answers and has every migration in `expectedMigrations` applied.
    public func isReady(expectedMigrations: [Int]) async -> Bool {
        await repository.isReady(expectedMigrations: expectedMigrations)
    }

    public func snapshot() async throws -> Snapshot {
        if let snapshot = loaded.withLockedValue({ $0 }) { return snapshot }
        let regions = try await repository.regions()
        let focusAreas = try await repository.focusAreas()
        var vocabularies: [Language: Vocabulary] = [:]
        for language in Language.allCases {
            vocabularies[language] = Vocabulary(
                regionNames: Dictionary(uniqueKeysWithValues: regions.map { ($0.kato, $0.name.preferred(language)) }),
                focusAreaNames: Dictionary(uniqueKeysWithValues: focusAreas.map { ($0.code, $0.name.preferred(language)) })
            )
        }
        let snapshot = Snapshot(
            regions: regions,
            focusAreas: focusAreas,
            legalForms: try await repository.legalForms(),
            regionCodes: Set(regions.map(\.kato)),
            focusAreaCodes: Set(focusAreas.map(\.code)),
            taxonomy: FocusTaxonomy(focusAreas: focusAreas),
            vocabularies: vocabularies
        )
        loaded.withLockedValue { $0 = snapshot }
        return snapshot
    }

    /// An issue for each code that names nothing, under the field the caller sent it in:
    /// query filters by default (`region`, `focus_area`), body fields when named.
    public func unknownCodes(
        region: String?, focusAreas: [String],
        regionField: String = "region", focusAreaField: (Int) -> String = { _ in "focus_area" }
    ) async throws -> [FieldIssue] {
        guard region != nil || !focusAreas.isEmpty else { return [] }
        let codes = try await snapshot()
        var issues: [FieldIssue] = []
        if let region, !codes.regionCodes.contains(region) {
            issues.append(FieldIssue(field: regionField, code: "unknown_region", message: "No region has KATO code \(region)."))
        }
        for (index, code) in focusAreas.enumerated() where !codes.focusAreaCodes.contains(code) {
            issues.append(FieldIssue(field: focusAreaField(index), code: "unknown_focus_area", message: "No focus area has code \(code)."))
        }
        return issues
    }
}
