import Domain
import Foundation
import Hummingbird
import UseCases

/// Editing one of the NGO's projects: its title and description in each of the three languages,
/// every place and focus area it names, its need, duration and reach. A project partnerships rest
/// on keeps its places (the service says so beside the field).
struct ProjectEditPages<Context: WebRequestContext>: Sendable {
    let services: Services
    let renderer: Renderer

    var workspace: WorkspacePage<Context> { WorkspacePage(services: services, renderer: renderer) }

    func addRoutes(to router: RouterGroup<Context>) {
        router.get("/workspace/projects/{id}/edit", use: form)
        router.post("/workspace/projects/{id}/edit", use: save)
    }

    static var languages: [Language] { [.kk, .ru, .en] }
    static var nativeNames: [Language: String] { [.kk: "Қазақша", .ru: "Русский", .en: "English"] }

    @Sendable func form(_ request: Request, context: Context) async throws -> Response {
        try workspace.requireSignedIn(request, context)
        let words = try await workspace.words(context)
        let project = try await services.projects.findOwn(try workspace.id(context), by: context.caller)
        return workspace.page("project-edit", title: words.t("project_edit_title"), view: view(project, form: nil, words: words), request: request, context: context)
    }

    @Sendable func save(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request, context: context)
        try workspace.requireSignedIn(request, context)
        let words = try await workspace.words(context)
        let project = try await services.projects.findOwn(try workspace.id(context), by: context.caller)
        var errors = FieldErrors()
        var title = LocalizedText(), summary = LocalizedText()
        for language in Self.languages {
            let name = form["title_\(language.rawValue)"], text = form["description_\(language.rawValue)"]
            if name.count > 300 { errors.add("title_\(language.rawValue)", words.t("issue_project_title")) }
            if text.count > 5000 { errors.add("description_\(language.rawValue)", words.t("issue_project_summary")) }
            if !name.isEmpty { title = title.setting(language, name) }
            if !text.isEmpty { summary = summary.setting(language, text) }
        }
        if title.isEmpty { errors.add("title_\(words.language.rawValue)", words.t("issue_project_title")) }
        let places = words.editedPlaces(project.fields.regions, form: form, errors: &errors)
        if places.isEmpty && errors.isEmpty { errors.add("region", words.t("project_edit_one_place")) }
        let focus = words.snapshot.focusAreas.map(\.code).filter { form["focus_\($0)"] == "1" }
        if focus.isEmpty { errors.add("focus_\(words.focusAreasInOrder.first?.code ?? "")", words.t("issue_project_focus")) }
        let need = form.whole("funding_needed_kzt")
        if need == nil { errors.add("funding_needed_kzt", words.t("issue_project_need")) }
        let months = form.whole("duration_months")
        if months.map({ !(1...36).contains($0) }) ?? true { errors.add("duration_months", words.t("issue_project_duration")) }
        let beneficiaries = form["beneficiaries"].isEmpty ? 0 : form.whole("beneficiaries")
        if beneficiaries.map({ $0 > 100_000_000 }) ?? true { errors.add("beneficiaries", words.t("issue_project_beneficiaries")) }
        var problem = ""
        if errors.isEmpty, let need, let months, let beneficiaries {
            let newPlaces = places, newTitle = title, newSummary = summary
            do {
                _ = try await services.projects.edit(project.id, by: context.caller) { draft in
                    draft.title = newTitle
                    draft.summary = newSummary
                    draft.regions = newPlaces
                    draft.focusAreas = focus
                    draft.fundingNeededKZT = need
                    draft.durationMonths = Int(months)
                    draft.beneficiaries = Int(beneficiaries)
                }
                return workspace.redirect("/workspace/projects?done=edited#project-\(project.id.lowercasedString)")
            } catch DomainError.invalid(let issues) {
                for issue in issues {
                    let message = issue.code == "below_pledged" ? "issue_project_need_below_pledged" : "issue_project_rejected"
                    errors.add(ProjectPages<Context>.formField(issue.field), words.t(message))
                }
            } catch DomainError.conflict {
                problem = words.t("project_edit_places_kept")
            }
        }
        var page = view(project, form: form, words: words)
        page["errors"] = errors.view
        if focus.isEmpty { page["focusError"] = words.t("issue_project_focus") }
        if !problem.isEmpty { page["problem"] = problem }
        return workspace.page(
            "project-edit", title: words.t("project_edit_title"), view: page, request: request, context: context,
            status: problem.isEmpty ? .unprocessableContent : .conflict
        )
    }

    func view(_ project: Project, form: FormData?, words: Vocabulary) -> [String: Any] {
        let fields = project.fields
        func value(_ name: String, _ stored: String?) -> String { form?[name] ?? stored ?? "" }
        return [
            "id": project.id.lowercasedString,
            "languages": Self.languages.map { language -> [String: Any] in
                [
                    "code": language.rawValue,
                    "name": Self.nativeNames[language] ?? language.rawValue,
                    "title": value("title_\(language.rawValue)", fields.title.value(language)),
                    "description": value("description_\(language.rawValue)", fields.summary.value(language)),
                ]
            },
            "places": fields.regions.map { code -> [String: Any] in
                ["code": code, "name": words.placeName(code), "checked": form.map { $0["place_\(code)"] == "1" } ?? true]
            },
            "regions": words.regionOptions(selected: form?["region"] ?? ""),
            "districtGroups": words.districtGroups(selected: form?["district"] ?? "", region: ""),
            "focusAreas": words.focusAreasInOrder.map { area -> [String: Any] in
                [
                    "code": area.code, "name": words.focusName(area.code),
                    "checked": form.map { $0["focus_\(area.code)"] == "1" } ?? fields.focusAreas.contains(area.code),
                ]
            },
            "need": form?["funding_needed_kzt"] ?? String(fields.fundingNeededKZT),
            "months": form?["duration_months"] ?? String(fields.durationMonths),
            "beneficiaries": form?["beneficiaries"] ?? String(fields.beneficiaries),
            "firstFocus": words.focusAreasInOrder.first?.code ?? "",
            "focusError": false,
            "errors": FieldErrors().view,
        ]
    }
}
