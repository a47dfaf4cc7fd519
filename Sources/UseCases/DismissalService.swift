import Domain
import Foundation
import Storage

/// "Not interested": an organization's list of candidates its match lists leave out, kept by
/// whoever speaks for it.
public struct DismissalService: Sendable {
    let dismissals: DismissalRepository
    let organizations: OrganizationRepository
    /// Caught up after each change, so the list shown next already leaves the candidate out (or back in).
    let index: LiveCandidateIndex?

    public init(dismissals: DismissalRepository, organizations: OrganizationRepository, index: LiveCandidateIndex? = nil) {
        self.dismissals = dismissals
        self.organizations = organizations
        self.index = index
    }

    /// The organization's dismissals, newest first: for itself (viewers included) and admins.
    public func list(for organization: UUID, by caller: Caller) async throws -> [Dismissal] {
        try Access.requireSignedIn(caller)
        _ = try await organizations.find(organization)
        try Access.requireSpeaksFor(caller, organization, to: "read its dismissed recommendations")
        return try await dismissals.list(of: organization)
    }

    /// Dismisses a candidate for the organization, or replaces the reason of an earlier dismissal:
    /// doing it twice leaves one. `person` is the signed-in person behind a page's session; an API
    /// token has none. The candidate must be of a kind the organization's lists hold.
    public func dismiss(
        _ candidate: UUID, for organization: UUID, reason: String?, person: UUID? = nil, by caller: Caller
    ) async throws -> (dismissal: Dismissal, created: Bool) {
        try Access.requireSignedIn(caller)
        let owner = try await organizations.find(organization)
        try Access.requireActsFor(caller, organization, to: "dismiss recommendations")
        if let reason, reason.isEmpty || reason.count > Dismissal.maxReasonLength {
            throw DomainError.invalid([FieldIssue(
                field: "reason", code: "invalid_length", message: "reason must be 1 to \(Dismissal.maxReasonLength) characters."
            )])
        }
        // A draft is in nobody's list, and for anyone but its NGO it does not exist.
        guard let found = try await dismissals.candidate(candidate), !found.isDraft else {
            throw DomainError.notFound(resource: "candidate")
        }
        let shown = Dismissal.candidateKinds(shownTo: owner.fields.kind)
        guard shown.contains(found.kind) else {
            let kinds = shown.map(\.rawValue).sorted().joined(separator: " or ")
            throw DomainError.invalid([FieldIssue(
                field: "candidate_id", code: "wrong_kind",
                message: "The lists of a \(owner.fields.kind.rawValue) hold no \(found.kind.rawValue); it may dismiss a \(kinds)."
            )])
        }
        let result = try await dismissals.put(organization: organization, candidate: candidate, reason: reason, by: person)
        try await index?.catchUp()
        return result
    }

    /// Shows a dismissed candidate again; not found when it was not dismissed.
    public func undo(_ candidate: UUID, for organization: UUID, by caller: Caller) async throws {
        try Access.requireSignedIn(caller)
        _ = try await organizations.find(organization)
        try Access.requireActsFor(caller, organization, to: "take back dismissed recommendations")
        guard try await dismissals.delete(organization: organization, candidate: candidate) else {
            throw DomainError.notFound(resource: "dismissal")
        }
        try await index?.catchUp()
    }
}
