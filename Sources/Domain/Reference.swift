
public struct Region: Sendable, Equatable {
    public let kato: String
    public let parentKATO: String?
    public let level: Int
    public let kind: String
    public let isoCode: String?
    public let name: LocalizedText
    public let center: String?
    public let aliases: [String]

    public init(kato: String, parentKATO: String?, level: Int, kind: String, isoCode: String?, name: LocalizedText, center: String?, aliases: [String]) {
        self.kato = kato
        self.parentKATO = parentKATO
        self.level = level
        self.kind = kind
        self.isoCode = isoCode
        self.name = name
        self.center = center
        self.aliases = aliases
    }
}

public struct FocusArea: Sendable, Equatable {
    public let code: String
    public let name: LocalizedText
    public let sdgs: [Int]

    public init(code: String, name: LocalizedText, sdgs: [Int]) {
        self.code = code
        self.name = name
        self.sdgs = sdgs
    }
}

public struct LegalForm: Sendable, Equatable {
    public let code: String
    public let organizationKind: OrganizationKind
    public let name: LocalizedText

    public init(code: String, organizationKind: OrganizationKind, name: LocalizedText) {
        self.code = code
        self.organizationKind = organizationKind
        self.name = name
    }
}

extension FocusTaxonomy {
    /// The taxonomy of stored focus areas and the goals each serves.
    public init(focusAreas: [FocusArea]) {
        self.init(goalsByArea: Dictionary(uniqueKeysWithValues: focusAreas.map { ($0.code, Set($0.sdgs)) }))
    }
}
