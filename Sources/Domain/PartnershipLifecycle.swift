/// The partnership state machine: who may make which move from which state. Pure, so every
/// allowed and forbidden transition can be tested without a database.
///
/// ```
/// proposed --(all three consent)--> under_review --approve--> approved --activate--> active --complete--> completed
///    ^                                  |  |                     |                     |
///    +------------- return -------------+  +--reject--> rejected +------cancel------+--+--cancel--> cancelled
/// proposed / under_review --withdraw--> withdrawn
/// ```
public enum PartnershipLifecycle {
    public enum Action: String, Sendable, CaseIterable {
        case consent, withdraw, approve, reject
        /// Back to the parties with comments.
        case `return`
        case activate, complete, cancel
        /// A milestone report; the state does not change.
        case report
        /// New terms while proposed; other parties must consent again.
        case amend
    }

    /// How the caller relates to the partnership.
    public struct Standing: Sendable, Equatable {
        public var roles: Set<PartyRole>
        /// A government body whose jurisdiction holds the project.
        public var isReviewer: Bool
        public var isAdmin: Bool

        public init(roles: Set<PartyRole> = [], isReviewer: Bool = false, isAdmin: Bool = false) {
            self.roles = roles
            self.isReviewer = isReviewer
            self.isAdmin = isAdmin
        }

        /// May read the partnership whatever its state.
        public var isInvolved: Bool { isAdmin || isReviewer || !roles.isEmpty }
    }

    public struct Outcome: Sendable, Equatable {
        public let state: PartnershipState
        public let consents: Set<PartyRole>
    }

    public enum Refusal: Error, Sendable, Equatable {
        /// The caller may not make this move at all.
        case forbidden(String)
        /// The move is not possible in the current state.
        case conflict(String)
    }

    /// The state and consents after `action`, or why it is refused.
    public static func apply(
        _ action: Action, by standing: Standing, state: PartnershipState, consents: Set<PartyRole>
    ) -> Result<Outcome, Refusal> {
        let isParty = !standing.roles.isEmpty || standing.isAdmin
        let reviews = standing.isReviewer || standing.isAdmin
        func require(_ allowed: Bool, _ who: String) -> Refusal? {
            allowed ? nil : .forbidden("Only \(who) may \(action.rawValue) this partnership.")
        }
        func inState(_ states: PartnershipState...) -> Refusal? {
            states.contains(state) ? nil : .conflict(
                "A partnership that is \(state.rawValue) cannot be \(action.pastTense); it must be \(states.map(\.rawValue).joined(separator: " or "))."
            )
        }
        let refusal: Refusal?
        var next = Outcome(state: state, consents: consents)
        switch action {
        case .consent:
            refusal = require(isParty, "its parties") ?? inState(.proposed)
            if refusal == nil {
                let giving: Set<PartyRole> = standing.isAdmin ? Set(PartyRole.allCases) : standing.roles
                if giving.isSubset(of: consents) {
                    return .failure(.conflict("This party has already consented."))
                }
                let all = consents.union(giving)
                next = Outcome(state: all == Set(PartyRole.allCases) ? .underReview : .proposed, consents: all)
            }
        case .amend:
            refusal = require(isParty, "its parties") ?? inState(.proposed)
            next = Outcome(state: .proposed, consents: standing.isAdmin ? [] : standing.roles)
        case .withdraw:
            refusal = require(isParty, "its parties") ?? inState(.proposed, .underReview)
            next = Outcome(state: .withdrawn, consents: consents)
        case .approve:
            refusal = require(reviews, "a government body whose jurisdiction holds the project") ?? inState(.underReview)
            next = Outcome(state: .approved, consents: consents)
        case .reject:
            refusal = require(reviews, "a government body whose jurisdiction holds the project") ?? inState(.underReview)
            next = Outcome(state: .rejected, consents: consents)
        case .return:
            refusal = require(reviews, "a government body whose jurisdiction holds the project") ?? inState(.underReview)
            next = Outcome(state: .proposed, consents: [])
        case .activate:
            refusal = require(standing.isAdmin || standing.roles.contains(.ngo) || standing.roles.contains(.business), "the NGO or the sponsor")
                ?? inState(.approved)
            next = Outcome(state: .active, consents: consents)
        case .complete:
            refusal = require(standing.isAdmin || standing.roles.contains(.ngo), "the NGO") ?? inState(.active)
            next = Outcome(state: .completed, consents: consents)
        case .cancel:
            refusal = require(isParty, "its parties") ?? inState(.approved, .active)
            next = Outcome(state: .cancelled, consents: consents)
        case .report:
            refusal = require(standing.isAdmin || standing.roles.contains(.ngo), "the NGO") ?? inState(.active)
        }
        if let refusal { return .failure(refusal) }
        return .success(next)
    }

    /// Moves that must say why.
    public static func needsComment(_ action: Action) -> Bool {
        [.reject, .return, .cancel].contains(action)
    }
}

extension PartnershipLifecycle.Action {
    var pastTense: String {
        switch self {
        case .consent: "consented to"
        case .withdraw: "withdrawn"
        case .approve: "approved"
        case .reject: "rejected"
        case .return: "returned"
        case .activate: "activated"
        case .complete: "completed"
        case .cancel: "cancelled"
        case .report: "reported on"
        case .amend: "amended"
        }
    }
}

extension PartnershipLifecycle {
    /// What a partnership waits for next, and from whom.
    public enum NextStep: Sendable, Equatable {
        /// The parties that have not consented yet.
        case consent([PartyRole])
        /// A decision by a government body whose jurisdiction holds the project.
        case review
        /// The NGO or the sponsor starts the work.
        case activation
        /// Milestone reports from the NGO, then its final evaluation.
        case reports
        /// Nothing: the partnership has ended.
        case none
    }

    public static func nextStep(state: PartnershipState, consents: Set<PartyRole>) -> NextStep {
        switch state {
        case .proposed: .consent(PartyRole.allCases.filter { !consents.contains($0) })
        case .underReview: .review
        case .approved: .activation
        case .active: .reports
        case .rejected, .completed, .cancelled, .withdrawn: .none
        }
    }

    /// The moves a party's page offers, in the order a partnership goes through them: those the
    /// lifecycle allows `standing` now (reviewers decide on the review page).
    public static let partyActions: [Action] = [.consent, .amend, .activate, .report, .complete, .withdraw, .cancel]

    public static func available(to standing: Standing, state: PartnershipState, consents: Set<PartyRole>) -> [Action] {
        partyActions.filter { action in
            if case .success = apply(action, by: standing, state: state, consents: consents) { return true }
            return false
        }
    }
}
