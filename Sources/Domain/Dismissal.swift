import Foundation

/// "Not interested": a candidate an organization asked never to be shown again in its match lists
/// (those about it and about its projects). It belongs to the organization, not to one person, so
/// colleagues see the same lists.
public struct Dismissal: Sendable, Equatable {
    public let organizationID: UUID
    public let candidateID: UUID
    public let candidateKind: CandidateKind
    /// The organization's name or the project's title, as it is now.
    public let candidateName: LocalizedText
    public let reason: String?
    /// The person who dismissed it; nil when an API token did, which acts for the organization alone.
    public let dismissedBy: UUID?
    public let dismissedAt: Date

    /// What a match list may hold: an organization of a kind, or a project.
    public enum CandidateKind: String, Sendable, CaseIterable {
        case business
        case governmentBody = "government_body"
        case ngo
        case project
    }

    /// Long enough for a sentence or two; the list is a note to colleagues, not a report.
    public static let maxReasonLength = 500

    public init(
        organizationID: UUID, candidateID: UUID, candidateKind: CandidateKind, candidateName: LocalizedText = LocalizedText(), reason: String?,
        dismissedBy: UUID?, dismissedAt: Date
    ) {
        self.organizationID = organizationID
        self.candidateID = candidateID
        self.candidateKind = candidateKind
        self.candidateName = candidateName
        self.reason = reason
        self.dismissedBy = dismissedBy
        self.dismissedAt = dismissedAt
    }

    /// The kinds of candidate an organization of `kind` meets in its lists: an NGO is offered
    /// sponsors and government bodies for its projects; a business and a government body are
    /// offered projects.
    public static func candidateKinds(shownTo kind: OrganizationKind) -> Set<CandidateKind> {
        switch kind {
        case .ngo: [.business, .governmentBody]
        case .business, .governmentBody: [.project]
        }
    }
}
