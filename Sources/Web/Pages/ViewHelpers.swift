import Domain
import Foundation
import UseCases

/// Turns reference codes and domain values into what templates show, in one language.
struct Vocabulary {
    let snapshot: ReferenceData.Snapshot
    let language: Language
    let messages: Messages

    func t(_ key: String, _ arguments: String...) -> String {
        messages.text(key, language, arguments: arguments)
    }

    func text(_ localized: LocalizedText) -> [String: Any] {
        let shown = ShownText(localized, language)
        // An Optional in a mustache section opens it even when nil, and renders as "nil".
        return ["text": shown.text, "lang": shown.lang.map { $0 as Any } ?? false]
    }

    func regionName(_ kato: String) -> String {
        snapshot.unit(kato)?.name.preferred(language) ?? kato
    }

    func focusName(_ code: String) -> String {
        snapshot.focusAreas.first { $0.code == code }?.name.preferred(language) ?? code
    }

    func kindName(_ kind: OrganizationKind) -> String { t("kind_\(kind.rawValue)") }
    func statusName(_ status: ProjectStatus) -> String { t("project_status_\(status.rawValue)") }

    /// Whether place `a` comes before place `b` in an alphabetical list in this language.
    func placePrecedes(_ a: String, _ b: String) -> Bool {
        (snapshot.placeRank(a, in: language), a) < (snapshot.placeRank(b, in: language), b)
    }

    /// Whether focus area `a` comes before focus area `b` in an alphabetical list in this language.
    func focusPrecedes(_ a: String, _ b: String) -> Bool {
        (snapshot.focusRank(a, in: language), a) < (snapshot.focusRank(b, in: language), b)
    }

    /// Top-level regions for a select, with `selected` set.
    func regionOptions(selected: String) -> [[String: Any]] {
        snapshot.regions.filter { $0.level == 1 }
            .sorted { placePrecedes($0.kato, $1.kato) }
            .map { ["value": $0.kato, "label": $0.name.preferred(language), "selected": $0.kato == selected] }
    }

    /// Districts grouped under their region, for a select with optgroups; only the chosen
    /// region's when one is chosen.
    func districtGroups(selected: String, region: String) -> [[String: Any]] {
        snapshot.districtsByRegion.keys
            .filter { region.isEmpty || $0 == region }
            .sorted(by: placePrecedes)
            .map { parent in
                let options = snapshot.districts(of: parent)
                    .sorted { placePrecedes($0.kato, $1.kato) }
                    .map { ["value": $0.kato, "label": $0.name.preferred(language), "selected": $0.kato == selected] as [String: Any] }
                return ["label": regionName(parent), "options": options]
            }
    }

    /// The focus areas in this language's alphabetical order, for checkboxes.
    var focusAreasInOrder: [FocusArea] {
        snapshot.focusAreas.sorted { focusPrecedes($0.code, $1.code) }
    }

    func focusOptions(selected: String) -> [[String: Any]] {
        focusAreasInOrder.map { ["value": $0.code, "label": $0.name.preferred(language), "selected": $0.code == selected] }
    }

    func kindOptions(selected: OrganizationKind?) -> [[String: Any]] {
        OrganizationKind.allCases.map { ["value": $0.rawValue, "label": kindName($0), "selected": $0 == selected] }
    }

    func statusOptions(selected: ProjectStatus?) -> [[String: Any]] {
        ProjectStatus.allCases.filter { $0 != .draft }
            .map { ["value": $0.rawValue, "label": statusName($0), "selected": $0 == selected] }
    }

    func organizationSummary(_ organization: Organization) -> [String: Any] {
        let fields = organization.fields
        return [
            "id": organization.id.lowercasedString,
            "name": text(fields.name),
            "kind": kindName(fields.kind),
            "verified": organization.verification == .verified,
            "verification": t("verification_\(organization.verification.rawValue)"),
            "places": Self.shown(fields.nationwide ? t("place_nationwide") : fields.regions.map(regionName).joined(separator: ", ")),
            "focus": Self.shown(fields.focusAreas.map(focusName).joined(separator: ", ")),
        ]
    }

    /// Mustache opens a section for an empty string; false keeps `{{#x}}…{{/x}}` closed.
    static func shown(_ text: String) -> Any { text.isEmpty ? false : text }

    func projectSummary(_ project: Project) -> [String: Any] {
        let fields = project.fields
        return [
            "id": project.id.lowercasedString,
            "title": text(fields.title),
            "summary": text(fields.summary),
            "need": Format.money(fields.fundingNeededKZT),
            "status": statusName(fields.status),
            "places": Self.shown(fields.regions.map(regionName).joined(separator: ", ")),
            "focus": Self.shown(fields.focusAreas.map(focusName).joined(separator: ", ")),
        ]
    }
}

/// An error summary at the top of a form and messages beside fields, as GOV.UK does it.
struct FieldErrors {
    private(set) var items: [(field: String, message: String)] = []

    var isEmpty: Bool { items.isEmpty }

    mutating func add(_ field: String, _ message: String) {
        guard !items.contains(where: { $0.field == field }) else { return }
        items.append((field, message))
    }

    /// What templates read: `errors.summary` (a list) and `errors.<field>` (one message).
    /// The first message for `field`, if any.
    func message(for field: String) -> String? { items.first { $0.field == field }?.message }

    var view: [String: Any] {
        var view: [String: Any] = ["any": !items.isEmpty, "summary": items.map { ["field": $0.field, "message": $0.message] }]
        for item in items { view[item.field] = item.message }
        return view
    }
}

extension Vocabulary {
    /// The places an edit form keeps (each stored one still ticked, `place_<code>`) and the one it
    /// adds (`region`, and optionally one of its `district`s, which may come without its region),
    /// an unknown or mismatched code named beside its field.
    func editedPlaces(_ stored: [String], form: FormData, errors: inout FieldErrors) -> [String] {
        var places = stored.filter { form["place_\($0)"] == "1" }
        var region = form["region"]
        let district = form["district"]
        if region.isEmpty, !district.isEmpty {
            guard let parent = snapshot.unit(district)?.parentKATO else {
                errors.add("district", t("issue_project_district"))
                return places
            }
            region = parent
        }
        guard !region.isEmpty else { return places }
        if snapshot.unit(region) == nil || snapshot.unit(region)?.parentKATO != nil {
            errors.add("region", t("issue_project_region"))
        } else if !district.isEmpty, snapshot.unit(district)?.parentKATO != region {
            errors.add("district", t("issue_project_district"))
        } else {
            let added = district.isEmpty ? region : district
            if !places.contains(added) { places.append(added) }
        }
        return places
    }
}
