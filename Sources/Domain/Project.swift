import Foundation

public enum ProjectStatus: String, Sendable, CaseIterable {
    case draft, open, funded, closed
}

/// The writable fields of a project.
public struct ProjectDraft: Sendable, Equatable {
    public var organizationID: UUID
    public var title: LocalizedText
    public var summary: LocalizedText = LocalizedText()
    public var focusAreas: [String] = []
    public var regions: [String] = []
    public var fundingNeededKZT: Int64
    public var inKindNeeds: [String] = []
    public var durationMonths: Int
    public var beneficiaries: Int = 0
    public var status: ProjectStatus = .draft

    public init(organizationID: UUID, title: LocalizedText, fundingNeededKZT: Int64, durationMonths: Int) {
        self.organizationID = organizationID
        self.title = title
        self.fundingNeededKZT = fundingNeededKZT
        self.durationMonths = durationMonths
    }
}

public struct Project: Sendable, Equatable {
    public let id: UUID
    public var fields: ProjectDraft
    public let createdAt: Date
    public let updatedAt: Date

    public init(id: UUID, fields: ProjectDraft, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.fields = fields
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
