import Domain
import Foundation
import Hummingbird
import UseCases

/// The pages of a call's participants: an NGO applying with one of its projects, a business
/// pledging money to it, and a reviewer scoring the applications assigned to them.
struct CallParticipantPages<Context: WebRequestContext>: Sendable {
    let services: Services
    let renderer: Renderer

    var workspace: WorkspacePage<Context> { WorkspacePage(services: services, renderer: renderer) }
    var calls: CallPublicPages<Context> { CallPublicPages(services: services, renderer: renderer) }

    func addRoutes(to router: RouterGroup<Context>) {
        router.get("/workspace/calls/{id}/apply", use: applyForm)
        router.post("/workspace/calls/{id}/apply", use: applySave)
        router.get("/workspace/calls/{id}/pledge", use: pledgeForm)
        router.post("/workspace/calls/{id}/pledge", use: pledgeSave)
        router.post("/workspace/pledges/{id}/withdraw", use: pledgeWithdraw)
        router.get("/workspace/assignments", use: assignmentList)
        router.get("/workspace/assignments/{id}", use: assignmentForm)
        router.post("/workspace/assignments/{id}", use: assignmentSave)
    }

    /// What every participant reads first: the call's terms in short, its rules and how it is judged.
    func callSummary(_ call: Call, words: Vocabulary) -> [String: Any] {
        let terms = call.terms
        let phase = call.phase(at: services.calls.now())
        let weights = max(1, terms.criteria.reduce(0) { $0 + $1.weight })
        return [
            "id": call.id.lowercasedString,
            "title": CallPublicPages<Context>.named(terms.title, words),
            "phase": calls.phaseName(phase, words),
            "phaseClass": phase.rawValue,
            "territory": calls.territoryName(terms.territory, words),
            "focus": calls.focusNames(terms.focusAreas, words),
            "stateBudget": Format.money(terms.stateBudgetKZT),
            "grants": words.t("callpub_grant_range", Format.money(terms.minGrantKZT), Format.money(terms.maxGrantKZT)),
            "partial": words.t(terms.partialFunding ? "callpub_partial_yes" : "callpub_partial_no"),
            "closes": words.time(terms.closesAt, withClock: true),
            "reviewsDue": words.time(terms.reviewsDueAt, withClock: true),
            "passMark": words.t("callpub_points", CallPublicPages<Context>.decimal(terms.passMark, words)),
            "eligibility": calls.eligibilityRules(terms, words: words),
            "criteria": terms.criteria.map { criterion -> [String: Any] in
                [
                    "name": CallPublicPages<Context>.named(criterion.name, words),
                    "weight": "\(Int((Double(criterion.weight) / Double(weights) * 100).rounded()))%",
                    "scale": words.t("callpub_scale", Format.integer(criterion.scaleMax)),
                    "guidance": CallPublicPages<Context>.shownText(criterion.guidance, words),
                ]
            },
        ]
    }

    /// The organization the caller acts for when it is of `kind`; anyone else sees the forbidden page.
    func member(_ context: Context, _ kind: OrganizationKind, _ message: String) throws -> UUID {
        guard let member = context.caller.member, member.kind == kind else { throw DomainError.forbidden(message: message) }
        return member.organizationID
    }

    /// A notice for `?done=<what>`, in the reader's words.
    func notice(_ request: Request, words: Vocabulary, _ known: [String]) -> Any {
        guard let done = FormData.query(of: request)["done"], known.contains(done) else { return false }
        return words.t("callpart_done_\(done)")
    }
}
