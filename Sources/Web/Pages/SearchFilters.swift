import Domain
import Foundation
import Hummingbird
import Storage
import UseCases

/// The filters of the organization and project lists, read from the page's query string with
/// the same meaning as the API's, and written back into links (next page, CSV, JSON, language).
struct SearchFilters {
    var q = ""
    var kind: OrganizationKind?
    var status: ProjectStatus?
    var region = ""
    var district = ""
    var focus = ""
    var minNeed: Int64?
    var maxNeed: Int64?
    var cursor: PageCursor?
    /// Field name → message key, for values that could not be read.
    var errors: [(field: String, key: String)] = []

    static let pageSize = 20

    init(_ request: Request, reference: ReferenceData.Snapshot) {
        let query = FormData.query(of: request)
        func value(_ name: String) -> String {
            query[name].map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        }
        q = String(value("q").prefix(200))
        let kindText = value("kind")
        if !kindText.isEmpty {
            kind = OrganizationKind(rawValue: kindText)
            if kind == nil { errors.append(("kind", "filter_error_kind")) }
        }
        let statusText = value("status")
        if !statusText.isEmpty {
            status = ProjectStatus(rawValue: statusText)
            if status == nil || status == .draft { status = nil; errors.append(("status", "filter_error_status")) }
        }
        region = value("region")
        if !region.isEmpty, !reference.regionCodes.contains(region) {
            errors.append(("region", "filter_error_region")); region = ""
        }
        district = value("district")
        if !district.isEmpty, !reference.regionCodes.contains(district) {
            errors.append(("district", "filter_error_region")); district = ""
        }
        focus = value("focus")
        if !focus.isEmpty, !reference.focusAreaCodes.contains(focus) {
            errors.append(("focus", "filter_error_focus")); focus = ""
        }
        for (name, keyPath) in [("min_need", \SearchFilters.minNeed), ("max_need", \SearchFilters.maxNeed)] {
            let text = value(name).replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "\u{202F}", with: "")
            guard !text.isEmpty else { continue }
            if let amount = Int64(text), amount >= 0, amount <= 1_000_000_000_000 {
                self[keyPath: keyPath] = amount
            } else {
                errors.append((name, "filter_error_amount"))
            }
        }
        if let minNeed, let maxNeed, minNeed > maxNeed { errors.append(("max_need", "filter_error_range")) }
        let cursorText = value("cursor")
        if !cursorText.isEmpty {
            cursor = PageCursor(encoded: cursorText)
            if cursor == nil { errors.append(("cursor", "filter_error_cursor")) }
        }
    }

    /// The narrowest place asked for: a district when one is chosen, else the region.
    var place: String? { !district.isEmpty ? district : (region.isEmpty ? nil : region) }

    var organizationFilter: OrganizationFilter {
        var filter = OrganizationFilter()
        filter.kind = kind
        filter.region = place
        filter.focusAreas = focus.isEmpty ? [] : [focus]
        filter.text = TextQuery(q)
        return filter
    }

    var projectFilter: ProjectFilter {
        var filter = ProjectFilter()
        filter.status = status
        filter.region = place
        filter.focusAreas = focus.isEmpty ? [] : [focus]
        filter.text = TextQuery(q)
        filter.minFundingKZT = minNeed
        filter.maxFundingKZT = maxNeed
        return filter
    }

    /// The page's own parameters, without the cursor, in a stable order.
    var pageParameters: [(String, String)] {
        var pairs: [(String, String)] = []
        if !q.isEmpty { pairs.append(("q", q)) }
        if let kind { pairs.append(("kind", kind.rawValue)) }
        if let status { pairs.append(("status", status.rawValue)) }
        if !region.isEmpty { pairs.append(("region", region)) }
        if !district.isEmpty { pairs.append(("district", district)) }
        if !focus.isEmpty { pairs.append(("focus", focus)) }
        if let minNeed { pairs.append(("min_need", String(minNeed))) }
        if let maxNeed { pairs.append(("max_need", String(maxNeed))) }
        return pairs
    }

    /// The same filters in the API's names, for the JSON download.
    var apiParameters: [(String, String)] {
        var pairs: [(String, String)] = []
        if !q.isEmpty { pairs.append(("q", q)) }
        if let kind { pairs.append(("kind", kind.rawValue)) }
        if let status { pairs.append(("status", status.rawValue)) }
        if let place { pairs.append(("region", place)) }
        if !focus.isEmpty { pairs.append(("focus_area", focus)) }
        if let minNeed { pairs.append(("min_funding", String(minNeed))) }
        if let maxNeed { pairs.append(("max_funding", String(maxNeed))) }
        return pairs
    }

    static func query(_ pairs: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let text = pairs.map { name, value in
            "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
        }.joined(separator: "&")
        return text.isEmpty ? "" : "?" + text
    }
}
