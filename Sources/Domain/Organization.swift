import Foundation

public enum OrganizationKind: String, Sendable, CaseIterable {
    case business
    case ngo
    case governmentBody = "government_body"
}

/// The level of a government body.
public enum GovernmentLevel: String, Sendable, CaseIterable {
    case region, city, district, national
}

/// The writable fields of an organization, as created or after a partial update.
public struct OrganizationDraft: Sendable, Equatable {
    public var kind: OrganizationKind
    public var bin: String
    public var legalForm: String
    public var name: LocalizedText
    public var description: String = ""
    public var website: String?
    public var contactEmail: String?
    public var contactPhone: String?
    /// Works across the whole country; `regions` may then be empty.
    public var nationwide: Bool = false
    public var regions: [String] = []
    public var focusAreas: [String] = []
    public var seeking: [String] = []
    public var annualCSRBudgetKZT: Int64?
    public var maxActivePartnerships: Int?
    public var annualBudgetKZT: Int64?
    public var staffCount: Int?
    public var foundedYear: Int?
    public var jurisdiction: String?
    public var level: GovernmentLevel?

    public init(kind: OrganizationKind, bin: String, legalForm: String, name: LocalizedText) {
        self.kind = kind
        self.bin = bin
        self.legalForm = legalForm
        self.name = name
    }
}

public struct Organization: Sendable, Equatable {
    public let id: UUID
    public var fields: OrganizationDraft
    public let verification: Verification
    public let active: Bool
    public let deactivatedAt: Date?
    public let createdAt: Date
    public let updatedAt: Date

    public init(id: UUID, fields: OrganizationDraft, verification: Verification, active: Bool, deactivatedAt: Date?, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.fields = fields
        self.verification = verification
        self.active = active
        self.deactivatedAt = deactivatedAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
