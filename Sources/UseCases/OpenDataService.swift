import Domain
import Foundation
import Storage

/// Open data: funded partnerships as a 360Giving package and as CSV, and the public registries of
/// organizations and projects as CSV. Only what is public today goes out, whoever asks: partnerships
/// past approval, active organizations without contacts, projects that are not drafts.
public struct OpenDataService: Sendable {
    let openData: OpenDataRepository
    let reference: ReferenceData

    public init(openData: OpenDataRepository, reference: ReferenceData) {
        self.openData = openData
        self.reference = reference
    }

    /// Every file is published under CC BY 4.0.
    public static let license = "https://creativecommons.org/licenses/by/4.0/"
    public static let licenseName = "CC BY 4.0"
    /// The 360Giving schema version the package follows.
    public static let schemaVersion = "1.4"

    /// One downloadable file.
    public struct File: Sendable {
        public let data: Data
        /// `application/json; charset=utf-8` or `text/csv; charset=utf-8; header=present`.
        public let contentType: String
        /// A stable file name for Content-Disposition.
        public let filename: String
        /// The latest change of the rows it holds (now, when it holds none).
        public let modified: Date
        public let license: String
    }

    /// When each file last changed, for the open-data page, without building the files.
    public func modified(by caller: Caller) async throws -> OpenDataModified {
        try await openData.modified()
    }

    // MARK: - 360Giving

    /// Funded partnerships as a 360Giving 1.4 package, names in `language` (falling back to the others).
    public func grantsPackage(language: Language = .ru, by caller: Caller) async throws -> File {
        let grants = try await openData.grants()
        let snapshot = try await reference.snapshot()
        let modified = grants.map(\.partnership.updatedAt).max() ?? Date()
        let issued = Date()
        let package: [String: Any] = [
            "version": Self.schemaVersion,
            "title": "ASAR: funded partnerships of NGOs, businesses and government bodies in Kazakhstan",
            "description": "Partnerships approved by a government body on ASAR: the business funds the NGO's project. "
                + "Organisation ids are KZ-BIN-<BIN>; locations are KATO codes (geoCodeType KATO). "
                + "The extension field asarGovernmentPartner names the approving government body; asarState is the partnership's current state.",
            "issued": Self.timestamp(issued),
            "modified": Self.timestamp(modified),
            "publisher": ["name": "ASAR"],
            "license": Self.license,
            "grants": grants.map { Self.grant($0, language: language, snapshot: snapshot) },
        ]
        let data = try JSONSerialization.data(withJSONObject: package, options: [.sortedKeys, .withoutEscapingSlashes])
        return File(
            data: data, contentType: "application/json; charset=utf-8", filename: "asar-grants.json",
            modified: modified, license: Self.license
        )
    }

    static func grant(_ grant: OpenDataGrant, language: Language, snapshot: ReferenceData.Snapshot) -> [String: Any] {
        let partnership = grant.partnership
        func organization(_ party: PortalParty) -> [String: Any] {
            ["id": orgID(party), "name": party.name.preferred(language)]
        }
        let title = partnership.projectTitle.preferred(language)
        let summary = grant.projectSummary.preferred(language)
        var fields: [String: Any] = [
            "id": "360G-ASAR-\(partnership.id.lowercasedString)",
            "title": title,
            "description": summary.isEmpty ? title : summary,
            "currency": "KZT",
            "amountAwarded": partnership.pledgeKZT,
            "awardDate": day(partnership.decidedAt ?? partnership.updatedAt),
            "dateModified": timestamp(partnership.updatedAt),
            "recipientOrganization": [organization(partnership.ngo)],
            "fundingOrganization": Self.funders(of: partnership).map(organization),
            "fromOpenCall": partnership.callID == nil ? "No" : "Yes",
            "beneficiaryLocation": partnership.projectRegions.map { code -> [String: Any] in
                var location: [String: Any] = ["geoCode": code, "geoCodeType": "KATO", "countryCode": "KZ"]
                if let unit = snapshot.unit(code) { location["name"] = unit.name.preferred(language) }
                return location
            },
            "asarGovernmentPartner": [organization(partnership.governmentBody)],
            "asarState": partnership.state.rawValue,
            "asarPartnershipId": partnership.id.lowercasedString,
        ]
        if let callID = partnership.callID {
            fields["grantProgramme"] = [["code": "ASAR-CALL-\(callID.lowercasedString)", "title": partnership.callTitle?.preferred(language) ?? ""]]
            fields["asarFunderShares"] = partnership.funders.map { funder -> [String: Any] in
                ["organization": organization(funder.party), "role": funder.role.rawValue, "amount": funder.amountKZT]
            }
        }
        if partnership.disbursedKZT > 0 { fields["amountDisbursed"] = partnership.disbursedKZT }
        if !grant.focusAreas.isEmpty {
            fields["classifications"] = grant.focusAreas.map { code -> [String: Any] in
                var classification: [String: Any] = ["vocabulary": "ASAR focus areas", "code": code]
                if let area = snapshot.focusAreas.first(where: { $0.code == code }) { classification["title"] = area.name.preferred(language) }
                return classification
            }
        }
        return fields
    }

    static func orgID(_ party: PortalParty) -> String { "KZ-BIN-\(party.bin)" }

    /// Who funds a grant: the business sponsor, or for a call's award the state and every co-funder.
    static func funders(of partnership: PortalPartnership) -> [PortalParty] {
        partnership.business.map { [$0] } ?? partnership.funders.map(\.party)
    }

    // MARK: - CSV

    /// Funded partnerships as CSV, one row per partnership, the same fields as the 360Giving package.
    public func grantsCSV(language: Language = .ru, by caller: Caller) async throws -> File {
        let grants = try await openData.grants()
        let snapshot = try await reference.snapshot()
        var csv = CSV(header: [
            "id", "title", "description", "currency", "amount_awarded", "amount_disbursed", "award_date", "state",
            "recipient_org_id", "recipient_org_name", "funding_org_id", "funding_org_name",
            "government_partner_id", "government_partner_name", "beneficiary_location_kato", "beneficiary_location_name",
            "focus_areas", "date_modified", "grant_programme", "from_open_call",
        ])
        for grant in grants {
            let p = grant.partnership
            let title = p.projectTitle.preferred(language)
            let summary = grant.projectSummary.preferred(language)
            csv.append([
                "360G-ASAR-\(p.id.lowercasedString)", title, summary.isEmpty ? title : summary, "KZT",
                String(p.pledgeKZT), String(p.disbursedKZT), Self.day(p.decidedAt ?? p.updatedAt), p.state.rawValue,
                Self.orgID(p.ngo), p.ngo.name.preferred(language),
                Self.funders(of: p).map(Self.orgID).joined(separator: ";"), Self.funders(of: p).map { $0.name.preferred(language) }.joined(separator: ";"),
                Self.orgID(p.governmentBody), p.governmentBody.name.preferred(language),
                p.projectRegions.joined(separator: ";"),
                p.projectRegions.map { snapshot.unit($0)?.name.preferred(language) ?? $0 }.joined(separator: ";"),
                grant.focusAreas.joined(separator: ";"), Self.timestamp(p.updatedAt),
                p.callTitle?.preferred(language) ?? "", p.callID == nil ? "No" : "Yes",
            ])
        }
        return File(
            data: csv.data, contentType: CSV.contentType, filename: "asar-grants.csv",
            modified: grants.map(\.partnership.updatedAt).max() ?? Date(), license: Self.license
        )
    }

    /// The registry of active organizations: registry facts, never contacts.
    public func organizationsCSV(by caller: Caller) async throws -> File {
        let organizations = try await openData.organizations()
        var csv = CSV(header: [
            "id", "org_id", "kind", "bin", "legal_form", "name_kk", "name_ru", "name_en", "website", "nationwide",
            "regions", "focus_areas", "founded_year", "jurisdiction", "level", "verification", "registered_at", "updated_at",
        ])
        for o in organizations {
            csv.append([
                o.id.lowercasedString, "KZ-BIN-\(o.bin)", o.kind.rawValue, o.bin, o.legalForm,
                o.name.kk ?? "", o.name.ru ?? "", o.name.en ?? "", o.website ?? "", o.nationwide ? "true" : "false",
                o.regions.joined(separator: ";"), o.focusAreas.joined(separator: ";"), o.foundedYear.map(String.init) ?? "",
                o.jurisdiction ?? "", o.level ?? "", o.verification.rawValue, Self.timestamp(o.createdAt), Self.timestamp(o.updatedAt),
            ])
        }
        return File(
            data: csv.data, contentType: CSV.contentType, filename: "asar-organizations.csv",
            modified: organizations.map(\.updatedAt).max() ?? Date(), license: Self.license
        )
    }

    /// Projects that are not drafts, with their need and what is pledged.
    public func projectsCSV(by caller: Caller) async throws -> File {
        let projects = try await openData.projects()
        var csv = CSV(header: [
            "id", "ngo_org_id", "status", "title_kk", "title_ru", "title_en", "summary_kk", "summary_ru", "summary_en",
            "focus_areas", "regions", "funding_needed_kzt", "pledged_kzt", "duration_months", "beneficiaries",
            "created_at", "updated_at",
        ])
        for item in projects {
            let f = item.project.fields
            csv.append([
                item.project.id.lowercasedString, "KZ-BIN-\(item.ngoBIN)", f.status.rawValue,
                f.title.kk ?? "", f.title.ru ?? "", f.title.en ?? "", f.summary.kk ?? "", f.summary.ru ?? "", f.summary.en ?? "",
                f.focusAreas.joined(separator: ";"), f.regions.joined(separator: ";"), String(f.fundingNeededKZT),
                String(item.pledgedKZT), String(f.durationMonths), String(f.beneficiaries),
                Self.timestamp(item.project.createdAt), Self.timestamp(item.project.updatedAt),
            ])
        }
        return File(
            data: csv.data, contentType: CSV.contentType, filename: "asar-projects.csv",
            modified: projects.map(\.project.updatedAt).max() ?? Date(), license: Self.license
        )
    }

    // MARK: - Dates

    /// UTC, to the second: 2026-12-01T05:08:54Z. By hand, as a registry of 100,000 rows writes two per row.
    static func timestamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    /// The calendar day in Kazakhstan (UTC+5), YYYY-MM-DD.
    static func day(_ date: Date) -> String {
        let parts = PortalService.kazakhstanTime.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }
}

/// RFC 4180 CSV: a header row, CRLF line ends, UTF-8, a field quoted when it holds a comma, quote
/// or line break. A text cell that a spreadsheet would run as a formula (starting with = + - @, tab
/// or CR) gets a leading apostrophe.
public struct CSV: Sendable {
    public static let contentType = "text/csv; charset=utf-8; header=present"

    private var text = ""

    public init(header: [String]) {
        append(header)
    }

    public mutating func append(_ fields: [String]) {
        text += fields.map(Self.field).joined(separator: ",")
        text += "\r\n"
    }

    public var data: Data { Data(text.utf8) }

    public static func field(_ value: String) -> String {
        // Bytes, not Characters: every byte tested is ASCII, and a 100,000-row file is mostly fields that need nothing.
        let bytes = value.utf8
        let risky = bytes.first.map { [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 9, 13].contains($0) } ?? false
        let quoted = bytes.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }
        let text = risky ? "'" + value : value
        guard quoted else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
