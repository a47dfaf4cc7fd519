import Foundation
import Domain

/// Reads project fields from a request body, for creation and for partial updates alike.
enum ProjectInput {
    static let fields: Set<String> = [
        "organization_id", "title", "summary", "focus_areas", "regions", "funding_needed_kzt",
        "in_kind_needs", "duration_months", "beneficiaries", "status",
    ]

    static func draft(from object: [String: JSONValue]) throws -> ProjectDraft {
        let issues = IssueCollector()
        let reader = ObjectReader(object, issues: issues)
        reader.rejectUnknownKeys(fields)
        reader.requirePresent("organization_id", "title", "regions", "funding_needed_kzt", "duration_months")
        let organizationID = reader.uuid("organization_id")
        var draft = ProjectDraft(organizationID: organizationID ?? UUID(), title: LocalizedText(), fundingNeededKZT: 0, durationMonths: 1)
        apply(reader, to: &draft)
        try issues.throwIfAny()
        return draft
    }

    static func patch(_ object: [String: JSONValue]) -> @Sendable (inout ProjectDraft) throws -> Void {
        { draft in
            let issues = IssueCollector()
            let reader = ObjectReader(object, issues: issues)
            reader.rejectUnknownKeys(fields)
            if reader.has("organization_id") {
                let id = reader.uuid("organization_id")
                if reader.isNull("organization_id") || (id != nil && id != draft.organizationID) {
                    issues.add("organization_id", "immutable", "A project cannot move to another organization.")
                }
            }
            apply(reader, to: &draft)
            try issues.throwIfAny()
        }
    }

    private static func apply(_ reader: ObjectReader, to draft: inout ProjectDraft) {
        if reader.has("title") {
            if let title = reader.object("title") { LocalizedInput.merge(title, into: &draft.title, maxLength: 300) } else { reader.rejectNull("title") }
        }
        if reader.has("summary") {
            if let summary = reader.object("summary") {
                LocalizedInput.merge(summary, into: &draft.summary, maxLength: 5000)
            } else { draft.summary = LocalizedText() }
        }
        if reader.has("focus_areas") { draft.focusAreas = OrganizationInput.codeList(reader, "focus_areas") }
        if reader.has("regions") { draft.regions = OrganizationInput.regionList(reader, "regions") }
        if reader.has("funding_needed_kzt") {
            if let amount = reader.integer("funding_needed_kzt", in: 0...OrganizationInput.maxBudgetKZT) { draft.fundingNeededKZT = amount }
            else { reader.rejectNull("funding_needed_kzt") }
        }
        if reader.has("in_kind_needs") {
            draft.inKindNeeds = reader.strings("in_kind_needs", maxCount: 20) {
                TextRules.check($0, field: $1, maxLength: 200, issues: reader.issues)
            } ?? []
        }
        if reader.has("duration_months") {
            if let months = reader.integer("duration_months", in: 1...36) { draft.durationMonths = Int(months) }
            else { reader.rejectNull("duration_months") }
        }
        if reader.has("beneficiaries") { draft.beneficiaries = reader.integer("beneficiaries", in: 0...100_000_000).map(Int.init) ?? 0 }
        if reader.has("status") {
            if let status = reader.enumeration("status", ProjectStatus.self) { draft.status = status } else { reader.rejectNull("status") }
        }
    }
}
