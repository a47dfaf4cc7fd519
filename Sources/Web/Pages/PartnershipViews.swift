import Domain
import Foundation
import UseCases

/// What the workspace pages show of one partnership, whoever looks: its project and parties by
/// name, its terms, and its history.
struct PartnershipViews<Context: WebRequestContext>: Sendable {
    let services: Services

    /// Names of the project and the three parties, read as the caller may read them.
    struct Parties {
        let projectTitle: LocalizedText
        let ngo: LocalizedText
        let sponsor: LocalizedText
        let governmentBody: LocalizedText
    }

    /// The match's candidates already carry the sponsor's and the government body's names.
    /// A project set back to draft after its partnerships ended is hidden from the other parties;
    /// its partnership still lists, under a stand-in name, rather than failing the whole page.
    func parties(of partnership: Partnership, match: RankedMatch<MatchService.Subject>?, context: Context) async throws -> Parties {
        let hidden = LocalizedText(kk: "—", ru: "—", en: "—")
        let title: LocalizedText
        do {
            title = try await services.projects.find(partnership.projectID, by: context.caller).fields.title
        } catch DomainError.notFound {
            title = hidden
        }
        let ngo = try await services.organizations.find(partnership.ngoID, by: context.caller).organization.fields.name
        if case .triple(let business, let government)? = match?.item {
            return Parties(projectTitle: title, ngo: ngo, sponsor: business.name, governmentBody: government.name)
        }
        let sponsor = try await services.organizations.find(partnership.businessID, by: context.caller).organization.fields.name
        let body = try await services.organizations.find(partnership.governmentBodyID, by: context.caller).organization.fields.name
        return Parties(projectTitle: title, ngo: ngo, sponsor: sponsor, governmentBody: body)
    }

    /// The partial `partnership-facts` reads these.
    func facts(of partnership: Partnership, parties: Parties, words: Vocabulary) -> [String: Any] {
        [
            "stage": words.stageName(partnership.state),
            "projectID": partnership.projectID.lowercasedString,
            "project": words.text(parties.projectTitle),
            "ngoID": partnership.ngoID.lowercasedString,
            "ngo": words.text(parties.ngo),
            "sponsorID": partnership.businessID.lowercasedString,
            "sponsor": words.text(parties.sponsor),
            "bodyID": partnership.governmentBodyID.lowercasedString,
            "body": words.text(parties.governmentBody),
            "places": partnership.projectRegions.map(words.placeName).joined(separator: ", "),
            "pledge": Format.money(partnership.pledgeKZT),
            "progress": partnership.totals.milestoneReports > 0 || partnership.totals.hasFinalEvaluation ? words.t(
                "partnership_progress_text", Format.integer(partnership.totals.milestoneReports),
                Format.money(partnership.totals.amountDisbursedKZT), Format.integer(partnership.totals.beneficiariesReached)
            ) : false,
            "inKind": Vocabulary.shown(partnership.inKind.joined(separator: ", ")),
            "submitted": partnership.submittedAt.map { words.time($0) } ?? false,
            "reportDue": partnership.reportDueAt.map { words.time($0) } ?? false,
            "overdue": partnership.isOverdue,
        ]
    }

    /// Every recorded step, oldest first, with who took it and what they said.
    func history(of partnership: Partnership, parties: Parties, words: Vocabulary, context: Context) async throws -> [[String: Any]] {
        let names: [UUID: LocalizedText] = [
            partnership.ngoID: parties.ngo, partnership.businessID: parties.sponsor, partnership.governmentBodyID: parties.governmentBody,
        ]
        return try await services.partnerships.events(of: partnership.id, by: context.caller).map { event -> [String: Any] in
            var entry: [String: Any] = [
                "date": words.time(event.at, withClock: true),
                "action": words.actionName(event.action),
                "stage": words.stageName(event.toState),
                "comment": Vocabulary.shown(event.comment ?? ""),
            ]
            if event.actorIsAdmin {
                entry["actor"] = ["text": words.t("timeline_actor_admin")]
            } else if let actor = event.actorOrganizationID, let name = names[actor] {
                entry["actor"] = words.text(name)
            }
            return entry
        }
    }
}
