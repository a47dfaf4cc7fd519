import Foundation

/// A funded partnership as open data publishes it: a grant from the business to the NGO, approved by the government body.
public struct OpenDataGrant: Sendable, Equatable {
    public let partnership: PortalPartnership
    public let projectSummary: LocalizedText
    public let focusAreas: [String]

    public init(partnership: PortalPartnership, projectSummary: LocalizedText, focusAreas: [String]) {
        self.partnership = partnership
        self.projectSummary = projectSummary
        self.focusAreas = focusAreas
    }
}

/// One organization of the public registry: registry facts only, never contacts.
public struct OpenDataOrganization: Sendable, Equatable {
    public let id: UUID
    public let kind: OrganizationKind
    public let bin: String
    public let legalForm: String
    public let name: LocalizedText
    public let website: String?
    public let nationwide: Bool
    public let regions: [String]
    public let focusAreas: [String]
    public let foundedYear: Int?
    public let jurisdiction: String?
    public let level: String?
    public let verification: Verification
    public let createdAt: Date
    public let updatedAt: Date

    public init(id: UUID, kind: OrganizationKind, bin: String, legalForm: String, name: LocalizedText, website: String?, nationwide: Bool, regions: [String], focusAreas: [String], foundedYear: Int?, jurisdiction: String?, level: String?, verification: Verification, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.kind = kind
        self.bin = bin
        self.legalForm = legalForm
        self.name = name
        self.website = website
        self.nationwide = nationwide
        self.regions = regions
        self.focusAreas = focusAreas
        self.foundedYear = foundedYear
        self.jurisdiction = jurisdiction
        self.level = level
        self.verification = verification
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// One public (not draft) project with what is pledged to it.
public struct OpenDataProject: Sendable, Equatable {
    public let project: Project
    public let ngoBIN: String
    /// Pledged in approved, active and completed partnerships.
    public let pledgedKZT: Int64

    public init(project: Project, ngoBIN: String, pledgedKZT: Int64) {
        self.project = project
        self.ngoBIN = ngoBIN
        self.pledgedKZT = pledgedKZT
    }
}

/// When each open-data file last changed; nil when it holds no rows.
public struct OpenDataModified: Sendable, Equatable {
    public let grants: Date?
    public let organizations: Date?
    public let projects: Date?

    public init(grants: Date?, organizations: Date?, projects: Date?) {
        self.grants = grants
        self.organizations = organizations
        self.projects = projects
    }
}
