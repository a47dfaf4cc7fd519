import Domain
import Foundation
import UseCases

/// What the home, organization and project templates read, built from the portal's read models.
extension PublicPages {
    /// The home page's live figures, each saying what it counts, with the time they were read.
    func homeFigures(_ home: PortalHome, words: Vocabulary) -> [String: Any] {
        let items: [[String: Any]] = [
            ["label": words.t("home_figure_ngos"), "value": Format.integer(home.organizationsByKind[.ngo] ?? 0)],
            ["label": words.t("home_figure_businesses"), "value": Format.integer(home.organizationsByKind[.business] ?? 0)],
            ["label": words.t("home_figure_government_bodies"), "value": Format.integer(home.organizationsByKind[.governmentBody] ?? 0)],
            ["label": words.t("home_figure_open_projects"), "value": Format.integer(home.openProjects)],
            ["label": words.t("home_figure_open_need"), "value": Format.money(home.openNeedKZT)],
            ["label": words.t("home_figure_pledged"), "value": Format.money(home.fundingPledgedKZT)],
            ["label": words.t("home_figure_disbursed"), "value": Format.money(home.fundingDisbursedKZT)],
        ]
        let stages: [[String: Any]] = Vocabulary.stageOrder.map { state in
            ["label": words.stageName(state), "value": Format.integer(home.partnershipsByStage[state] ?? 0)]
        }
        return ["asOf": words.time(home.asOf, withClock: true), "items": items, "stages": stages, "hasStages": !stages.isEmpty]
    }

    // MARK: - Organization profile

    /// Reports shown on a profile, newest first; the rest are in the open data.
    static var profileReportLimit: Int { 30 }

    func organizationView(_ profile: PortalService.OrganizationProfile, words: Vocabulary) -> [String: Any] {
        let organization = profile.organization
        let fields = organization.fields
        var view = words.organizationSummary(organization)
        view["bin"] = fields.bin
        view["legalForm"] = profile.legalForm?.name.preferred(words.language) ?? fields.legalForm
        // Sections render for any value but false or nil, an empty string included.
        view["founded"] = orFalse(fields.foundedYear.map(String.init))
        view["description"] = orFalse(fields.description)
        view["website"] = orFalse(fields.website.flatMap { site -> String? in
            let lower = site.lowercased()
            return lower.hasPrefix("https://") || lower.hasPrefix("http://") ? site : nil
        })
        view["nationwide"] = fields.nationwide
        view["placeList"] = profile.places.map { unit -> [String: Any] in
            let region = unit.parentKATO ?? unit.kato
            return ["name": words.placeName(unit.kato), "href": "/regions/\(region)"]
        }
        view["hasPlaces"] = !profile.places.isEmpty
        view["focusList"] = fields.focusAreas.map { ["name": words.focusName($0)] }
        view["isNGO"] = fields.kind == .ngo
        view["projects"] = profile.projects.map(words.projectSummary)
        view["noProjects"] = profile.projects.isEmpty
        view["partnerships"] = profile.partnerships.map { partnership in
            partnershipRow(partnership, words: words, current: organization.id)
        }
        view["hasPartnerships"] = !profile.partnerships.isEmpty
        view["funding"] = profile.fundingByYear.map { year -> [String: Any] in
            [
                "year": String(year.year),
                "role": fundingRole(year.role, words: words),
                "pledged": Format.money(year.pledgedKZT),
                "disbursed": Format.money(year.disbursedKZT),
            ]
        }
        view["hasFunding"] = !profile.fundingByYear.isEmpty
        let reports = profile.reports.reversed().prefix(Self.profileReportLimit)
        view["reports"] = reports.map { reportView($0, words: words, withProject: true) }
        view["hasReports"] = !reports.isEmpty
        view["moreReports"] = orFalse(profile.reports.count > Self.profileReportLimit
            ? words.t("organization_more_reports", String(Self.profileReportLimit), String(profile.reports.count)) : nil)
        return view
    }

    func fundingRole(_ role: PartyRole, words: Vocabulary) -> String {
        switch role {
        case .ngo: words.t("funding_role_ngo")
        case .business: words.t("funding_role_business")
        case .governmentBody: words.t("funding_role_government_body")
        }
    }

    /// Whose partnership it is, for headings: the business sponsor, or for a call's award the call.
    static func sponsorName(of partnership: PortalPartnership) -> LocalizedText {
        partnership.business?.name ?? partnership.callTitle ?? partnership.governmentBody.name
    }

    func partnershipRow(_ partnership: PortalPartnership, words: Vocabulary, current: UUID? = nil) -> [String: Any] {
        var row: [String: Any] = [
            "id": partnership.id.lowercasedString,
            "projectID": partnership.projectID.lowercasedString,
            "projectTitle": words.text(partnership.projectTitle),
            "stage": words.stageName(partnership.state),
            "ngo": words.party(partnership.ngo, current: current),
            "business": partnership.business.map { words.party($0, current: current) as Any } ?? false,
            "callID": partnership.callID?.lowercasedString ?? false,
            "call": partnership.callTitle.map { words.text($0) } ?? false,
            "funders": partnership.funders.map { funder -> [String: Any] in
                var party = words.party(funder.party, current: current)
                party["amount"] = Format.money(funder.amountKZT)
                party["role"] = words.t(funder.role == .state ? "partnership_funder_state" : "partnership_funder_business")
                return party
            },
            "governmentBody": words.party(partnership.governmentBody, current: current),
            "pledge": Format.money(partnership.pledgeKZT),
            "disbursed": Format.money(partnership.disbursedKZT),
        ]
        row["decided"] = partnership.decidedAt.map { words.time($0) as Any } ?? false
        row["overdue"] = partnership.isOverdue
        return row
    }

    func reportView(_ report: PortalReport, words: Vocabulary, withProject: Bool) -> [String: Any] {
        let r = report.report
        var view: [String: Any] = [
            "date": words.time(r.createdAt),
            "kind": words.reportKindName(r.kind),
            "isFinal": r.kind == .final,
            "disbursed": Format.money(r.amountDisbursedKZT),
            "beneficiaries": Format.integer(r.beneficiariesReached),
            "text": orFalse(r.text),
            "withProject": withProject,
            "projectID": report.projectID.lowercasedString,
            "projectTitle": words.text(report.projectTitle),
        ]
        view["rating"] = orFalse(r.rating.map { words.t("report_rating_value", String($0)) })
        return view
    }

    // MARK: - Project page

    func projectView(_ found: PortalService.ProjectPage, words: Vocabulary) -> [String: Any] {
        let project = found.project
        let fields = project.fields
        var view = words.projectSummary(project)
        view["ngo"] = words.party(found.ngo)
        view["durationMonths"] = Format.integer(fields.durationMonths)
        view["beneficiaries"] = Format.integer(fields.beneficiaries)
        view["inKind"] = orFalse(fields.inKindNeeds.joined(separator: ", "))
        view["hasSummary"] = !ShownText(fields.summary, words.language).text.isEmpty
        // Districts by name with their region (the list helper names top-level regions only).
        view["places"] = orFalse(fields.regions.map(words.placeName).joined(separator: ", "))
        let need = fields.fundingNeededKZT
        let pledgedPercent = Format.percent(found.pledgedKZT, of: need)
        let disbursedPercent = Format.percent(found.disbursedKZT, of: need)
        view["progress"] = [
            "need": Format.money(need),
            "pledged": Format.money(found.pledgedKZT),
            "disbursed": Format.money(found.disbursedKZT),
            "remaining": Format.money(found.remainingKZT),
            "pledgedPercent": String(pledgedPercent),
            "disbursedPercent": String(disbursedPercent),
            "pledgedClass": "w\(pledgedPercent)",
            "disbursedClass": "w\(disbursedPercent)",
            "summary": words.t(
                "project_progress_summary", Format.money(found.pledgedKZT), Format.money(need), String(pledgedPercent),
                Format.money(found.disbursedKZT), String(disbursedPercent)
            ),
        ]
        view["partnerships"] = found.partnerships.map { partnershipRow($0, words: words) }
        view["hasPartnerships"] = !found.partnerships.isEmpty
        let several = found.partnerships.count > 1
        let trails = Dictionary(grouping: found.timeline, by: \.partnershipID)
        view["timelines"] = found.partnerships.compactMap { partnership -> [String: Any]? in
            guard let trail = trails[partnership.id], !trail.isEmpty else { return nil }
            return [
                "heading": orFalse(several ? words.t("project_timeline_with", ShownText(Self.sponsorName(of: partnership), words.language).text) : nil),
                "stage": words.stageName(partnership.state),
                "entries": trail.map { timelineEntry($0, words: words) },
            ]
        }
        view["hasTimeline"] = !found.timeline.isEmpty
        // Each partnership's results framework, numbered so that its table has an id of its own.
        let frameworks = found.partnerships.enumerated().compactMap { offset, partnership -> [String: Any]? in
            guard let progress = found.progress[partnership.id], !progress.isEmpty else { return nil }
            var framework = FrameworkForm.progressView(progress, periodDays: ResultsFramework.defaultPeriodDays, words: words)
            framework["anchor"] = "-\(offset + 1)"
            framework["heading"] = words.t("project_results_with", ShownText(Self.sponsorName(of: partnership), words.language).text)
            framework["overdue"] = partnership.isOverdue
            return framework
        }
        view["frameworks"] = frameworks
        view["hasFrameworks"] = !frameworks.isEmpty
        view["reports"] = found.reports.map { reportView($0, words: words, withProject: false) }
        view["hasReports"] = !found.reports.isEmpty
        return view
    }

    func timelineEntry(_ entry: PortalTimelineEntry, words: Vocabulary) -> [String: Any] {
        let view: [String: Any] = [
            "date": words.time(entry.at),
            "action": words.actionName(entry.action),
            "actorKind": words.actorKindName(entry.actorKind),
            "comment": orFalse(entry.comment),
            "actor": entry.actorName.map { words.text($0) as Any } ?? false,
            "stage": orFalse(entry.fromState != entry.toState ? words.stageName(entry.toState) : nil),
        ]
        return view
    }

    /// A text for a template section: false when absent or empty, since mustache sections render
    /// for any other value, an empty string included.
    func orFalse(_ text: String?) -> Any {
        guard let text, !text.isEmpty else { return false }
        return text
    }
}
