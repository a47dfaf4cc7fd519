import Domain
import Postgres

/// Checks codes against the reference tables inside the caller's transaction.
enum ReferenceCheck {
    struct Codes {
        var regions: [String] = []
        var focusAreas: [(field: String, codes: [String])] = []
        var legalForm: (code: String, kind: OrganizationKind)?
        var jurisdiction: String?
    }

    static func issues(for codes: Codes, regionsField: String = "regions", on connection: Connection) throws -> [FieldIssue] {
        let allFocusAreas = codes.focusAreas.flatMap(\.codes)
        let row = try connection.query(
            """
            SELECT
                ARRAY(SELECT wanted FROM unnest($1::text[]) AS wanted WHERE NOT EXISTS (SELECT 1 FROM regions WHERE kato = wanted)),
                ARRAY(SELECT wanted FROM unnest($2::text[]) AS wanted WHERE NOT EXISTS (SELECT 1 FROM focus_areas WHERE code = wanted)),
                (SELECT organization_kind FROM legal_forms WHERE code = $3)
            """,
            [codes.regions + [codes.jurisdiction].compactMap { $0 }, allFocusAreas, codes.legalForm?.code]
        ).first
        guard let row else { return [] }
        let unknownRegions = Set(try row.decode([String].self, at: 0))
        let unknownFocusAreas = Set(try row.decode([String].self, at: 1))
        var issues: [FieldIssue] = []
        for (index, code) in codes.regions.enumerated() where unknownRegions.contains(code) {
            issues.append(FieldIssue(field: "\(regionsField)[\(index)]", code: "unknown_region", message: "No region has KATO code \(code)."))
        }
        if let jurisdiction = codes.jurisdiction, unknownRegions.contains(jurisdiction) {
            issues.append(FieldIssue(field: "jurisdiction", code: "unknown_region", message: "No region has KATO code \(jurisdiction)."))
        }
        for (field, list) in codes.focusAreas {
            for (index, code) in list.enumerated() where unknownFocusAreas.contains(code) {
                issues.append(FieldIssue(field: "\(field)[\(index)]", code: "unknown_focus_area", message: "No focus area has code \(code)."))
            }
        }
        if let (code, kind) = codes.legalForm {
            let formKind: String? = try row.decode(String?.self, at: 2)
            if formKind == nil {
                issues.append(FieldIssue(field: "legal_form", code: "unknown_legal_form", message: "No legal form has code \(code)."))
            } else if formKind != kind.rawValue {
                issues.append(FieldIssue(
                    field: "legal_form", code: "legal_form_mismatch",
                    message: "Legal form \(code) is for \(formKind ?? "") organizations, not \(kind.rawValue)."
                ))
            }
        }
        return issues
    }
}
