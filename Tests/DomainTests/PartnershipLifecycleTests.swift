import Testing
@testable import Domain

/// Every action from every state by every kind of caller, against a table written out by hand.
@Suite struct PartnershipLifecycleTests {
    typealias Action = PartnershipLifecycle.Action
    typealias Standing = PartnershipLifecycle.Standing

    static let callers: [(name: String, standing: Standing)] = [
        ("ngo", Standing(roles: [.ngo])),
        ("business", Standing(roles: [.business])),
        ("government", Standing(roles: [.governmentBody], isReviewer: true)),
        ("reviewer", Standing(isReviewer: true)),
        ("admin", Standing(isAdmin: true)),
        ("outsider", Standing()),
    ]

    /// Who may make each move, and from which states.
    static let allowed: [Action: (callers: Set<String>, from: Set<PartnershipState>)] = [
        .consent: (["ngo", "business", "government", "admin"], [.proposed]),
        .amend: (["ngo", "business", "government", "admin"], [.proposed]),
        .withdraw: (["ngo", "business", "government", "admin"], [.proposed, .underReview]),
        .approve: (["government", "reviewer", "admin"], [.underReview]),
        .reject: (["government", "reviewer", "admin"], [.underReview]),
        .return: (["government", "reviewer", "admin"], [.underReview]),
        .activate: (["ngo", "business", "admin"], [.approved]),
        .complete: (["ngo", "admin"], [.active]),
        .cancel: (["ngo", "business", "government", "admin"], [.approved, .active]),
        .report: (["ngo", "admin"], [.active]),
    ]

    static let targets: [Action: PartnershipState] = [
        .withdraw: .withdrawn, .approve: .approved, .reject: .rejected, .return: .proposed,
        .activate: .active, .complete: .completed, .cancel: .cancelled,
    ]

    @Test(arguments: Action.allCases)
    func everyTransitionIsAllowedOrRefusedAsTheTableSays(_ action: Action) {
        guard let rule = Self.allowed[action] else {
            Issue.record("no rule for \(action)")
            return
        }
        for state in PartnershipState.allCases {
            for (name, standing) in Self.callers {
                // Nobody has consented yet, so a consent is always new.
                let result = PartnershipLifecycle.apply(action, by: standing, state: state, consents: [])
                switch result {
                case .success(let outcome):
                    #expect(rule.callers.contains(name), "\(name) must not \(action) from \(state)")
                    #expect(rule.from.contains(state), "\(action) must not work from \(state)")
                    if let target = Self.targets[action] { #expect(outcome.state == target) }
                case .failure(.forbidden):
                    #expect(!rule.callers.contains(name), "\(name) may \(action) from \(state)")
                case .failure(.conflict):
                    #expect(rule.callers.contains(name), "a caller without the right gets 403, not 409")
                    #expect(!rule.from.contains(state), "\(action) should work from \(state)")
                }
            }
        }
    }

    @Test func thirdConsentSubmitsForReview() {
        let first = PartnershipLifecycle.apply(.consent, by: Standing(roles: [.business]), state: .proposed, consents: [.ngo])
        #expect(first == .success(.init(state: .proposed, consents: [.ngo, .business])))
        let third = PartnershipLifecycle.apply(.consent, by: Standing(roles: [.governmentBody]), state: .proposed, consents: [.ngo, .business])
        #expect(third == .success(.init(state: .underReview, consents: [.ngo, .business, .governmentBody])))
    }

    @Test func consentingTwiceIsAConflict() {
        let again = PartnershipLifecycle.apply(.consent, by: Standing(roles: [.ngo]), state: .proposed, consents: [.ngo])
        guard case .failure(.conflict) = again else {
            Issue.record("expected a conflict, got \(again)")
            return
        }
    }

    @Test func returnClearsConsentsAndAmendKeepsOnlyTheAmender() {
        let returned = PartnershipLifecycle.apply(.return, by: Standing(isReviewer: true), state: .underReview, consents: Set(PartyRole.allCases))
        #expect(returned == .success(.init(state: .proposed, consents: [])))
        let amended = PartnershipLifecycle.apply(.amend, by: Standing(roles: [.business]), state: .proposed, consents: [.ngo, .business])
        #expect(amended == .success(.init(state: .proposed, consents: [.business])))
    }

    @Test func rejectReturnAndCancelNeedAComment() {
        #expect(PartnershipLifecycle.needsComment(.reject))
        #expect(PartnershipLifecycle.needsComment(.return))
        #expect(PartnershipLifecycle.needsComment(.cancel))
        #expect(!PartnershipLifecycle.needsComment(.approve))
    }
}
