import Domain
import Matching
import NIOConcurrencyHelpers
import Storage

/// Regions, districts and focus areas, loaded once: they change only with a migration.
public final class ReferenceData: Sendable {
    public struct Snapshot: Sendable {
        /// The 20 top-level units (17 regions and 3 cities of republican significance).
        public let regions: [Region]
        /// Second-level units (districts, cities of regional significance, city districts) by their region's KATO code, in code order.
        public let districtsByRegion: [String: [Region]]
        public let focusAreas: [FocusArea]
        public let legalForms: [LegalForm]
        /// Every known unit: regions and districts. Filters and records accept any of them.
        public let regionCodes: Set<String>
        public let focusAreaCodes: Set<String>
        public let taxonomy: FocusTaxonomy
        let vocabularies: [Language: Vocabulary]

        /// The districts of a top-level region; empty for an unknown code or a district.
        public func districts(of region: String) -> [Region] {
            districtsByRegion[region] ?? []
        }

        /// A region or district by its code.
        public func unit(_ kato: String) -> Region? {
            units[kato]
        }

        let units: [String: Region]
        let placeRanks: [Language: [String: Int]]
        let focusRanks: [Language: [String: Int]]

        /// Where a region or district stands in an alphabetical list of places in `language`.
        public func placeRank(_ kato: String, in language: Language) -> Int {
            placeRanks[language]?[kato] ?? .max
        }

        /// Where a focus area stands in an alphabetical list of them in `language`.
        public func focusRank(_ code: String, in language: Language) -> Int {
            focusRanks[language]?[code] ?? .max
        }

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
        let units = try await repository.regions()
        let regions = units.filter { $0.parentKATO == nil }
        let focusAreas = try await repository.focusAreas()
        var vocabularies: [Language: Vocabulary] = [:]
        var placeRanks: [Language: [String: Int]] = [:], focusRanks: [Language: [String: Int]] = [:]
        for language in Language.allCases {
            let placeNames = Dictionary(uniqueKeysWithValues: units.map { ($0.kato, $0.name.preferred(language)) })
            let focusNames = Dictionary(uniqueKeysWithValues: focusAreas.map { ($0.code, $0.name.preferred(language)) })
            vocabularies[language] = Vocabulary(regionNames: placeNames, focusAreaNames: focusNames)
            placeRanks[language] = NameOrder.ranks(placeNames, in: language)
            focusRanks[language] = NameOrder.ranks(focusNames, in: language)
        }
        let snapshot = Snapshot(
            regions: regions,
            districtsByRegion: Dictionary(grouping: units.filter { $0.parentKATO != nil }, by: { $0.parentKATO ?? "" }),
            focusAreas: focusAreas,
            legalForms: try await repository.legalForms(),
            regionCodes: Set(units.map(\.kato)),
            focusAreaCodes: Set(focusAreas.map(\.code)),
            taxonomy: FocusTaxonomy(focusAreas: focusAreas),
            vocabularies: vocabularies,
            units: Dictionary(uniqueKeysWithValues: units.map { ($0.kato, $0) }),
            placeRanks: placeRanks,
            focusRanks: focusRanks
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
