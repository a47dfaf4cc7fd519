import Domain
import Foundation
import Matching
import Storage
import Testing
import TestSupport
@testable import UseCases

/// Every use case against every kind of caller, called directly (no HTTP), asserting the exact
/// outcome of each cell. The HTTP matrix in APITests asks the same questions through the router.
// Serialized: 45 rows at once, beside the HTTP matrix, would take more connections than the
// test cluster has; one at a time they take about as long as the slowest HTTP row.
@Suite(.serialized) struct UseCaseAuthorizationMatrixTests {
    /// What a use case did for one caller.
    enum Outcome: String, Sendable, CustomStringConvertible {
        case ok
        case unauthenticated = "401"
        case forbidden = "403"
        case notFound = "404"
        case conflict = "409"
        case invalid = "422"

        var description: String { rawValue }
    }

    /// anonymous, business, ngo, government inside, government outside, admin.
    static let callers = ["anonymous", "business", "ngo", "government_inside", "government_outside", "admin"]

    struct Row: Sendable {
        let name: String
        let expected: [Outcome]
        /// A personal token's outcome where it differs from the rule in `aPersonActsOnlyOnTheirOwnReviews`.
        var person: Outcome? = nil
        let call: @Sendable (Services, AccessWorld, Caller) async throws -> Void
    }

    /// A webhook of the NGO, made directly.
    static func webhook(_ world: AccessWorld) async throws -> UUID {
        let made = try await WebhookRepository(pool: world.pool).create(
            organization: world.ngo, url: "http://93.184.216.34/hook", secret: String(repeating: "s", count: 40), limit: 1_000
        )
        return try #require(made).id
    }

    /// The smallest file that passes for a PDF.
    static let pdf = Array("%PDF-1.4\n%%EOF\n".utf8)

    static func bin() throws -> String {
        try AccessWorld.validBIN(startingAt: String(format: "1105400%03d", Int.random(in: 0...999)))
    }

    static func openPartnershipDraft(_ world: AccessWorld) async throws -> PartnershipDraft {
        PartnershipDraft(projectID: try await world.openProject(), businessID: world.business, governmentBodyID: world.akimatInside, pledgeKZT: 5_000_000)
    }

    static let rows: [Row] = [
        // Organizations
        Row(name: "organizations.register", expected: [.unauthenticated, .forbidden, .forbidden, .forbidden, .forbidden, .ok]) { services, _, caller in
            var draft = OrganizationDraft(kind: .ngo, bin: try bin(), legalForm: "public_foundation", name: LocalizedText(ru: "Новый фонд"))
            draft.nationwide = true
            _ = try await services.organizations.register(draft, by: caller)
        },
        Row(name: "organizations.find", expected: [.ok, .ok, .ok, .ok, .ok, .ok]) { services, world, caller in
            let view = try await services.organizations.find(world.ngo, by: caller)
            // Contacts only for the organization itself and admins.
            #expect(view.showsContact == (caller.isAdmin || caller.member?.organizationID == world.ngo))
        },
        Row(name: "organizations.find(many)", expected: [.ok, .ok, .ok, .ok, .ok, .ok]) { services, world, caller in
            let found = try await services.organizations.find([world.ngo, world.spare], by: caller)
            #expect(Set(found.keys) == [world.ngo, world.spare])
            #expect(found[world.ngo]?.showsContact == (caller.isAdmin || caller.member?.organizationID == world.ngo))
        },
        Row(name: "organizations.list", expected: [.ok, .ok, .ok, .ok, .ok, .ok]) { services, _, caller in
            let page = try await services.organizations.list(OrganizationFilter(), after: nil, limit: 5, by: caller)
            #expect(page.items.allSatisfy { !$0.showsContact })
        },
        Row(name: "organizations.update", expected: [.unauthenticated, .forbidden, .ok, .forbidden, .forbidden, .ok]) { services, world, caller in
            _ = try await services.organizations.update(world.ngo, by: caller) { $0.staffCount = 5 }
        },
        Row(name: "organizations.requireEditRight", expected: [.unauthenticated, .forbidden, .ok, .forbidden, .forbidden, .ok]) { services, world, caller in
            try services.organizations.requireEditRight(world.ngo, by: caller)
        },
        Row(name: "organizations.update(bin)", expected: [.unauthenticated, .forbidden, .forbidden, .forbidden, .forbidden, .ok]) { services, world, caller in
            let bin = try bin()
            _ = try await services.organizations.update(world.ngo, by: caller) { $0.bin = bin }
        },
        Row(name: "organizations.deactivate", expected: [.unauthenticated, .forbidden, .forbidden, .forbidden, .forbidden, .ok]) { services, world, caller in
            _ = try await services.organizations.deactivate(world.spare, by: caller)
        },
        Row(name: "organizations.verify", expected: [.unauthenticated, .forbidden, .forbidden, .forbidden, .forbidden, .ok]) { services, world, caller in
            _ = try await services.organizations.verify(world.ngo, as: .verified, by: caller)
        },
        // Projects
        Row(name: "projects.propose", expected: [.unauthenticated, .forbidden, .ok, .forbidden, .forbidden, .ok]) { services, world, caller in
            var draft = ProjectDraft(organizationID: world.ngo, title: LocalizedText(ru: "Проект"), fundingNeededKZT: 1_000_000, durationMonths: 6)
            draft.regions = ["550000000"]
            _ = try await services.projects.propose(draft, by: caller)
        },
        Row(name: "projects.find(open)", expected: [.ok, .ok, .ok, .ok, .ok, .ok]) { services, world, caller in
            _ = try await services.projects.find(try await world.openProject(), by: caller)
        },
        Row(name: "projects.find(draft)", expected: [.notFound, .notFound, .ok, .notFound, .notFound, .ok]) { services, world, caller in
            _ = try await services.projects.find(world.draftProject, by: caller)
        },
        Row(name: "projects.find(many)", expected: [.ok, .ok, .ok, .ok, .ok, .ok]) { services, world, caller in
            let open = try await world.openProject()
            let found = try await services.projects.find([open, world.draftProject], by: caller)
            // The draft only for its NGO and admins, as `find` shows it.
            #expect(found[open] != nil)
            #expect((found[world.draftProject] != nil) == (caller.isAdmin || caller.member?.organizationID == world.ngo))
        },
        Row(name: "projects.own", expected: [.unauthenticated, .forbidden, .ok, .forbidden, .forbidden, .forbidden]) { services, world, caller in
            // The NGO's workspace list holds its draft.
            let own = try await services.projects.own(limit: 100, by: caller)
            #expect(own.contains { $0.id == world.draftProject })
        },
        Row(name: "projects.findOwn", expected: [.unauthenticated, .notFound, .ok, .notFound, .notFound, .forbidden]) { services, world, caller in
            _ = try await services.projects.findOwn(world.draftProject, by: caller)
        },
        Row(name: "projects.list", expected: [.ok, .ok, .ok, .ok, .ok, .ok]) { services, world, caller in
            var filter = ProjectFilter()
            filter.organizationID = world.ngo
            let ids = try await services.projects.list(filter, after: nil, limit: 100, by: caller).items.map(\.id)
            // The draft is listed only to its NGO and admins.
            #expect(ids.contains(world.draftProject) == (caller.isAdmin || caller.member?.organizationID == world.ngo))
        },
        Row(name: "projects.publicList", expected: [.ok, .ok, .ok, .ok, .ok, .ok]) { services, world, _ in
            var filter = ProjectFilter()
            filter.organizationID = world.ngo
            // The portal's list takes no caller: nobody sees the draft there, its NGO and admins included.
            let open = try await world.openProject()
            let ids = try await services.projects.publicList(filter, after: nil, limit: 100).items.map(\.id)
            #expect(!ids.contains(world.draftProject) && ids.contains(open))
        },
        Row(name: "projects.edit(open)", expected: [.unauthenticated, .forbidden, .ok, .forbidden, .forbidden, .ok]) { services, world, caller in
            _ = try await services.projects.edit(try await world.openProject(), by: caller) { $0.beneficiaries = 50 }
        },
        Row(name: "projects.edit(draft)", expected: [.unauthenticated, .notFound, .ok, .notFound, .notFound, .ok]) { services, world, caller in
            _ = try await services.projects.edit(world.draftProject, by: caller) { $0.beneficiaries = 50 }
        },
        Row(name: "projects.publish(draft)", expected: [.unauthenticated, .notFound, .ok, .notFound, .notFound, .ok]) { services, world, caller in
            _ = try await services.projects.publish(try await world.draftProjectOfNGO(), by: caller)
        },
        Row(name: "projects.close", expected: [.unauthenticated, .forbidden, .ok, .forbidden, .forbidden, .ok]) { services, world, caller in
            _ = try await services.projects.close(try await world.openProject(), by: caller)
        },
        // Matching
        Row(name: "matches.partners(open)", expected: [.ok, .ok, .ok, .ok, .ok, .ok]) { services, world, caller in
            _ = try await services.matches.partners(forProject: try await world.openProject(), kind: .business, options: MatchOptions(), by: caller)
        },
        Row(name: "matches.partners(draft)", expected: [.notFound, .notFound, .ok, .notFound, .notFound, .ok]) { services, world, caller in
            _ = try await services.matches.partners(forProject: world.draftProject, kind: .business, options: MatchOptions(), by: caller)
        },
        Row(name: "matches.triples(draft)", expected: [.notFound, .notFound, .ok, .notFound, .notFound, .ok]) { services, world, caller in
            _ = try await services.matches.triples(forProject: world.draftProject, options: MatchOptions(), by: caller)
        },
        Row(name: "matches.forOrganization", expected: [.ok, .ok, .ok, .ok, .ok, .ok]) { services, world, caller in
            _ = try await services.matches.forOrganization(world.business, options: MatchOptions(), by: caller)
        },
        // Partnerships
        // Dismissals: the organization's own list, kept by whoever acts for it.
        Row(name: "dismissals.list", expected: [.unauthenticated, .forbidden, .ok, .forbidden, .forbidden, .ok]) { services, world, caller in
            _ = try await services.dismissals.list(for: world.ngo, by: caller)
        },
        Row(name: "dismissals.dismiss", expected: [.unauthenticated, .forbidden, .ok, .forbidden, .forbidden, .ok]) { services, world, caller in
            _ = try await services.dismissals.dismiss(world.business, for: world.ngo, reason: "Not our focus", by: caller)
        },
        Row(name: "dismissals.undo", expected: [.unauthenticated, .forbidden, .ok, .forbidden, .forbidden, .ok]) { services, world, caller in
            _ = try await DismissalRepository(pool: world.pool).put(organization: world.ngo, candidate: world.business, reason: nil, by: nil)
            try await services.dismissals.undo(world.business, for: world.ngo, by: caller)
        },
        // Shortlists: a business's own list, kept by whoever acts for it.
        Row(name: "shortlists.list", expected: [.unauthenticated, .ok, .forbidden, .forbidden, .forbidden, .ok]) { services, world, caller in
            _ = try await services.shortlists.list(for: world.business, by: caller)
        },
        Row(name: "shortlists.add", expected: [.unauthenticated, .ok, .forbidden, .forbidden, .forbidden, .ok]) { services, world, caller in
            _ = try await services.shortlists.add(try await world.openProject(), for: world.business, note: "Next quarter", by: caller)
        },
        // Only marks lists: empty, never refused, for anyone who may not read the shortlist.
        Row(name: "shortlists.projectIDs", expected: [.ok, .ok, .ok, .ok, .ok, .ok]) { services, world, caller in
            _ = try await services.shortlists.projectIDs(for: world.business, by: caller)
        },
        Row(name: "shortlists.remove", expected: [.unauthenticated, .ok, .forbidden, .forbidden, .forbidden, .ok]) { services, world, caller in
            let project = try await world.openProject()
            _ = try await ShortlistRepository(pool: world.pool).put(organization: world.business, project: project, note: nil, by: nil)
            try await services.shortlists.remove(project, for: world.business, by: caller)
        },
        Row(name: "partnerships.propose", expected: [.unauthenticated, .ok, .ok, .ok, .forbidden, .ok]) { services, world, caller in
            _ = try await services.partnerships.propose(try await openPartnershipDraft(world), by: caller)
        },
        Row(name: "partnerships.propose(draft project)", expected: [.unauthenticated, .invalid, .invalid, .invalid, .invalid, .invalid]) { services, world, caller in
            // Someone else's draft does not exist; its own NGO and admins learn it is not open.
            _ = try await services.partnerships.propose(
                PartnershipDraft(projectID: world.draftProject, businessID: world.business, governmentBodyID: world.akimatInside, pledgeKZT: 1), by: caller
            )
        },
        Row(name: "partnerships.list", expected: [.unauthenticated, .ok, .ok, .ok, .ok, .ok]) { services, _, caller in
            _ = try await services.partnerships.list(state: nil, limit: 10, by: caller)
        },
        Row(name: "partnerships.find(proposed)", expected: [.notFound, .ok, .ok, .ok, .notFound, .ok]) { services, world, caller in
            _ = try await services.partnerships.find(try await world.partnership(in: .proposed), by: caller)
        },
        Row(name: "partnerships.find(approved)", expected: [.ok, .ok, .ok, .ok, .ok, .ok]) { services, world, caller in
            _ = try await services.partnerships.find(try await world.partnership(in: .approved), by: caller)
        },
        Row(name: "partnerships.amend", expected: [.unauthenticated, .ok, .ok, .ok, .notFound, .ok]) { services, world, caller in
            _ = try await services.partnerships.amend(try await world.partnership(in: .proposed), pledgeKZT: 4_000_000, inKind: nil, ifMatch: nil, by: caller)
        },
        Row(name: "partnerships.framework", expected: [.ok, .ok, .ok, .ok, .ok, .ok]) { services, world, caller in
            _ = try await services.partnerships.framework(of: try await world.partnership(in: .active), by: caller)
        },
        Row(name: "partnerships.requestFrameworkChange", expected: [.unauthenticated, .ok, .ok, .ok, .forbidden, .ok]) { services, world, caller in
            _ = try await services.partnerships.requestFrameworkChange(
                try await world.partnership(in: .active), framework: AccessWorld.changedFramework, reason: "Уточнили цели", by: caller
            )
        },
        Row(name: "partnerships.decideFrameworkChange", expected: [.unauthenticated, .forbidden, .forbidden, .ok, .forbidden, .ok]) { services, world, caller in
            _ = try await services.partnerships.decideFrameworkChange(
                try await world.partnershipWithFrameworkChange(), accept: true, comment: nil, by: caller
            )
        },
        Row(name: "accounts.people", expected: [.unauthenticated, .forbidden, .forbidden, .forbidden, .forbidden, .ok]) { services, _, caller in
            _ = try await services.accounts.people(search: "", limit: 10, by: caller)
        },
        Row(name: "webhooks.register", expected: [.unauthenticated, .forbidden, .forbidden, .forbidden, .forbidden, .ok]) { services, world, caller in
            _ = try await services.webhooks.register(url: "http://93.184.216.34/hook", for: world.ngo, by: caller)
        },
        Row(name: "webhooks.list", expected: [.unauthenticated, .forbidden, .forbidden, .forbidden, .forbidden, .ok]) { services, world, caller in
            _ = try await services.webhooks.list(for: world.ngo, by: caller)
        },
        Row(name: "webhooks.deliveries", expected: [.unauthenticated, .notFound, .notFound, .notFound, .notFound, .ok]) { services, world, caller in
            _ = try await services.webhooks.deliveries(of: try await Self.webhook(world), by: caller)
        },
        Row(name: "webhooks.disable", expected: [.unauthenticated, .notFound, .notFound, .notFound, .notFound, .ok]) { services, world, caller in
            try await services.webhooks.disable(try await Self.webhook(world), by: caller)
        },
        Row(name: "webhooks.replay", expected: [.unauthenticated, .notFound, .notFound, .notFound, .notFound, .ok]) { services, world, caller in
            let webhook = try await Self.webhook(world)
            _ = try await world.partnership(in: .proposed)
            let delivery = try #require(try await WebhookRepository(pool: world.pool).deliveries(of: webhook, limit: 1).first)
            try await services.webhooks.replay(delivery.id, by: caller)
        },
        Row(name: "webhooks.delivery", expected: [.unauthenticated, .notFound, .notFound, .notFound, .notFound, .ok]) { services, world, caller in
            let webhook = try await Self.webhook(world)
            _ = try await world.partnership(in: .proposed)
            let delivery = try #require(try await WebhookRepository(pool: world.pool).deliveries(of: webhook, limit: 1).first)
            _ = try await services.webhooks.delivery(delivery.id, by: caller)
        },
        // An organization's own inbox: the NGO's, which hears of what the admin does to its partnerships.
        Row(name: "notifications.inbox", expected: [.unauthenticated, .forbidden, .ok, .forbidden, .forbidden, .ok]) { services, world, caller in
            _ = try await services.notifications.inbox(of: world.ngo, by: caller)
        },
        Row(name: "notifications.markRead", expected: [.unauthenticated, .forbidden, .ok, .forbidden, .forbidden, .ok]) { services, world, caller in
            _ = try await services.notifications.markRead(try await world.ngoInboxItem(), of: world.ngo, by: caller)
        },
        Row(name: "notifications.markAllRead", expected: [.unauthenticated, .forbidden, .ok, .forbidden, .forbidden, .ok]) { services, world, caller in
            _ = try await services.notifications.markAllRead(of: world.ngo, through: nil, by: caller)
        },
        Row(name: "dashboards.dashboard", expected: [.ok, .ok, .ok, .ok, .ok, .ok]) { services, world, caller in
            _ = try await services.dashboards.dashboard(
                DashboardFilter(place: "550000000", sponsor: world.business), placeField: "place", focusAreaField: "focus_area", by: caller
            )
        },
        Row(name: "partnerships.consent", expected: [.unauthenticated, .ok, .conflict, .ok, .notFound, .ok]) { services, world, caller in
            _ = try await services.partnerships.perform(.consent, on: try await world.partnership(in: .proposed), comment: nil, ifMatch: nil, by: caller)
        },
        Row(name: "partnerships.withdraw", expected: [.unauthenticated, .ok, .ok, .ok, .notFound, .ok]) { services, world, caller in
            _ = try await services.partnerships.perform(.withdraw, on: try await world.partnership(in: .proposed), comment: nil, ifMatch: nil, by: caller)
        },
        Row(name: "partnerships.approve", expected: [.unauthenticated, .forbidden, .forbidden, .ok, .notFound, .ok]) { services, world, caller in
            _ = try await services.partnerships.perform(.approve, on: try await world.partnership(in: .underReview), comment: nil, ifMatch: nil, by: caller)
        },
        Row(name: "partnerships.reject", expected: [.unauthenticated, .forbidden, .forbidden, .ok, .notFound, .ok]) { services, world, caller in
            _ = try await services.partnerships.perform(.reject, on: try await world.partnership(in: .underReview), comment: "Budget unclear", ifMatch: nil, by: caller)
        },
        Row(name: "partnerships.return", expected: [.unauthenticated, .forbidden, .forbidden, .ok, .notFound, .ok]) { services, world, caller in
            _ = try await services.partnerships.perform(.return, on: try await world.partnership(in: .underReview), comment: "Add a timeline", ifMatch: nil, by: caller)
        },
        Row(name: "partnerships.activate", expected: [.unauthenticated, .ok, .ok, .forbidden, .forbidden, .ok]) { services, world, caller in
            _ = try await services.partnerships.perform(.activate, on: try await world.partnership(in: .approved), comment: nil, ifMatch: nil, by: caller)
        },
        Row(name: "partnerships.report", expected: [.unauthenticated, .forbidden, .ok, .forbidden, .forbidden, .ok]) { services, world, caller in
            let report = ReportDraft(amountDisbursedKZT: 1_000_000, beneficiariesReached: 10, text: "Первый этап", rating: nil)
            _ = try await services.partnerships.report(try await world.partnership(in: .active), report, ifMatch: nil, by: caller)
        },
        Row(name: "partnerships.complete", expected: [.unauthenticated, .forbidden, .ok, .forbidden, .forbidden, .ok]) { services, world, caller in
            let evaluation = ReportDraft(amountDisbursedKZT: 0, beneficiariesReached: 0, text: "Итоги", rating: 5)
            _ = try await services.partnerships.perform(
                .complete, on: try await world.partnership(in: .active), comment: nil, finalEvaluation: evaluation, ifMatch: nil, by: caller
            )
        },
        Row(name: "partnerships.cancel", expected: [.unauthenticated, .ok, .ok, .ok, .forbidden, .ok]) { services, world, caller in
            _ = try await services.partnerships.perform(.cancel, on: try await world.partnership(in: .active), comment: "Sponsor withdrew", ifMatch: nil, by: caller)
        },
        Row(name: "partnerships.events(proposed)", expected: [.notFound, .ok, .ok, .ok, .notFound, .ok]) { services, world, caller in
            _ = try await services.partnerships.events(of: try await world.partnership(in: .proposed), by: caller)
        },
        Row(name: "partnerships.reports(active)", expected: [.ok, .ok, .ok, .ok, .ok, .ok]) { services, world, caller in
            _ = try await services.partnerships.reports(of: try await world.partnership(in: .active), by: caller)
        },
        Row(name: "partnerships.feed", expected: [.unauthenticated, .ok, .ok, .ok, .ok, .ok]) { services, _, caller in
            _ = try await services.partnerships.feed(after: 0, limit: 10, by: caller)
        },
        Row(name: "partnerships.reviewItem(under_review)", expected: [.notFound, .forbidden, .forbidden, .ok, .notFound, .ok]) { services, world, caller in
            _ = try await services.partnerships.reviewItem(try await world.partnership(in: .underReview), by: caller)
        },
        Row(name: "partnerships.partyView(proposed)", expected: [.notFound, .ok, .ok, .ok, .notFound, .ok]) { services, world, caller in
            _ = try await services.partnerships.partyView(try await world.partnership(in: .proposed), by: caller)
        },
        Row(name: "partnerships.partyViews", expected: [.unauthenticated, .ok, .ok, .ok, .ok, .ok]) { services, world, caller in
            let id = try await world.partnership(in: .proposed)
            let listed = try await services.partnerships.partyViews(limit: 100, by: caller).map(\.partnership.id)
            // Only the parties' workspaces list it; an admin acts for no organization.
            #expect(listed.contains(id) == [world.ngo, world.business, world.akimatInside].contains(caller.member?.organizationID))
        },
        Row(name: "matches.proposalTerms(open)", expected: [.unauthenticated, .ok, .ok, .ok, .ok, .ok]) { services, world, caller in
            let terms = try await services.matches.proposalTerms(
                project: try await world.openProject(), sponsor: world.business, governmentBody: world.akimatInside, by: caller
            )
            #expect(terms.suggestedPledgeKZT == 20_000_000, "the open project's whole need, within the sponsor's budget")
        },
        Row(name: "matches.proposalTerms(draft)", expected: [.unauthenticated, .notFound, .ok, .notFound, .notFound, .ok]) { services, world, caller in
            _ = try await services.matches.proposalTerms(project: world.draftProject, sponsor: world.business, governmentBody: nil, by: caller)
        },
        Row(name: "partnerships.budget", expected: [.unauthenticated, .ok, .forbidden, .forbidden, .forbidden, .ok]) { services, world, caller in
            _ = try await services.partnerships.budget(of: world.business, by: caller)
        },
        Row(name: "partnerships.frameworkChangeQueue", expected: [.unauthenticated, .forbidden, .forbidden, .ok, .ok, .ok]) { services, _, caller in
            _ = try await services.partnerships.frameworkChangeQueue(limit: 100, by: caller)
        },
        Row(name: "partnerships.reviewQueue", expected: [.unauthenticated, .forbidden, .forbidden, .ok, .ok, .ok]) { services, world, caller in
            let id = try await world.partnership(in: .underReview)
            let queue = try await services.partnerships.reviewQueue(limit: 100, by: caller).map(\.partnership.id)
            // The outside akimat's queue holds nothing from the inside akimat's jurisdiction.
            #expect(queue.contains(id) == (caller.isAdmin || caller.member?.organizationID == world.akimatInside))
        },
        // Rounds
        Row(name: "rounds.run", expected: [.unauthenticated, .forbidden, .forbidden, .ok, .forbidden, .ok]) { services, world, caller in
            let input = RoundInput(
                jurisdiction: nil, focusAreas: [], mode: .split, consentDeadline: Date().addingTimeInterval(86_400), governmentBodyID: world.akimatInside
            )
            _ = try await services.rounds.run(input, by: caller)
        },
        Row(name: "rounds.find", expected: [.unauthenticated, .notFound, .notFound, .ok, .notFound, .ok]) { services, world, caller in
            _ = try await services.rounds.find(try await world.round(), by: caller)
        },
        Row(name: "rounds.accept", expected: [.unauthenticated, .notFound, .notFound, .ok, .notFound, .ok]) { services, world, caller in
            _ = try await services.rounds.accept(try await world.round(), by: caller)
        },
        // Tokens
        // Tokens are managed by an organization's owners: an API token acts as a member, not an owner.
        Row(name: "tokens.issue(organization)", expected: [.unauthenticated, .forbidden, .forbidden, .forbidden, .forbidden, .ok]) { services, world, caller in
            _ = try await services.tokens.issue(for: world.ngo, label: "matrix", expiresAt: nil, by: caller)
        },
        Row(name: "tokens.issue(owner role)", expected: [.unauthenticated, .forbidden, .forbidden, .forbidden, .forbidden, .ok]) { services, world, caller in
            _ = try await services.tokens.issue(for: world.ngo, role: .owner, label: "matrix", expiresAt: nil, by: caller)
        },
        Row(name: "tokens.issue(admin)", expected: [.unauthenticated, .forbidden, .forbidden, .forbidden, .forbidden, .ok]) { services, _, caller in
            _ = try await services.tokens.issue(for: nil, label: "matrix", expiresAt: nil, by: caller)
        },
        Row(name: "tokens.listOf", expected: [.unauthenticated, .forbidden, .forbidden, .forbidden, .forbidden, .ok]) { services, world, caller in
            // Owners only: the NGO's token acts as a member (the owner's case is in IntegrationAPITests).
            _ = try await services.tokens.list(of: world.ngo, by: caller)
        },
        Row(name: "tokens.list", expected: [.unauthenticated, .ok, .ok, .ok, .ok, .ok]) { services, world, caller in
            let owners = Set(try await services.tokens.list(by: caller).map(\.organizationID))
            // An organization sees only its own tokens.
            if let member = caller.member { #expect(owners == [member.organizationID]) }
        },
        Row(name: "tokens.all", expected: [.unauthenticated, .forbidden, .forbidden, .forbidden, .forbidden, .ok]) { services, _, caller in
            _ = try await services.tokens.all(by: caller)
        },
        Row(name: "tokens.revokeAny", expected: [.unauthenticated, .forbidden, .forbidden, .forbidden, .forbidden, .ok]) { services, world, caller in
            let issued = try await services.tokens.issue(for: world.ngo, label: "to revoke", expiresAt: nil, by: .admin)
            _ = try await services.tokens.revokeAny(issued.id, by: caller)
        },
        Row(name: "tokens.revoke", expected: [.unauthenticated, .notFound, .forbidden, .notFound, .notFound, .ok]) { services, world, caller in
            let issued = try await services.tokens.issue(for: world.ngo, label: "to revoke", expiresAt: nil, by: .admin)
            _ = try await services.tokens.revoke(issued.id, by: caller)
        },
        // Documents (API tokens act as members, so the NGO's may read but not upload or remove)
        Row(name: "documents.upload", expected: [.unauthenticated, .forbidden, .forbidden, .forbidden, .forbidden, .ok]) { services, world, caller in
            _ = try await services.documents.upload(to: world.ngo, kind: "charter", fileName: "charter.pdf", content: Self.pdf, by: caller)
        },
        Row(name: "documents.requireUploadRight", expected: [.unauthenticated, .forbidden, .forbidden, .forbidden, .forbidden, .ok]) { services, world, caller in
            try services.documents.requireUploadRight(to: world.ngo, by: caller)
        },
        Row(name: "documents.list", expected: [.unauthenticated, .forbidden, .ok, .forbidden, .forbidden, .ok]) { services, world, caller in
            _ = try await services.documents.list(of: world.ngo, by: caller)
        },
        Row(name: "documents.content", expected: [.unauthenticated, .notFound, .ok, .notFound, .notFound, .ok]) { services, world, caller in
            let stored = try await services.documents.upload(to: world.ngo, kind: "other", fileName: "a.pdf", content: Self.pdf, by: .admin)
            _ = try await services.documents.content(stored.id, of: world.ngo, by: caller)
        },
        Row(name: "documents.delete", expected: [.unauthenticated, .forbidden, .forbidden, .forbidden, .forbidden, .ok]) { services, world, caller in
            let stored = try await services.documents.upload(to: world.ngo, kind: "other", fileName: "a.pdf", content: Self.pdf, by: .admin)
            try await services.documents.delete(stored.id, of: world.ngo, by: caller)
        },
        // Accounts (the rest of AccountService works on session tokens, see Tests/AccountTests)
        Row(name: "documents.verificationQueue", expected: [.unauthenticated, .forbidden, .forbidden, .forbidden, .forbidden, .ok]) { services, _, caller in
            _ = try await services.documents.verificationQueue(limit: 10, by: caller)
        },
        Row(name: "accounts.verify", expected: [.unauthenticated, .forbidden, .forbidden, .forbidden, .forbidden, .ok]) { services, world, caller in
            _ = try await services.accounts.verify(world.spare, as: .suspended, by: caller)
        },
        Row(name: "accounts.createPerson", expected: [.unauthenticated, .forbidden, .forbidden, .forbidden, .forbidden, .ok]) { services, world, caller in
            let account = AccountService.NewAccount(email: "matrix-\(UUID().uuidString.prefix(8))@example.kz", name: "Matrix", password: "Correct-Horse-9")
            _ = try await services.accounts.createPerson(account, isAdmin: false, memberships: [(world.ngo, .viewer)], by: caller)
        },
        Row(name: "accounts.requireMemberManagement", expected: [.unauthenticated, .forbidden, .forbidden, .forbidden, .forbidden, .ok]) { services, world, caller in
            // The NGO's token acts as a member, not an owner.
            try services.accounts.requireMemberManagement(of: world.ngo, by: caller)
        },
        // The portal: public reads, drafts hidden as everywhere.
        Row(name: "portal.home", expected: [.ok, .ok, .ok, .ok, .ok, .ok]) { services, _, caller in
            _ = try await services.portal.home(by: caller)
        },
        Row(name: "portal.organizationProfile", expected: [.ok, .ok, .ok, .ok, .ok, .ok]) { services, world, caller in
            _ = try await services.portal.organizationProfile(world.ngo, by: caller)
        },
        Row(name: "portal.projectPage(open)", expected: [.ok, .ok, .ok, .ok, .ok, .ok]) { services, world, caller in
            _ = try await services.portal.projectPage(try await world.openProject(), by: caller)
        },
        // The public page of a draft exists for nobody, its own NGO included (it has the workspace).
        Row(name: "portal.projectPage(draft)", expected: [.notFound, .notFound, .notFound, .notFound, .notFound, .notFound]) { services, world, caller in
            _ = try await services.portal.projectPage(world.draftProject, by: caller)
        },
        Row(name: "portal.regions", expected: [.ok, .ok, .ok, .ok, .ok, .ok]) { services, _, caller in
            _ = try await services.portal.regions(.openNeed, by: caller)
        },
        Row(name: "portal.region", expected: [.ok, .ok, .ok, .ok, .ok, .ok]) { services, _, caller in
            _ = try await services.portal.region("550000000", by: caller)
        },
        Row(name: "accounts.members", expected: [.unauthenticated, .forbidden, .ok, .forbidden, .forbidden, .ok]) { services, world, caller in
            _ = try await services.accounts.members(of: world.ngo, by: caller)
        },
        Row(name: "accounts.changeRole", expected: [.unauthenticated, .forbidden, .forbidden, .forbidden, .forbidden, .ok]) { services, world, caller in
            // The NGO's token acts as a member, not an owner.
            let person = try await person(in: world, services)
            try await services.accounts.changeRole(of: person, in: world.ngo, to: .viewer, by: caller)
        },
        Row(name: "accounts.removeMember", expected: [.unauthenticated, .forbidden, .forbidden, .forbidden, .forbidden, .ok]) { services, world, caller in
            let person = try await person(in: world, services)
            try await services.accounts.removeMember(person, from: world.ngo, by: caller)
        },
        // Calls for proposals
        Row(name: "calls.create", expected: [.unauthenticated, .forbidden, .forbidden, .ok, .forbidden, .ok]) { services, world, caller in
            _ = try await services.calls.create(callTerms(), governmentBodyID: world.akimatInside, by: caller)
        },
        Row(name: "calls.update", expected: [.unauthenticated, .notFound, .notFound, .ok, .notFound, .ok]) { services, world, caller in
            let draft = try await callDraft(world, services)
            _ = try await services.calls.update(draft.id, to: callTerms(), ifMatch: [draft.version], by: caller)
        },
        Row(name: "calls.publish", expected: [.unauthenticated, .notFound, .notFound, .ok, .notFound, .ok]) { services, world, caller in
            _ = try await services.calls.publish(try await callDraft(world, services).id, ifMatch: nil, by: caller)
        },
        Row(name: "calls.find", expected: [.notFound, .notFound, .notFound, .ok, .notFound, .ok]) { services, world, caller in
            _ = try await services.calls.find(try await callDraft(world, services).id, by: caller)
        },
        Row(name: "calls.list", expected: [.ok, .ok, .ok, .ok, .ok, .ok]) { services, _, caller in
            _ = try await services.calls.list(governmentBodyID: nil, limit: 10, by: caller)
        },
        Row(name: "calls.pledge", expected: [.unauthenticated, .ok, .forbidden, .forbidden, .forbidden, .ok]) { services, world, caller in
            let call = try await publishedCall(world, services)
            _ = try await services.calls.pledge(to: call.id, amountKZT: 1_000_000, focusAreas: [], places: [], businessID: world.business, by: caller)
        },
        Row(name: "calls.pledges", expected: [.ok, .ok, .ok, .ok, .ok, .ok]) { services, world, caller in
            _ = try await services.calls.pledges(of: try await publishedCall(world, services).id, by: caller)
        },
        Row(name: "calls.withdrawPledge", expected: [.unauthenticated, .ok, .notFound, .notFound, .notFound, .ok]) { services, world, caller in
            let call = try await publishedCall(world, services)
            let pledge = try await services.calls.pledge(to: call.id, amountKZT: 1_000_000, focusAreas: [], places: [], businessID: world.business, by: .admin)
            _ = try await services.calls.withdrawPledge(pledge.id, by: caller)
        },
        Row(name: "calls.apply", expected: [.unauthenticated, .forbidden, .ok, .forbidden, .forbidden, .forbidden]) { services, world, caller in
            let call = try await publishedCall(world, services)
            _ = try await services.calls.apply(to: call.id, CallApplicationDraft(projectID: try await world.openProject(), amountKZT: 2_000_000), by: caller)
        },
        Row(name: "calls.updateApplication", expected: [.unauthenticated, .notFound, .ok, .notFound, .notFound, .ok]) { services, world, caller in
            let application = try await callApplication(world, services, submitted: false)
            _ = try await services.calls.updateApplication(application.id, to: application.draft, ifMatch: nil, by: caller)
        },
        Row(name: "calls.submit", expected: [.unauthenticated, .notFound, .ok, .notFound, .notFound, .ok]) { services, world, caller in
            _ = try await services.calls.submit(try await callApplication(world, services, submitted: false).id, ifMatch: nil, by: caller)
        },
        Row(name: "calls.withdrawApplication", expected: [.unauthenticated, .notFound, .ok, .notFound, .notFound, .ok]) { services, world, caller in
            _ = try await services.calls.withdrawApplication(try await callApplication(world, services, submitted: false).id, by: caller)
        },
        Row(name: "calls.application", expected: [.unauthenticated, .notFound, .ok, .ok, .notFound, .ok]) { services, world, caller in
            _ = try await services.calls.application(try await callApplication(world, services, submitted: true).id, by: caller)
        },
        Row(name: "calls.applications", expected: [.unauthenticated, .forbidden, .ok, .ok, .forbidden, .ok]) { services, world, caller in
            _ = try await services.calls.applications(of: try await callApplication(world, services, submitted: true).callID, by: caller)
        },
        Row(name: "calls.addReviewer", expected: [.unauthenticated, .forbidden, .forbidden, .ok, .forbidden, .ok]) { services, world, caller in
            let call = try await publishedCall(world, services)
            let email = "expert-\(UUID().uuidString.prefix(8))@example.kz"
            _ = try await services.accounts.createPerson(.init(email: email, name: "Expert", password: "Correct-Horse-9"), isAdmin: false, memberships: [], by: .admin)
            _ = try await services.calls.addReviewer(to: call.id, email: email, by: caller)
        },
        Row(name: "calls.reviewers", expected: [.unauthenticated, .forbidden, .forbidden, .ok, .forbidden, .ok]) { services, world, caller in
            _ = try await services.calls.reviewers(of: try await publishedCall(world, services).id, by: caller)
        },
        Row(name: "calls.assignments", expected: [.unauthenticated, .forbidden, .forbidden, .ok, .forbidden, .ok]) { services, world, caller in
            _ = try await services.calls.assignments(of: try await publishedCall(world, services).id, by: caller)
        },
        Row(name: "calls.assign", expected: [.unauthenticated, .forbidden, .forbidden, .ok, .forbidden, .ok]) { services, world, caller in
            let (application, reviewer) = try await applicationInReview(world, services)
            _ = try await services.calls.assign(application.id, to: reviewer, by: caller)
        },
        Row(name: "calls.assignAutomatically", expected: [.unauthenticated, .forbidden, .forbidden, .ok, .forbidden, .ok]) { services, world, caller in
            _ = try await services.calls.assignAutomatically(try await applicationInReview(world, services).application.callID, by: caller)
        },
        Row(name: "calls.reviews", expected: [.unauthenticated, .forbidden, .forbidden, .ok, .forbidden, .ok]) { services, world, caller in
            _ = try await services.calls.reviews(of: try await applicationInReview(world, services).application.id, reader: nil, by: caller)
        },
        Row(name: "calls.scores", expected: [.unauthenticated, .forbidden, .forbidden, .ok, .forbidden, .ok]) { services, world, caller in
            _ = try await services.calls.scores(of: try await publishedCall(world, services).id, by: caller)
        },
        // What the terms form and the run page ask first: which body issues, and may the caller run this call.
        Row(name: "calls.issuer", expected: [.unauthenticated, .forbidden, .forbidden, .ok, .ok, .invalid]) { services, _, caller in
            _ = try await services.calls.issuer(by: caller)
        },
        Row(name: "calls.callToRun", expected: [.unauthenticated, .forbidden, .forbidden, .ok, .forbidden, .ok]) { services, world, caller in
            _ = try await services.calls.callToRun(try await publishedCall(world, services).id, by: caller)
        },
        // A reviewer through their personal token; the matrix's person reviews nothing.
        Row(name: "calls.assignedApplications(by:)", expected: [.unauthenticated, .forbidden, .forbidden, .forbidden, .forbidden, .forbidden], person: .ok) { services, _, caller in
            _ = try await services.calls.assignedApplications(by: caller)
        },
        Row(name: "calls.assignedApplication(by:)", expected: [.unauthenticated, .forbidden, .forbidden, .forbidden, .forbidden, .forbidden], person: .notFound) { services, world, caller in
            _ = try await services.calls.assignedApplication(try await applicationInReview(world, services).application.id, by: caller)
        },
        Row(name: "calls.reviewsAsReviewer", expected: [.unauthenticated, .forbidden, .forbidden, .forbidden, .forbidden, .forbidden], person: .notFound) { services, world, caller in
            _ = try await services.calls.reviewsAsReviewer(of: try await applicationInReview(world, services).application.id, by: caller)
        },
        Row(name: "calls.submitReview(by:)", expected: [.unauthenticated, .forbidden, .forbidden, .forbidden, .forbidden, .forbidden], person: .notFound) { services, world, caller in
            _ = try await services.calls.submitReview(of: try await applicationInReview(world, services).application.id, scores: [3], comment: "", by: caller)
        },
        Row(name: "calls.declareConflict(by:)", expected: [.unauthenticated, .forbidden, .forbidden, .forbidden, .forbidden, .forbidden], person: .notFound) { services, world, caller in
            _ = try await services.calls.declareConflict(on: try await applicationInReview(world, services).application.id, reason: "I advise them.", by: caller)
        },
        Row(name: "calls.moderate", expected: [.unauthenticated, .forbidden, .forbidden, .ok, .forbidden, .ok]) { services, world, caller in
            let application = try await disagreedApplication(world, services)
            _ = try await services.calls.moderate(application, score: 50, comment: "Both read.", moderator: try await person(in: world, services), by: caller)
        },
        Row(name: "calls.allocate", expected: [.unauthenticated, .forbidden, .forbidden, .ok, .forbidden, .ok]) { services, world, caller in
            _ = try await services.calls.allocate(try await applicationInReview(world, services).application.callID, by: caller)
        },
        Row(name: "calls.allocation", expected: [.unauthenticated, .forbidden, .forbidden, .ok, .forbidden, .ok]) { services, world, caller in
            _ = try await services.calls.allocation(of: try await publishedCall(world, services).id, by: caller)
        },
        // Nothing passed review: the award publishes an empty result, which only the owner may.
        Row(name: "calls.award", expected: [.unauthenticated, .forbidden, .forbidden, .ok, .forbidden, .ok]) { services, world, caller in
            let call = try await applicationInReview(world, services).application.callID
            services.clock.advance(by: 20 * 86_400)
            _ = try await services.calls.allocate(call, by: .admin)
            _ = try await services.calls.award(call, checked: nil, publisher: nil, by: caller)
        },
        Row(name: "calls.titles", expected: [.ok, .ok, .ok, .ok, .ok, .ok]) { services, world, caller in
            _ = try await services.calls.titles(of: [try await publishedCall(world, services).id], by: caller)
        },
        Row(name: "calls.awardedPartnerships", expected: [.ok, .ok, .ok, .ok, .ok, .ok]) { services, world, caller in
            _ = try await services.calls.awardedPartnerships(of: try await publishedCall(world, services).id, by: caller)
        },
        Row(name: "calls.applicationsOfNGO", expected: [.unauthenticated, .forbidden, .ok, .forbidden, .forbidden, .ok]) { services, world, caller in
            _ = try await services.calls.applications(ofNGO: world.ngo, by: caller)
        },
        // Public call pages: published calls for anyone, a draft for nobody, results once awarded.
        Row(name: "calls.publicCalls", expected: [.ok, .ok, .ok, .ok, .ok, .ok]) { services, world, caller in
            let call = try await publishedCall(world, services)
            let listed = try await services.calls.publicCalls(phase: nil, place: "550000000", by: caller)
            #expect(listed.map(\.call.id).contains(call.id))
        },
        Row(name: "calls.publicPage", expected: [.ok, .ok, .ok, .ok, .ok, .ok]) { services, world, caller in
            let page = try await services.calls.publicPage(try await publishedCall(world, services).id, by: caller)
            #expect(page.results == nil)
        },
        Row(name: "calls.publicPage(draft)", expected: [.notFound, .notFound, .notFound, .notFound, .notFound, .notFound]) { services, world, caller in
            _ = try await services.calls.publicPage(try await callDraft(world, services).id, by: caller)
        },
        Row(name: "calls.results", expected: [.ok, .ok, .ok, .ok, .ok, .ok]) { services, world, caller in
            // A call nobody applied to, its results published on the results date: nothing funded.
            let call = try await publishedCall(world, services)
            services.clock.advance(by: 51 * 86_400)
            _ = try await services.calls.allocate(call.id, by: .admin)
            _ = try await services.calls.award(call.id, checked: nil, publisher: nil, by: .admin)
            _ = try await services.calls.results(of: call.id, by: caller)
        },
        Row(name: "calls.results(before award)", expected: [.conflict, .conflict, .conflict, .conflict, .conflict, .conflict]) { services, world, caller in
            _ = try await services.calls.results(of: try await publishedCall(world, services).id, by: caller)
        },
        // Planning: government bodies in their jurisdiction (the outside one in its own), admins anywhere.
        Row(name: "planning.overview", expected: [.unauthenticated, .forbidden, .forbidden, .ok, .ok, .ok]) { services, _, caller in
            _ = try await services.planning.overview(territory: nil, by: caller)
        },
        Row(name: "planning.overview(Pavlodar)", expected: [.unauthenticated, .forbidden, .forbidden, .ok, .forbidden, .ok]) { services, _, caller in
            _ = try await services.planning.overview(territory: "551600000", by: caller)
        },
        Row(name: "planning.jurisdiction", expected: [.unauthenticated, .forbidden, .forbidden, .ok, .ok, .ok]) { services, _, caller in
            _ = try services.planning.jurisdiction(of: caller)
        },
    ]

    /// A call of the inside akimat's in Pavlodar Region, open since yesterday for a month.
    static func callTerms(now: Date = Date()) -> CallTerms {
        CallTerms(
            title: LocalizedText(ru: "Социальный заказ"), territory: "550000000", stateBudgetKZT: 10_000_000, minGrantKZT: 1_000_000,
            maxGrantKZT: 5_000_000, passMark: 50, opensAt: now - 86_400, closesAt: now + 30 * 86_400, reviewsDueAt: now + 40 * 86_400,
            resultsAt: now + 50 * 86_400, questions: [CallQuestion(text: LocalizedText(ru: "Зачем?"))],
            criteria: [CallCriterion(name: LocalizedText(ru: "Польза"), weight: 1, scaleMax: 5)]
        )
    }

    static func callDraft(_ world: AccessWorld, _ services: Services) async throws -> Call {
        try await services.calls.create(callTerms(now: services.clock.now()), governmentBodyID: world.akimatInside, by: .admin)
    }

    /// A submitted application whose call has closed, and a reviewer of the call (no organization's).
    static func applicationInReview(_ world: AccessWorld, _ services: Services) async throws -> (application: CallApplication, reviewer: UUID) {
        let application = try await callApplication(world, services, submitted: true)
        let email = "reviewer-\(UUID().uuidString.prefix(8))@example.kz"
        let reviewer = try await services.accounts.createPerson(.init(email: email, name: "Reviewer", password: "Correct-Horse-9"), isAdmin: false, memberships: [], by: .admin).id
        _ = try await services.calls.addReviewer(to: application.callID, email: email, by: .admin)
        services.clock.advance(by: 31 * 86_400)
        return (application, reviewer)
    }

    /// An application two reviewers scored 100 and 0 points apart: it awaits a moderator.
    static func disagreedApplication(_ world: AccessWorld, _ services: Services) async throws -> UUID {
        let (application, first) = try await applicationInReview(world, services)
        let email = "second-\(UUID().uuidString.prefix(8))@example.kz"
        let second = try await services.accounts.createPerson(.init(email: email, name: "Second", password: "Correct-Horse-9"), isAdmin: false, memberships: [], by: .admin).id
        _ = try await services.calls.addReviewer(to: application.callID, email: email, by: .admin)
        for person in [first, second] { _ = try await services.calls.assign(application.id, to: person, by: .admin) }
        for (person, score) in [(first, 5), (second, 0)] {
            _ = try await services.calls.submitReview(of: application.id, scores: [score], comment: "", reviewer: person)
        }
        return application.id
    }

    static func publishedCall(_ world: AccessWorld, _ services: Services) async throws -> Call {
        try await services.calls.publish(try await callDraft(world, services).id, ifMatch: nil, by: .admin)
    }

    /// An application of the NGO's, answered, submitted or not.
    static func callApplication(_ world: AccessWorld, _ services: Services, submitted: Bool) async throws -> CallApplication {
        let call = try await publishedCall(world, services)
        let ngo = try #require(world.identities["ngo"])
        let application = try await services.calls.apply(
            to: call.id, CallApplicationDraft(projectID: try await world.openProject(), amountKZT: 2_000_000, answers: ["Чтобы помочь."]), by: ngo
        )
        return submitted ? try await services.calls.submit(application.id, ifMatch: nil, by: ngo) : application
    }

    /// A member of the NGO beside an owner, so that changing the member keeps an owner.
    static func person(in world: AccessWorld, _ services: Services) async throws -> UUID {
        for role in [MembershipRole.owner, .member] {
            let account = AccountService.NewAccount(email: "\(role.rawValue)-\(UUID().uuidString.prefix(8))@example.kz", name: "Matrix", password: "Correct-Horse-9")
            let person = try await services.accounts.createPerson(account, isAdmin: false, memberships: [(world.ngo, role)], by: .admin)
            if role == .member { return person.id }
        }
        throw TestFailure("no member made")
    }

    @Test(arguments: rows.map(\.name))
    func eachCallerGetsExactlyItsOutcome(_ name: String) async throws {
        let row = try #require(Self.rows.first { $0.name == name })
        try await TestDatabase.with { database in
            let services = Services(pool: database.pool, matching: MatchingConfiguration(), accounts: .cheapHashes)
            let admin = try await services.tokens.issue(for: nil, label: "matrix admin", expiresAt: nil, by: .admin)
            let world = try await AccessWorld.build(pool: database.pool, adminToken: admin.token)
            for (name, expected) in zip(Self.callers, row.expected) {
                let caller = name == "anonymous" ? Caller.anonymous : try #require(world.identities[name])
                let outcome = try await Self.outcome { try await row.call(services, world, caller) }
                #expect(outcome == expected, "\(row.name) as \(name): \(outcome), expected \(expected)")
            }
        }
    }

    /// A personal token acts only on its person's reviews: everywhere else it gets what an
    /// anonymous caller gets, or a refusal where an anonymous caller is asked to sign in.
    @Test(arguments: rows.map(\.name))
    func aPersonActsOnlyOnTheirOwnReviews(_ name: String) async throws {
        let row = try #require(Self.rows.first { $0.name == name })
        try await TestDatabase.with { database in
            let services = Services(pool: database.pool, matching: MatchingConfiguration(), accounts: .cheapHashes)
            let admin = try await services.tokens.issue(for: nil, label: "matrix admin", expiresAt: nil, by: .admin)
            let world = try await AccessWorld.build(pool: database.pool, adminToken: admin.token)
            try await world.makePersonOwnTheNGO()
            let token = try #require(world.tokens[AccessWorld.person])
            let person = try #require(try await services.tokens.authenticate(token))
            #expect(person.personID != nil)
            let outcome = try await Self.outcome { try await row.call(services, world, person) }
            if let expected = row.person {
                #expect(outcome == expected, "\(row.name) as a person: \(outcome), expected \(expected)")
            } else if row.expected[0] == .unauthenticated {
                #expect(outcome == .forbidden, "\(row.name) as a person: \(outcome), expected 403 (signed in, but not one that may)")
            } else {
                #expect(outcome == row.expected[0], "\(row.name) as a person: \(outcome), expected \(row.expected[0]) as anonymous")
            }
        }
    }

    @Test func everyPublicUseCaseIsInTheMatrix() {
        // A use case added without a row here fails this test: the names below are the matrix's.
        let covered = Set(Self.rows.map { String($0.name.prefix { $0 != "(" }) })
        let useCases: Set<String> = [
            "organizations.register", "organizations.find", "organizations.list", "organizations.update",
            "organizations.deactivate", "organizations.verify", "organizations.requireEditRight",
            "projects.propose", "projects.find", "projects.list", "projects.publicList", "projects.edit", "projects.publish", "projects.close",
            "matches.partners", "matches.triples", "matches.forOrganization", "matches.proposalTerms",
            "dismissals.list", "dismissals.dismiss", "dismissals.undo", "shortlists.list", "shortlists.add", "shortlists.remove", "shortlists.projectIDs",
            "partnerships.propose", "partnerships.list", "partnerships.find", "partnerships.amend", "partnerships.consent",
            "partnerships.withdraw", "partnerships.approve", "partnerships.reject", "partnerships.return", "partnerships.activate",
            "partnerships.report", "partnerships.complete", "partnerships.cancel", "partnerships.events", "partnerships.reports",
            "partnerships.feed", "partnerships.framework", "partnerships.requestFrameworkChange", "partnerships.decideFrameworkChange",
            "partnerships.reviewQueue", "partnerships.reviewItem", "partnerships.partyView", "partnerships.partyViews", "partnerships.budget",
            "rounds.run", "rounds.find", "rounds.accept",
            "tokens.issue", "tokens.list", "tokens.revoke", "tokens.all", "tokens.revokeAny",
            "documents.upload", "documents.list", "documents.content", "documents.delete",
            "documents.verificationQueue", "accounts.verify", "accounts.createPerson",
            "accounts.members", "accounts.changeRole", "accounts.removeMember", "accounts.people",
            "webhooks.register", "webhooks.list", "webhooks.deliveries", "webhooks.delivery", "webhooks.disable", "webhooks.replay",
            "projects.own", "projects.findOwn", "partnerships.frameworkChangeQueue", "accounts.requireMemberManagement",
            "portal.home", "portal.organizationProfile", "portal.projectPage", "portal.regions", "portal.region",
            "documents.requireUploadRight", "notifications.inbox", "notifications.markRead", "notifications.markAllRead", "dashboards.dashboard",
            "calls.create", "calls.update", "calls.publish", "calls.find", "calls.list", "calls.pledge", "calls.pledges", "calls.withdrawPledge",
            "calls.apply", "calls.updateApplication", "calls.submit", "calls.withdrawApplication", "calls.application", "calls.applications",
            "calls.applicationsOfNGO", "tokens.listOf", "calls.addReviewer", "calls.reviewers", "calls.assignments", "calls.assign",
            "calls.assignAutomatically", "calls.reviews", "calls.scores", "calls.moderate", "calls.allocate", "calls.allocation", "calls.award", "calls.awardedPartnerships", "calls.titles",
            "calls.publicCalls", "calls.publicPage", "calls.results", "planning.overview", "planning.jurisdiction",
            "calls.issuer", "calls.callToRun", "calls.assignedApplications", "calls.assignedApplication", "calls.reviewsAsReviewer", "calls.submitReview", "calls.declareConflict",
        ]
        #expect(useCases.subtracting(covered).isEmpty, "no row for \(useCases.subtracting(covered).sorted())")
    }

    static func outcome(_ call: () async throws -> Void) async throws -> Outcome {
        do {
            try await call()
            return .ok
        } catch let error as DomainError {
            switch error {
            case .unauthenticated: return .unauthenticated
            case .forbidden: return .forbidden
            case .notFound: return .notFound
            case .conflict: return .conflict
            case .invalid: return .invalid
            case .preconditionFailed: return .conflict
            }
        }
    }
}
