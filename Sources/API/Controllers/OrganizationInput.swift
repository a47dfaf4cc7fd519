import Foundation
import Domain

/// Reads organization fields from a request body, for creation and for partial updates alike.
enum OrganizationInput {
    static let fields: Set<String> = [
        "kind", "bin", "legal_form", "name", "description", "website", "contact_email", "contact_phone",
        "nationwide", "regions", "focus_areas", "seeking", "annual_csr_budget_kzt", "max_active_partnerships",
        "annual_budget_kzt", "staff_count", "founded_year", "jurisdiction", "level",
    ]

    // A quadrillion tenge: far above any budget, and sums of many stay within Int64.
    static let maxBudgetKZT: Int64 = 1_000_000_000_000_000

    /// A new organization from a complete body.
    static func draft(from object: [String: JSONValue]) throws -> OrganizationDraft {
        let issues = IssueCollector()
        let reader = ObjectReader(object, issues: issues)
        reader.rejectUnknownKeys(fields)
        reader.requirePresent("kind", "bin", "legal_form", "name")
        let kind = reader.enumeration("kind", OrganizationKind.self)
        var draft = OrganizationDraft(kind: kind ?? .ngo, bin: "", legalForm: "", name: LocalizedText())
        apply(reader, to: &draft)
        if kind != nil, !issues.issues.isEmpty {
            // Report the cross-field rules too, so one round trip shows every problem.
            let reported = Set(issues.issues.map(\.field))
            for issue in OrganizationRules.issues(draft) where !reported.contains(issue.field) {
                issues.add(issue.field, issue.code, issue.message)
            }
        }
        try issues.throwIfAny()
        return draft
    }

    /// A merge patch (RFC 7396): present fields replace, null clears, nested names merge.
    static func patch(_ object: [String: JSONValue]) -> @Sendable (inout OrganizationDraft) throws -> Void {
        { draft in
            let issues = IssueCollector()
            let reader = ObjectReader(object, issues: issues)
            reader.rejectUnknownKeys(fields)
            if reader.has("kind") {
                let kind = reader.enumeration("kind", OrganizationKind.self)
                if reader.isNull("kind") || (kind != nil && kind != draft.kind) {
                    issues.add("kind", "immutable", "The kind of an organization cannot change.")
                }
            }
            apply(reader, to: &draft)
            try issues.throwIfAny()
        }
    }

    private static func apply(_ reader: ObjectReader, to draft: inout OrganizationDraft) {
        let issues = reader.issues
        if reader.has("bin") {
            if let bin = reader.string("bin", maxLength: 12) { draft.bin = bin } else { reader.rejectNull("bin") }
        }
        if reader.has("legal_form") {
            if let form = reader.string("legal_form", maxLength: 64).flatMap({ TextRules.code($0, field: "legal_form", issues: issues) }) {
                draft.legalForm = form
            } else { reader.rejectNull("legal_form") }
        }
        if reader.has("name") {
            if let name = reader.object("name") {
                LocalizedInput.merge(name, into: &draft.name, maxLength: 300)
            } else { reader.rejectNull("name") }
        }
        if reader.has("description") { draft.description = reader.string("description", maxLength: 5000, allowEmpty: true) ?? "" }
        if reader.has("website") { draft.website = reader.string("website", maxLength: 300).flatMap { ContactRules.website($0, issues: issues) } }
        if reader.has("contact_email") {
            draft.contactEmail = reader.string("contact_email", maxLength: 254).flatMap { ContactRules.email($0, issues: issues) }
        }
        if reader.has("contact_phone") {
            draft.contactPhone = reader.string("contact_phone", maxLength: 32).flatMap { ContactRules.phone($0, issues: issues) }
        }
        if reader.has("nationwide") { draft.nationwide = reader.bool("nationwide") ?? false }
        if reader.has("regions") { draft.regions = regionList(reader, "regions") }
        if reader.has("focus_areas") { draft.focusAreas = codeList(reader, "focus_areas") }
        if reader.has("seeking") { draft.seeking = codeList(reader, "seeking") }
        if reader.has("annual_csr_budget_kzt") { draft.annualCSRBudgetKZT = reader.integer("annual_csr_budget_kzt", in: 0...maxBudgetKZT) }
        if reader.has("max_active_partnerships") { draft.maxActivePartnerships = reader.integer("max_active_partnerships", in: 0...10_000).map(Int.init) }
        if reader.has("annual_budget_kzt") { draft.annualBudgetKZT = reader.integer("annual_budget_kzt", in: 0...maxBudgetKZT) }
        if reader.has("staff_count") { draft.staffCount = reader.integer("staff_count", in: 0...10_000_000).map(Int.init) }
        if reader.has("founded_year") { draft.foundedYear = reader.integer("founded_year", in: 1900...2100).map(Int.init) }
        if reader.has("jurisdiction") {
            draft.jurisdiction = reader.string("jurisdiction", maxLength: 9).flatMap { TextRules.kato($0, field: "jurisdiction", issues: issues) }
        }
        if reader.has("level") { draft.level = reader.enumeration("level", GovernmentLevel.self) }
    }

    static func regionList(_ reader: ObjectReader, _ key: String) -> [String] {
        reader.strings(key, maxCount: 50) { TextRules.kato($0, field: $1, issues: reader.issues) } ?? []
    }

    static func codeList(_ reader: ObjectReader, _ key: String) -> [String] {
        reader.strings(key, maxCount: 32) { TextRules.code($0, field: $1, issues: reader.issues) } ?? []
    }
}

/// kk/ru/en text objects.
enum LocalizedInput {
    static func merge(_ reader: ObjectReader, into text: inout LocalizedText, maxLength: Int) {
        reader.rejectUnknownKeys(["kk", "ru", "en"])
        if reader.has("kk") { text.kk = reader.string("kk", maxLength: maxLength) }
        if reader.has("ru") { text.ru = reader.string("ru", maxLength: maxLength) }
        if reader.has("en") { text.en = reader.string("en", maxLength: maxLength) }
    }
}

enum ContactRules {
    static func email(_ text: String, issues: IssueCollector) -> String? {
        guard ContactFormat.isEmail(text) else {
            issues.add("contact_email", "invalid_email", "contact_email must be an e-mail address such as info@example.kz.")
            return nil
        }
        return text
    }

    static func phone(_ text: String, issues: IssueCollector) -> String? {
        guard ContactFormat.isPhone(text) else {
            issues.add("contact_phone", "invalid_phone", "contact_phone must be a phone number such as +7 701 234 56 78.")
            return nil
        }
        return text
    }

    static func website(_ text: String, issues: IssueCollector) -> String? {
        guard ContactFormat.isWebsite(text) else {
            issues.add("website", "invalid_url", "website must be an http or https address.")
            return nil
        }
        return text
    }
}
