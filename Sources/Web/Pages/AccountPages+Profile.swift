import Domain
import Foundation
import Hummingbird
import UseCases

/// The organization's own profile, edited by its people (not viewers): its name and description,
/// contacts, where it works and on what, and its kind's figures. What verification vouched for
/// (BIN, legal form, a government body's jurisdiction and level) is shown and left to an admin.
extension AccountPages {
    static var profileLanguages: [(Language, String)] { [(.kk, "Қазақша"), (.ru, "Русский"), (.en, "English")] }

    func profileView(
        _ organization: Organization, context: Context, words: Vocabulary, form: FormData? = nil, errors: FieldErrors = FieldErrors()
    ) -> [String: Any] {
        let fields = organization.fields
        func value(_ name: String, _ stored: String?) -> String { form?[name] ?? stored ?? "" }
        func number<N: BinaryInteger>(_ name: String, _ stored: N?) -> String { form?[name] ?? stored.map { String($0) } ?? "" }
        func ticked(_ name: String, _ stored: Bool) -> Bool { form.map { $0[name] == "1" } ?? stored }
        let focusAreas = words.focusAreasInOrder.map(\.code)
        return [
            "id": organization.id.lowercasedString,
            "organization": words.text(fields.name),
            "kind": words.kindName(fields.kind),
            "bin": fields.bin,
            "jurisdiction": fields.jurisdiction.map(words.placeName) ?? false,
            "canChange": !context.caller.isViewer,
            "languages": Self.profileLanguages.map { language, name -> [String: Any] in
                [
                    "code": language.rawValue, "name": name, "value": value("name_\(language.rawValue)", fields.name.value(language)),
                    "error": errors.message(for: "name_\(language.rawValue)") ?? false,
                ]
            },
            "description": value("description", fields.description),
            "website": value("website", fields.website),
            "contactEmail": value("contact_email", fields.contactEmail),
            "contactPhone": value("contact_phone", fields.contactPhone),
            "nationwide": ticked("nationwide", fields.nationwide),
            "places": fields.regions.map { code -> [String: Any] in
                ["code": code, "name": words.placeName(code), "checked": ticked("place_\(code)", true)]
            },
            "regions": words.regionOptions(selected: form?["region"] ?? ""),
            "districtGroups": words.districtGroups(selected: form?["district"] ?? "", region: ""),
            "focusAreas": focusAreas.map { code -> [String: Any] in
                ["code": code, "name": words.focusName(code), "checked": ticked("focus_\(code)", fields.focusAreas.contains(code))]
            },
            "isNGO": fields.kind == .ngo,
            "isBusiness": fields.kind == .business,
            "seeking": focusAreas.map { code -> [String: Any] in
                ["code": code, "name": words.focusName(code), "checked": ticked("seeking_\(code)", fields.seeking.contains(code))]
            },
            "annualBudget": number("annual_budget_kzt", fields.annualBudgetKZT),
            "staffCount": number("staff_count", fields.staffCount),
            "foundedYear": number("founded_year", fields.foundedYear),
            "maxPartnerships": number("max_active_partnerships", fields.maxActivePartnerships),
            "firstFocus": focusAreas.first ?? "",
            "focusError": errors.message(for: "focus_\(focusAreas.first ?? "")") ?? false,
            "errors": errors.view,
        ]
    }

    /// The organization the page is about, when the person acts for it (or is an admin).
    func profileOrganization(_ request: Request, context: Context) async throws -> Organization? {
        guard let membership = try ownOrganization(request, context) else { return nil }
        return try await services.organizations.find(membership.organizationID, by: context.caller).organization
    }

    @Sendable func profilePage(_ request: Request, context: Context) async throws -> Response {
        let words = try await words(context)
        guard let organization = try await profileOrganization(request, context: context) else {
            return switchFirst(title: words.t("profile_title"), words: words, request: request, context: context)
        }
        var view = profileView(organization, context: context, words: words)
        if request.uri.queryParameters["done"] != nil { view["notice"] = words.t("profile_saved") }
        return page("profile", title: words.t("profile_title"), view: view, request: request, context: context)
    }

    @Sendable func saveProfile(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request, context: context)
        let words = try await words(context)
        guard let organization = try await profileOrganization(request, context: context) else {
            return switchFirst(title: words.t("profile_title"), words: words, request: request, context: context)
        }
        try services.organizations.requireEditRight(organization.id, by: context.caller)
        let kind = organization.fields.kind
        var errors = FieldErrors()
        var name = LocalizedText()
        for (language, _) in Self.profileLanguages {
            let text = form["name_\(language.rawValue)"]
            if text.count > 300 { errors.add("name_\(language.rawValue)", words.t("issue_profile_name_long")) }
            if !text.isEmpty { name = name.setting(language, text) }
        }
        if name.isEmpty { errors.add("name_\(words.language.rawValue)", words.t("issue_profile_name")) }
        let description = form["description"]
        if description.count > 5000 { errors.add("description", words.t("issue_profile_description")) }
        func contact(_ field: String, _ isValid: (String) -> Bool, maxLength: Int) -> String? {
            let text = form[field]
            guard !text.isEmpty else { return nil }
            if text.count > maxLength || !isValid(text) { errors.add(field, words.t("issue_profile_\(field)")) }
            return text
        }
        let website = contact("website", ContactFormat.isWebsite, maxLength: 300)
        let email = contact("contact_email", ContactFormat.isEmail, maxLength: 254)
        let phone = contact("contact_phone", ContactFormat.isPhone, maxLength: 32)
        let nationwide = form["nationwide"] == "1"
        let places = words.editedPlaces(organization.fields.regions, form: form, errors: &errors)
        if places.isEmpty && !nationwide && form["region"].isEmpty && form["district"].isEmpty { errors.add("region", words.t("issue_profile_places")) }
        let codes = words.snapshot.focusAreas.map(\.code)
        let focus = codes.filter { form["focus_\($0)"] == "1" }
        let seeking = kind == .ngo ? codes.filter { form["seeking_\($0)"] == "1" } : organization.fields.seeking
        func count(_ field: String, in range: ClosedRange<Int64>) -> Int64? {
            guard !form[field].isEmpty else { return nil }
            guard let value = form.whole(field), range.contains(value) else {
                errors.add(field, words.t("issue_profile_\(field)"))
                return nil
            }
            return value
        }
        let annualBudget = kind == .ngo ? count("annual_budget_kzt", in: 0...10_000_000_000_000) : nil
        let staff = kind == .ngo ? count("staff_count", in: 0...10_000_000) : nil
        let thisYear = Int64(Calendar(identifier: .gregorian).component(.year, from: services.clock.now()))
        let founded = kind == .ngo ? count("founded_year", in: 1900...thisYear) : nil
        let maxPartnerships = kind == .business ? count("max_active_partnerships", in: 0...10_000) : nil
        if errors.isEmpty {
            let newName = name
            do {
                _ = try await services.organizations.update(organization.id, by: context.caller) { draft in
                    draft.name = newName
                    draft.description = description
                    draft.website = website
                    draft.contactEmail = email
                    draft.contactPhone = phone
                    draft.nationwide = nationwide
                    draft.regions = places
                    draft.focusAreas = focus
                    draft.seeking = seeking
                    if kind == .ngo {
                        draft.annualBudgetKZT = annualBudget
                        draft.staffCount = staff.map(Int.init)
                        draft.foundedYear = founded.map(Int.init)
                    }
                    if kind == .business { draft.maxActivePartnerships = maxPartnerships.map(Int.init) }
                }
                return redirect("/organizations/\(organization.id.lowercasedString)/profile?done=1")
            } catch DomainError.invalid(let issues) {
                // The rules and the reference data agree with the checks above; what is left is named generally.
                for issue in issues { errors.add(Self.profileField(issue.field, words: words), words.t("issue_profile_rejected")) }
            }
        }
        let view = profileView(organization, context: context, words: words, form: form, errors: errors)
        return page("profile", title: words.t("profile_title"), view: view, request: request, context: context, status: .unprocessableContent)
    }

    /// The form field a use case's issue belongs beside.
    static func profileField(_ field: String, words: Vocabulary) -> String {
        switch field {
        case "name": "name_\(words.language.rawValue)"
        case let list where list.hasPrefix("regions"): "region"
        case let list where list.hasPrefix("focus_areas") || list.hasPrefix("seeking"): "focus_\(words.focusAreasInOrder.first?.code ?? "")"
        default: field
        }
    }
}
