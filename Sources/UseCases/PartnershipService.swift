import Domain
import Foundation
import Storage

/// Partnerships from proposal to outcome: proposing, amending, every lifecycle move, reports,
/// the audit trail, the event feed and the review queue.
public struct PartnershipService: Sendable {
    let partnerships: PartnershipRepository
    let matches: MatchService
    let clock: ServiceClock
    let reporting: ReportingPolicy

    public init(partnerships: PartnershipRepository, matches: MatchService, clock: ServiceClock = ServiceClock(), reporting: ReportingPolicy = ReportingPolicy()) {
        self.partnerships = partnerships
        self.matches = matches
        self.clock = clock
        self.reporting = reporting
    }

    /// The partnership with `isOverdue` as of the service's clock.
    func stamped(_ partnership: Partnership) -> Partnership {
        var partnership = partnership
        partnership.isOverdue = reporting.isOverdue(dueAt: partnership.reportDueAt, now: clock.now())
        return partnership
    }

    /// A party to the triple (or an admin) proposes; proposing is its own consent.
    public func propose(_ draft: PartnershipDraft, by caller: Caller) async throws -> Partnership {
        try Access.requireSignedIn(caller)
        let issues = draft.framework.issues()
        if !issues.isEmpty { throw DomainError.invalid(issues) }
        return try await partnerships.propose(draft) { subject in
            // Someone else's draft does not exist as far as the caller can tell.
            if subject.projectStatus == .draft && !caller.speaksFor(subject.ngoID) {
                throw DomainError.invalid([FieldIssue(field: "project_id", code: "unknown_project", message: "No project has this id.")])
            }
            guard caller.speaksFor(subject.ngoID) || caller.speaksFor(draft.businessID) || caller.speaksFor(draft.governmentBodyID) else {
                throw DomainError.forbidden(message: "Only the project's NGO, the sponsor or the government body may propose this partnership.")
            }
            try Access.requireNotViewer(caller, to: "propose partnerships")
            var consents: Set<PartyRole> = []
            if let member = caller.member {
                if member.organizationID == subject.ngoID { consents.insert(.ngo) }
                if member.organizationID == draft.businessID { consents.insert(.business) }
                if member.organizationID == draft.governmentBodyID { consents.insert(.governmentBody) }
            }
            return Proposer(consents: consents, proposedBy: caller.member?.organizationID, actor: caller.actor)
        }
    }

    /// Parties, reviewers and admins read a partnership at every stage; anyone once it is public.
    /// For everyone else it does not exist.
    public func find(_ id: UUID, by caller: Caller) async throws -> Partnership {
        let partnership = try await partnerships.find(id)
        try Self.requireReadable(partnership, by: caller)
        return stamped(partnership)
    }

    /// The partnerships the caller takes part in or reviews (admins: all), newest first.
    public func list(state: PartnershipState?, limit: Int, by caller: Caller) async throws -> [Partnership] {
        try Access.requireSignedIn(caller)
        return try await partnerships.list(in: Self.scope(of: caller), state: state, limit: limit).map(stamped)
    }

    /// New terms while proposed: the other parties must consent again, and the sponsor's declared
    /// budget bounds the pledge as it does a proposal.
    /// A new results framework is among the terms: consenting agrees to it.
    public func amend(
        _ id: UUID, pledgeKZT: Int64?, inKind: [String]?, framework: ResultsFramework? = nil, ifMatch: Set<Int>?, by caller: Caller
    ) async throws -> Partnership {
        if let issues = framework?.issues(), !issues.isEmpty { throw DomainError.invalid(issues) }
        return try await move(.amend, on: id, ifMatch: ifMatch, comment: nil, framework: framework, by: caller) { current in
            (pledgeKZT ?? current.pledgeKZT, inKind ?? current.inKind, nil)
        }
    }

    /// One lifecycle move: consent, withdraw, approve, reject, return, activate, complete or cancel.
    /// Completing carries the final evaluation.
    public func perform(
        _ action: PartnershipLifecycle.Action, on id: UUID, comment: String?, finalEvaluation: ReportDraft? = nil,
        ifMatch: Set<Int>?, by caller: Caller
    ) async throws -> Partnership {
        precondition(action != .amend && action != .report, "amend and report have their own use cases")
        return try await move(action, on: id, ifMatch: ifMatch, comment: comment, by: caller) { current in
            (current.pledgeKZT, current.inKind, action == .complete ? finalEvaluation : nil)
        }
    }

    /// A milestone report by the NGO of an active partnership; disbursements never pass the pledge.
    public func report(_ id: UUID, _ report: ReportDraft, ifMatch: Set<Int>?, by caller: Caller) async throws -> Partnership {
        try await move(.report, on: id, ifMatch: ifMatch, comment: nil, by: caller) { current in
            (current.pledgeKZT, current.inKind, report)
        }
    }

    public func reports(of id: UUID, by caller: Caller) async throws -> [PartnershipReport] {
        _ = try await find(id, by: caller)
        return try await partnerships.reports(of: id)
    }

    public func events(of id: UUID, by caller: Caller) async throws -> [PartnershipEvent] {
        _ = try await find(id, by: caller)
        return try await partnerships.events(of: id)
    }

    /// Events after `cursor` that the caller may see, in commit order, for integrations.
    public func feed(after cursor: Int64, limit: Int, by caller: Caller) async throws -> [PartnershipEvent] {
        try Access.requireSignedIn(caller)
        return try await partnerships.feed(after: cursor, limit: limit, in: Self.scope(of: caller))
    }

    /// One partnership waiting for review, with how long it has waited and why the triple fits.
    public struct ReviewItem: Sendable {
        public let partnership: Partnership
        public let waitingSeconds: Int
        public let match: RankedMatch<MatchService.Subject>?
        /// Whether the caller may approve, return or reject it now.
        public let mayDecide: Bool
        /// The sponsor's budget as approval will check it (nil when the sponsor is gone).
        public let sponsorBudget: SponsorBudget?
    }

    /// A government body's review queue in its jurisdiction, oldest first; admins see every one.
    public func reviewQueue(limit: Int, by caller: Caller) async throws -> [ReviewItem] {
        try Access.requireSignedIn(caller)
        let jurisdiction: String?
        if caller.isAdmin {
            jurisdiction = nil
        } else if caller.member?.kind == .governmentBody {
            // A suspended body keeps its queue page but reviews nothing.
            guard let scope = caller.reviewScope else { return [] }
            jurisdiction = scope.jurisdiction
        } else {
            throw DomainError.forbidden(message: "The review queue belongs to government bodies.")
        }
        let now = Date()
        var items: [ReviewItem] = []
        for partnership in try await partnerships.underReview(in: jurisdiction, limit: limit) {
            items.append(try await reviewItem(stamped(partnership), by: caller, now: now))
        }
        return items
    }

    /// One partnership as its reviewer weighs it, whatever its state: for the government bodies
    /// whose jurisdiction covers its project, and admins. Hidden from those it is hidden from.
    public func reviewItem(_ id: UUID, by caller: Caller) async throws -> ReviewItem {
        let partnership = try await find(id, by: caller)
        let standing = Self.standing(of: caller, in: partnership)
        guard standing.isReviewer || standing.isAdmin else {
            throw DomainError.forbidden(message: "Only the government bodies whose jurisdiction covers the project review this partnership.")
        }
        return try await reviewItem(partnership, by: caller, now: Date())
    }

    private func reviewItem(_ partnership: Partnership, by caller: Caller, now: Date) async throws -> ReviewItem {
        guard let sponsor = partnership.businessID else {
            throw DomainError.conflict(code: "call_award", message: "A call's award was reviewed in its call; it has no review of its own.")
        }
        let match = try await matches.explain(project: partnership.projectID, sponsor: sponsor, governmentBody: partnership.governmentBodyID)
        let standing = Self.standing(of: caller, in: partnership)
        let decides: Bool
        if case .success = PartnershipLifecycle.apply(.approve, by: standing, state: partnership.state, consents: partnership.consents) {
            decides = !caller.isViewer
        } else {
            decides = false
        }
        return ReviewItem(
            partnership: partnership,
            waitingSeconds: Int(now.timeIntervalSince(partnership.submittedAt ?? partnership.createdAt)),
            match: match,
            mayDecide: decides,
            sponsorBudget: try await partnerships.budget(of: sponsor)
        )
    }

    /// A partnership as one of its parties sees it: the caller's roles in it, what it waits for
    /// next and from whom, and the moves the caller may make now (none for a viewer).
    public struct PartyView: Sendable {
        public let partnership: Partnership
        public let roles: Set<PartyRole>
        public let nextStep: PartnershipLifecycle.NextStep
        public let actions: [PartnershipLifecycle.Action]

        /// Whether the next step is the caller's own: its consent, starting the work, its reports
        /// (withdrawing or cancelling, always possible, is not a step anyone waits for).
        public var waitsOnCaller: Bool {
            switch nextStep {
            case .consent: actions.contains(.consent)
            case .activation: actions.contains(.activate)
            case .reports: actions.contains(.report)
            case .review, .none: false
            }
        }
    }

    public func partyView(of partnership: Partnership, by caller: Caller) -> PartyView {
        let standing = Self.standing(of: caller, in: partnership)
        // A party's page offers the party's moves; reviewing has its own page.
        let asParty = PartnershipLifecycle.Standing(roles: standing.roles, isReviewer: false, isAdmin: standing.isAdmin)
        return PartyView(
            partnership: partnership,
            roles: standing.roles,
            nextStep: PartnershipLifecycle.nextStep(state: partnership.state, consents: partnership.consents),
            actions: caller.isViewer ? [] : PartnershipLifecycle.available(to: asParty, state: partnership.state, consents: partnership.consents)
                .filter { !(Self.cofunderOnly(standing, in: partnership) && $0 == .cancel) }
        )
    }

    /// A business's budget against its pledges and disbursements: for the business itself
    /// (viewers included) and admins.
    public func budget(of business: UUID, by caller: Caller) async throws -> SponsorBudget {
        try Access.requireSignedIn(caller)
        guard caller.speaksFor(business) else { throw DomainError.forbidden(message: "Only the business itself reads its budget here.") }
        guard let budget = try await partnerships.budget(of: business) else { throw DomainError.forbidden(message: "Only businesses declare a CSR budget.") }
        return budget
    }

    /// One partnership in a party's workspace: for its parties (viewers included, who only read)
    /// and admins.
    public func partyView(_ id: UUID, by caller: Caller) async throws -> PartyView {
        let partnership = try await find(id, by: caller)
        let standing = Self.standing(of: caller, in: partnership)
        guard !standing.roles.isEmpty || standing.isAdmin else {
            throw DomainError.forbidden(message: "Only the partnership's parties work on it in their workspace.")
        }
        return partyView(of: partnership, by: caller)
    }

    /// The partnerships the caller's organization takes part in, as its workspace lists them.
    public func partyViews(limit: Int, by caller: Caller) async throws -> [PartyView] {
        try Access.requireSignedIn(caller)
        guard let organization = caller.member?.organizationID else { return [] }
        return try await partnerships.list(in: .involving(organizationID: organization, reviewJurisdiction: nil, reviewsNationally: false), state: nil, limit: limit)
            .map { partyView(of: stamped($0), by: caller) }
    }

    // MARK: - Rules

    /// Every move is decided here, under the partnership's row lock, on the partnership as committed.
    private func move(
        _ action: PartnershipLifecycle.Action, on id: UUID, ifMatch: Set<Int>?, comment: String?, framework: ResultsFramework? = nil,
        by caller: Caller, terms: @escaping @Sendable (Partnership) -> (pledgeKZT: Int64, inKind: [String], report: ReportDraft?)
    ) async throws -> Partnership {
        try Access.requireSignedIn(caller)
        return stamped(try await partnerships.change(id) { current in
            let standing = Self.standing(of: caller, in: current)
            guard standing.isInvolved || current.state.isPublic else { throw DomainError.notFound(resource: "partnership") }
            try Access.requireNotViewer(caller, to: "act on partnerships")
            if let ifMatch, !ifMatch.contains(current.version) {
                throw DomainError.preconditionFailed(currentVersion: current.version)
            }
            // A call's award spends the state's money too: a co-funder paying a share starts the
            // work with the NGO but does not cancel the whole grant; the NGO or the call's body does.
            if action == .cancel, Self.cofunderOnly(standing, in: current) {
                throw DomainError.forbidden(message: "A co-funder does not cancel a call's award; the NGO or the call's government body does.")
            }
            let outcome: PartnershipLifecycle.Outcome
            switch PartnershipLifecycle.apply(action, by: standing, state: current.state, consents: current.consents) {
            case .success(let next): outcome = next
            case .failure(.forbidden(let message)): throw DomainError.forbidden(message: message)
            case .failure(.conflict(let message)): throw DomainError.conflict(code: "invalid_transition", message: message)
            }
            if action == .consent, let deadline = current.consentDeadline, deadline < Date() {
                throw DomainError.conflict(code: "consent_deadline_passed", message: "Consent was due by \(deadline); this proposal has lapsed.")
            }
            if PartnershipLifecycle.needsComment(action), (comment ?? "").isEmpty {
                throw DomainError.invalid([FieldIssue(field: "comment", code: "required", message: "Say why: \(action.rawValue) needs a comment.")])
            }
            let (pledge, inKind, report) = terms(current)
            if let report {
                let disbursed = current.totals.amountDisbursedKZT
                if let offset = report.values.firstIndex(where: { !$0.actual.isFinite || abs($0.actual) > 1e12 }) {
                    throw DomainError.invalid([FieldIssue(
                        field: "indicator_values[\(offset)].actual", code: "out_of_range", message: "A value must be a number of at most 10¹² in size."
                    )])
                }
                if report.amountDisbursedKZT > current.pledgeKZT - disbursed {
                    throw DomainError.invalid([FieldIssue(
                        field: "amount_disbursed_kzt", code: "over_pledge",
                        message: "Disbursements would pass the pledge: \(disbursed) of \(current.pledgeKZT) KZT reported so far."
                    )])
                }
            }
            return PartnershipChange(
                action: action, outcome: outcome, pledgeKZT: pledge, inKind: inKind, report: report, comment: comment, actor: caller.actor,
                framework: framework
            )
        })
    }

    static func requireReadable(_ partnership: Partnership, by caller: Caller) throws {
        guard standing(of: caller, in: partnership).isInvolved || partnership.state.isPublic else {
            throw DomainError.notFound(resource: "partnership")
        }
    }

    /// A co-funder of a call's award and nothing more there.
    static func cofunderOnly(_ standing: PartnershipLifecycle.Standing, in partnership: Partnership) -> Bool {
        partnership.callID != nil && !standing.isAdmin && standing.roles == [.business]
    }

    static func standing(of caller: Caller, in partnership: Partnership) -> PartnershipLifecycle.Standing {
        PartnershipLifecycle.Standing(
            roles: caller.member.map { partnership.roles(of: $0.organizationID) } ?? [],
            isReviewer: caller.governs(partnership.projectRegions),
            isAdmin: caller.isAdmin
        )
    }

    static func scope(of caller: Caller) -> PartnershipScope {
        if caller.isAdmin { return .everything }
        let review = caller.reviewScope
        return .involving(
            organizationID: caller.member?.organizationID, reviewJurisdiction: review?.jurisdiction, reviewsNationally: review?.isNational ?? false
        )
    }
}
