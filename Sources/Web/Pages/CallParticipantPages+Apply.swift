import Domain
import Foundation
import Hummingbird
import UseCases

/// An NGO applies to a call: one of its projects, the amount, an answer to each question and the
/// results it will report on; saved as a draft while it writes, then submitted, each refusal named.
extension CallParticipantPages {
    static var applyNotices: [String] { ["saved", "submitted", "changed", "withdrawn"] }

    func applyPath(_ call: Call, application: UUID? = nil, done: String? = nil) -> String {
        var path = "/workspace/calls/\(call.id.lowercasedString)/apply"
        var query: [String] = []
        if let application { query.append("application=\(application.lowercasedString)") }
        if let done { query.append("done=\(done)") }
        if !query.isEmpty { path += "?" + query.joined(separator: "&") }
        return path + (application != nil ? "#application" : "")
    }

    @Sendable func applyForm(_ request: Request, context: Context) async throws -> Response {
        try workspace.requireSignedIn(request, context)
        let words = try await workspace.words(context)
        _ = try member(context, .ngo, "Only NGOs apply to calls.")
        let call = try await services.calls.find(try workspace.id(context), by: context.caller)
        let mine = try await services.calls.applications(of: call.id, by: context.caller)
        let query = FormData.query(of: request)
        let chosen = query["application"].flatMap(UUID.init(uuidString:)).flatMap { id in mine.first { $0.id == id } }
        var view = try await applyView(
            call, applications: mine, chosen: chosen, form: nil, errors: FieldErrors(), words: words, context: context, changing: query["edit"] == "1"
        )
        view["notice"] = notice(request, words: words, Self.applyNotices)
        return workspace.page("call-apply", title: words.t("callpart_apply_title"), view: view, request: request, context: context)
    }

    @Sendable func applySave(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request, context: context)
        try workspace.requireSignedIn(request, context)
        let words = try await workspace.words(context)
        _ = try member(context, .ngo, "Only NGOs apply to calls.")
        let call = try await services.calls.find(try workspace.id(context), by: context.caller)
        let mine = try await services.calls.applications(of: call.id, by: context.caller)
        var current = UUID(uuidString: form["application"]).flatMap { id in mine.first { $0.id == id } }
        var errors = FieldErrors()
        var ineligible: [[String: Any]] = []
        var problem: String?
        var stale = false

        if form["action"] == "withdraw", let application = current {
            do {
                _ = try await services.calls.withdrawApplication(application.id, by: context.caller)
                return workspace.redirect(applyPath(call, application: application.id, done: "withdrawn"))
            } catch DomainError.conflict {
                problem = words.t("callpart_apply_not_open")
            }
        } else {
            let projectID = current?.draft.projectID ?? UUID(uuidString: form["project_id"])
            if projectID == nil { errors.add("project_id", words.t("callpart_error_project")) }
            let amount = form.whole("amount_kzt")
            let limits = words.t("callpart_error_amount", Format.money(call.terms.minGrantKZT), Format.money(call.terms.maxGrantKZT))
            if amount == nil { errors.add("amount_kzt", limits) }
            let answers = call.terms.questions.indices.map { form["answer_\($0 + 1)"] }
            for (offset, question) in call.terms.questions.enumerated() where answers[offset].count > question.maxLength {
                errors.add("answer_\(offset + 1)", words.t("callpart_error_answer_long", Format.integer(question.maxLength)))
            }
            let framework = FrameworkForm.read(form, words: words, errors: &errors)
            if errors.isEmpty, let projectID, let amount, let framework {
                let draft = CallApplicationDraft(projectID: projectID, amountKZT: amount, answers: answers, framework: framework)
                do {
                    let saved: CallApplication
                    if let current {
                        // The version the form was read at: a change made meanwhile elsewhere is not overwritten.
                        let version = form.whole("version").map { Set([Int($0)]) }
                        saved = try await services.calls.updateApplication(current.id, to: draft, ifMatch: version, by: context.caller)
                        if saved.state == .submitted {
                            return workspace.redirect(applyPath(call, application: saved.id, done: "changed"))
                        }
                    } else {
                        saved = try await services.calls.apply(to: call.id, draft, by: context.caller)
                    }
                    current = saved
                    if form["action"] == "submit" {
                        _ = try await services.calls.submit(saved.id, ifMatch: nil, by: context.caller)
                        return workspace.redirect(applyPath(call, application: saved.id, done: "submitted"))
                    }
                    return workspace.redirect(applyPath(call, application: saved.id, done: "saved"))
                } catch DomainError.invalid(let issues) {
                    for issue in issues {
                        if issue.field.hasPrefix("eligibility.") {
                            let rule = String(issue.field.dropFirst("eligibility.".count))
                            let field = "eligibility_\(rule)"
                            let message = words.t("callpart_ineligible_\(rule)")
                            errors.add(field, message)
                            ineligible.append(["field": field, "message": message])
                        } else if issue.field.hasPrefix("answers[") {
                            let index = Int(issue.field.dropFirst("answers[".count).prefix { $0.isNumber }) ?? 0
                            errors.add("answer_\(index + 1)", issue.code == "required" ? words.t("callpart_error_answer", String(index + 1))
                                : words.t("callpart_error_answer_long", Format.integer(call.terms.questions[ifPresent: index]?.maxLength ?? 0)))
                        } else if issue.field == "amount_kzt" {
                            errors.add("amount_kzt", limits)
                        } else if issue.field == "project_id" {
                            errors.add("project_id", words.t("callpart_error_project"))
                        } else {
                            errors.add("reporting_period_days", words.t("issue_indicator_number"))
                        }
                    }
                } catch DomainError.preconditionFailed {
                    // Changed elsewhere since this form was read: show what is stored now, not the stale form.
                    problem = words.t("callpart_error_changed")
                    stale = true
                } catch DomainError.conflict(let code, _) {
                    if code == "already_applied" {
                        errors.add("project_id", words.t("callpart_error_already_applied"))
                    } else {
                        problem = words.t(code == "call_not_open" ? "callpart_apply_not_open" : "callpart_error_changed")
                    }
                }
            }
        }
        let refreshed = try await services.calls.applications(of: call.id, by: context.caller)
        let chosen = current.flatMap { id in refreshed.first { $0.id == id.id } }
        var view = try await applyView(
            call, applications: refreshed, chosen: chosen, form: stale ? nil : form, errors: errors, words: words, context: context,
            changing: chosen?.state == .submitted
        )
        view["ineligible"] = ineligible
        view["hasIneligible"] = !ineligible.isEmpty
        if let problem { view["problem"] = problem }
        return workspace.page(
            "call-apply", title: words.t("callpart_apply_title"), view: view, request: request, context: context,
            status: problem != nil && errors.isEmpty ? .conflict : .unprocessableContent
        )
    }

    func applyView(
        _ call: Call, applications: [CallApplication], chosen: CallApplication?, form: FormData?, errors: FieldErrors, words: Vocabulary,
        context: Context, changing: Bool = false
    ) async throws -> [String: Any] {
        let terms = call.terms
        let phase = call.phase(at: services.calls.now())
        let open = phase == .open
        let projects = try await services.projects.own(limit: 500, by: context.caller)
        let titles = Dictionary(projects.map { ($0.id, $0.fields.title) }, uniquingKeysWith: { first, _ in first })
        func projectName(_ id: UUID) -> [String: Any] {
            titles[id].map { CallPublicPages<Context>.named($0, words) } ?? ["text": "—", "lang": false]
        }
        var view: [String: Any] = [
            "call": callSummary(call, words: words),
            "open": open,
            "closedMessage": phase == .upcoming ? words.t("callpart_apply_upcoming", Format.dateTime(terms.opensAt)) : words.t("callpart_apply_not_open"),
            "isViewer": context.caller.isViewer,
            "errors": errors.view,
            "hasIneligible": false,
            "applications": applications.map { application -> [String: Any] in
                [
                    "id": application.id.lowercasedString,
                    "project": projectName(application.draft.projectID),
                    "amount": Format.money(application.draft.amountKZT),
                    "state": words.t("callpart_application_\(application.state.rawValue)"),
                    "updated": words.time(application.updatedAt, withClock: true),
                    "current": application.id == chosen?.id,
                ]
            },
            "hasApplications": !applications.isEmpty,
        ]
        // A submitted application stays open to changes until the call closes, behind its own link.
        let editing = open && !context.caller.isViewer && (chosen == nil || chosen?.state == .draft || (chosen?.state == .submitted && changing))
        if editing {
            let taken = Set(applications.filter { $0.state != .withdrawn && $0.id != chosen?.id }.map(\.draft.projectID))
            let selected = form?["project_id"] ?? ""
            let options = projects.filter { ($0.fields.status == .draft || $0.fields.status == .open) && !taken.contains($0.id) }
            let errorView = errors.view
            view["form"] = [
                "application": chosen?.id.lowercasedString ?? "",
                "version": chosen.map { String($0.version) } ?? "",
                "isDraft": chosen?.state == .draft,
                "isSubmitted": chosen?.state == .submitted,
                "fixedProject": chosen.map { projectName($0.draft.projectID) } ?? false,
                "projects": options.map { project -> [String: Any] in
                    let title = CallPublicPages<Context>.named(project.fields.title, words)
                    return ["value": project.id.lowercasedString, "label": title, "status": words.statusName(project.fields.status),
                            "selected": project.id.lowercasedString == selected]
                },
                "hasProjects": !options.isEmpty || chosen != nil,
                "amount": form?["amount_kzt"] ?? chosen.map { String($0.draft.amountKZT) } ?? "",
                "amountHint": words.t("callpart_amount_hint", Format.money(terms.minGrantKZT), Format.money(terms.maxGrantKZT)),
                "questions": terms.questions.enumerated().map { offset, question -> [String: Any] in
                    let name = "answer_\(offset + 1)"
                    let stored = chosen.flatMap { $0.draft.answers[ifPresent: offset] } ?? ""
                    return [
                        "name": name, "number": String(offset + 1), "text": CallPublicPages<Context>.named(question.text, words),
                        "limit": words.t("callpub_answer_limit", Format.integer(question.maxLength)), "maxLength": String(question.maxLength),
                        "value": form.map { $0.raw(name) } ?? stored, "error": errorView[name] ?? false,
                    ]
                },
                "fw": FrameworkForm.view(chosen?.draft.framework, form: form, errors: errors, words: words),
            ] as [String: Any]
        } else if let chosen {
            view["shown"] = [
                "id": chosen.id.lowercasedString,
                "project": projectName(chosen.draft.projectID),
                "amount": Format.money(chosen.draft.amountKZT),
                "state": words.t("callpart_application_\(chosen.state.rawValue)"),
                "submitted": chosen.submittedAt.map { words.time($0, withClock: true) } ?? false,
                "answers": terms.questions.enumerated().map { offset, question -> [String: Any] in
                    ["question": CallPublicPages<Context>.named(question.text, words), "answer": chosen.draft.answers[ifPresent: offset] ?? ""]
                },
                "framework": Self.frameworkRows(chosen.draft.framework, words: words),
                "period": words.t("framework_period", Format.integer(chosen.draft.framework.reportingPeriodDays)),
                "mayWithdraw": open && chosen.state == .submitted && !context.caller.isViewer,
                "mayEdit": open && chosen.state != .withdrawn && !context.caller.isViewer,
            ] as [String: Any]
        }
        return view
    }

    /// A results framework read back: one row per indicator.
    static func frameworkRows(_ framework: ResultsFramework, words: Vocabulary) -> [String: Any] {
        [
            "indicators": framework.indicators.map { indicator -> [String: Any] in
                [
                    "name": indicator.name, "unit": indicator.unit,
                    "baseline": FrameworkForm.text(indicator.baseline, words), "target": FrameworkForm.text(indicator.target, words),
                ]
            },
            "hasIndicators": !framework.indicators.isEmpty,
        ]
    }
}

extension Array {
    subscript(ifPresent index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
