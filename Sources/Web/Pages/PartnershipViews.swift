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
        /// The business sponsor; for a call's award, its co-funders' names.
        let sponsor: LocalizedText
        let governmentBody: LocalizedText
        /// For a call's award: who pays how much, and the call's title.
        var funders: [(funder: PartnershipFunder, name: LocalizedText)] = []
        var callTitle: LocalizedText?
    }

    /// The match's candidates already carry the sponsor's and the government body's names.
    /// A project set back to draft after its partnerships ended is hidden from the other parties;
    /// its partnership still lists, under a stand-in name, rather than failing the whole page.
    func parties(of partnership: Partnership, match: RankedMatch<MatchService.Subject>?, context: Context) async throws -> Parties {
        try await parties(of: [(partnership, match)], context: context)[partnership.id]!
    }

    /// The parties of each partnership of a list, by partnership id: two queries for the whole list.
    func parties(
        of list: [(partnership: Partnership, match: RankedMatch<MatchService.Subject>?)], context: Context
    ) async throws -> [UUID: Parties] {
        let hidden = LocalizedText(kk: "—", ru: "—", en: "—")
        let projects = try await services.projects.find(Set(list.map(\.partnership.projectID)), by: context.caller)
        let organizations = try await services.organizations.find(
            Set(list.flatMap { [$0.partnership.ngoID, $0.partnership.governmentBodyID] + [$0.partnership.businessID].compactMap { $0 }
                + $0.partnership.funders.map(\.organizationID) }),
            by: context.caller
        )
        let callTitles = try await services.calls.titles(of: Array(Set(list.compactMap(\.partnership.callID))), by: context.caller)
        func name(_ id: UUID) throws -> LocalizedText {
            guard let found = organizations[id] else { throw DomainError.notFound(resource: "organization") }
            return found.organization.fields.name
        }
        var named: [UUID: Parties] = [:]
        for (partnership, match) in list {
            let title = projects[partnership.projectID]?.fields.title ?? hidden
            if case .triple(let business, let government)? = match?.item {
                named[partnership.id] = Parties(projectTitle: title, ngo: try name(partnership.ngoID), sponsor: business.name, governmentBody: government.name)
            } else if let sponsor = partnership.businessID {
                named[partnership.id] = Parties(
                    projectTitle: title, ngo: try name(partnership.ngoID), sponsor: try name(sponsor),
                    governmentBody: try name(partnership.governmentBodyID)
                )
            } else {
                let funders = try partnership.funders.map { ($0, try name($0.organizationID)) }
                let cofunders = funders.filter { $0.0.role == .business }.map(\.1)
                var parties = Parties(
                    projectTitle: title, ngo: try name(partnership.ngoID), sponsor: cofunders.isEmpty ? hidden : LocalizedText(
                        kk: cofunders.map { $0.kk ?? $0.ru ?? $0.en ?? "" }.joined(separator: ", "),
                        ru: cofunders.map { $0.ru ?? $0.kk ?? $0.en ?? "" }.joined(separator: ", "),
                        en: cofunders.map { $0.en ?? $0.ru ?? $0.kk ?? "" }.joined(separator: ", ")
                    ),
                    governmentBody: try name(partnership.governmentBodyID)
                )
                parties.funders = funders
                parties.callTitle = partnership.callID.flatMap { callTitles[$0] }
                named[partnership.id] = parties
            }
        }
        return named
    }

    /// The partial `partnership-facts` reads these.
    func facts(of partnership: Partnership, parties: Parties, words: Vocabulary) -> [String: Any] {
        [
            "stage": words.stageName(partnership.state),
            "projectID": partnership.projectID.lowercasedString,
            "project": words.text(parties.projectTitle),
            "ngoID": partnership.ngoID.lowercasedString,
            "ngo": words.text(parties.ngo),
            "sponsorID": partnership.businessID?.lowercasedString ?? false,
            "sponsor": words.text(parties.sponsor),
            "funders": parties.funders.map { funder, name -> [String: Any] in
                [
                    "id": funder.organizationID.lowercasedString, "name": words.text(name), "amount": Format.money(funder.amountKZT),
                    "role": words.t(funder.role == .state ? "partnership_funder_state" : "partnership_funder_business"),
                ]
            },
            "callID": partnership.callID?.lowercasedString ?? false,
            "call": parties.callTitle.map { words.text($0) } ?? false,
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
            "lastReport": partnership.lastReportAt.map { words.time($0) } ?? false,
            "overdue": partnership.isOverdue,
        ]
    }

    /// Every recorded step, oldest first, with who took it and what they said.
    func history(of partnership: Partnership, parties: Parties, words: Vocabulary, context: Context) async throws -> [[String: Any]] {
        var names: [UUID: LocalizedText] = [partnership.ngoID: parties.ngo, partnership.governmentBodyID: parties.governmentBody]
        if let sponsor = partnership.businessID { names[sponsor] = parties.sponsor }
        for (funder, name) in parties.funders where names[funder.organizationID] == nil { names[funder.organizationID] = name }
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
