import Matching

public struct Region: Sendable, Equatable {
    public let kato: String
    public let parentKATO: String?
    public let level: Int
    public let kind: String
    public let isoCode: String?
    public let name: LocalizedText
    public let center: String?
    public let aliases: [String]
}

public struct FocusArea: Sendable, Equatable {
    public let code: String
    public let name: LocalizedText
    public let sdgs: [Int]
}

public struct LegalForm: Sendable, Equatable {
    public let code: String
    public let organizationKind: OrganizationKind
    public let name: LocalizedText
}

extension FocusTaxonomy {
    /// The taxonomy of stored focus areas and the goals each serves.
    public init(focusAreas: [FocusArea]) {
        self.init(goalsByArea: Dictionary(uniqueKeysWithValues: focusAreas.map { ($0.code, Set($0.sdgs)) }))
    }
}
