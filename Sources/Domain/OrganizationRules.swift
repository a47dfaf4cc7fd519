/// Rules an organization's fields must satisfy together, whatever the database says.
public enum OrganizationRules {
    public static func issues(_ draft: OrganizationDraft) -> [FieldIssue] {
        var issues: [FieldIssue] = []
        func notApplicable(_ field: String) {
            issues.append(FieldIssue(
                field: field, code: "not_applicable",
                message: "\(field) does not apply to \(draft.kind.rawValue) organizations."
            ))
        }
        if !BIN.isValid(draft.bin) {
            issues.append(FieldIssue(field: "bin", code: "invalid_bin", message: "A BIN is 12 digits ending in a valid check digit."))
        }
        if draft.name.isEmpty {
            issues.append(FieldIssue(field: "name", code: "required", message: "Give the name in at least one of kk, ru, en."))
        }
        if !draft.nationwide && draft.regions.isEmpty {
            issues.append(FieldIssue(field: "regions", code: "required", message: "List the regions it works in, or set nationwide to true."))
        }
        if draft.kind != .business {
            if draft.annualCSRBudgetKZT != nil { notApplicable("annual_csr_budget_kzt") }
            if draft.maxActivePartnerships != nil { notApplicable("max_active_partnerships") }
        }
        if draft.kind != .ngo {
            if draft.annualBudgetKZT != nil { notApplicable("annual_budget_kzt") }
            if draft.staffCount != nil { notApplicable("staff_count") }
            if draft.foundedYear != nil { notApplicable("founded_year") }
        }
        if draft.kind == .governmentBody {
            if draft.jurisdiction == nil {
                issues.append(FieldIssue(field: "jurisdiction", code: "required", message: "A government body needs the KATO code of its jurisdiction."))
            }
            if draft.level == nil {
                issues.append(FieldIssue(field: "level", code: "required", message: "A government body needs its level: region, city, district or national."))
            }
        } else {
            if draft.jurisdiction != nil { notApplicable("jurisdiction") }
            if draft.level != nil { notApplicable("level") }
        }
        return issues
    }
}
