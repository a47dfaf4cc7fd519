import Foundation

/// A project a business is weighing: kept on its shortlist, with a note for colleagues, until it
/// proposes or takes it off. Shown with the project as it is now, which may have closed meanwhile.
public struct ShortlistEntry: Sendable, Equatable {
    public let organizationID: UUID
    public let project: Project
    public let projectOwnerName: LocalizedText
    /// The project's need not yet pledged in approved and active partnerships.
    public let fundingGapKZT: Int64
    public let note: String?
    /// Nil when an API token added it.
    public let addedBy: UUID?
    public let addedAt: Date

    public static let maxNoteLength = 500

    public init(
        organizationID: UUID, project: Project, projectOwnerName: LocalizedText, fundingGapKZT: Int64, note: String?, addedBy: UUID?, addedAt: Date
    ) {
        self.organizationID = organizationID
        self.project = project
        self.projectOwnerName = projectOwnerName
        self.fundingGapKZT = fundingGapKZT
        self.note = note
        self.addedBy = addedBy
        self.addedAt = addedAt
    }
}
