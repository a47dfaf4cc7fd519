import Domain
import Foundation
import Matching
import Storage
import Testing
@testable import API

/// Match lists and the resources are written by hand (JSONBytes); they must read as JSONEncoder
/// would write them.
@Suite struct JSONBytesTests {
    func partner(_ name: String, jurisdiction: String?) -> PartnerSummary {
        var profile = PartnerProfile(id: UUID(uuidString: "626b79a6-811f-4a7c-9bc9-ee21c9df2280")!, kind: jurisdiction == nil ? .business : .governmentBody)
        profile.nationwide = jurisdiction == nil
        profile.regions = ["150000000", "750000000"]
        profile.jurisdiction = jurisdiction
        return PartnerSummary(PartnerCandidate(profile: profile, name: LocalizedText(ru: name, en: "Ertis / \"North\""), text: 0))
    }

    func project(_ title: String) -> ProjectSummary {
        let owner = PartnerProfile(id: UUID(uuidString: "00000000-0000-0000-0000-000000000001")!, kind: .ngo)
        let profile = ProjectProfile(
            id: UUID(uuidString: "51e844e8-2e2b-442d-b8be-d8ec325d42f7")!, organizationID: owner.id, focusAreas: ["inclusion", "sport"],
            regions: [], fundingNeededKZT: 20_000_000, pledgedKZT: 20_000_000
        )
        return ProjectSummary(ProjectCandidate(
            profile: profile, status: .open, title: LocalizedText(kk: title), owner: owner, ownerName: LocalizedText(), text: 0
        ))
    }

    var list: MatchList {
        let reason = ReasonResource(component: "focus", direction: "sponsor_to_project", code: "shared_focus", text: "Общее: \\ 50%\n\t\u{1}😀")
        let direction = DirectionResource(direction: "sponsor_to_project", score: 0.8089, components: [
            ComponentResource(component: "focus", value: 1, weight: 0.35, reason: reason),
            ComponentResource(component: "text", value: 0.0001, weight: 0.1, reason: reason),
            ComponentResource(component: "resources", value: 0, weight: 0.2, reason: reason),
        ])
        let items = [
            MatchItem(rank: 1, score: 0.9, organization: partner("Эртис", jurisdiction: nil), project: nil, sponsor: nil, governmentBody: nil,
                      forProject: project("Шеберхана"), exposureFactor: 0.9941, directions: [direction, direction], reasons: ["a/b", "ә"]),
            MatchItem(rank: 2, score: 0.123456, organization: nil, project: project(""), sponsor: partner("", jurisdiction: "550000000"),
                      governmentBody: partner("Акимат", jurisdiction: "550000000"), forProject: nil, exposureFactor: 1, directions: [], reasons: []),
        ]
        return MatchList(language: "ru", items: items, notice: nil)
    }

    @Test func aWrittenListReadsAsTheEncodersAndHasTheSameBytes() throws {
        for list in [list, MatchList(language: "kk", items: [], notice: "Жоба ашық емес.")] {
            let written = Data(JSONBytes.written(list))
            let encoded = try JSONBody.encoder.encode(list)
            let parsedWritten = try JSONSerialization.jsonObject(with: written) as? NSDictionary
            let parsedEncoded = try JSONSerialization.jsonObject(with: encoded) as? NSDictionary
            #expect(parsedWritten != nil && parsedWritten == parsedEncoded)
            #expect(String(decoding: written, as: UTF8.self) == String(decoding: encoded, as: UTF8.self))
        }
    }

    func expectSameBytes(_ value: some Encodable & JSONBytesWritable, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let written = String(decoding: JSONBytes.written(value), as: UTF8.self)
        let encoded = String(decoding: try JSONBody.encoder.encode(value), as: UTF8.self)
        #expect(written == encoded, sourceLocation: sourceLocation)
    }

    /// Timestamps as PostgreSQL gives them (whole microseconds) and as Swift makes them (any Double),
    /// from 1600 to 9000: Foundation writes dates before 1582 in the Julian calendar, and ASAR's
    /// timestamps are all set by the server's clock.
    func dates(_ generator: inout SystemRandomNumberGenerator) -> [Date] {
        let microseconds = Int64.random(in: -11_670_000_000_000_000...221_800_000_000_000_000, using: &generator)
        return [
            Date(timeIntervalSince1970: Double(microseconds) / 1_000_000),
            Date(timeIntervalSince1970: Double.random(in: -11_670_000_000...221_800_000_000, using: &generator)),
        ]
    }

    @Test func organizationsAndProjectsAreWrittenAsTheEncoderWritesThem() throws {
        var generator = SystemRandomNumberGenerator()
        let id = UUID(uuidString: "626b79a6-811f-4a7c-9bc9-ee21c9df2280")!
        var full = OrganizationDraft(kind: .governmentBody, bin: "123456789012", legalForm: "state_institution", name: LocalizedText(kk: "Әкімдік", ru: "Акимат \"Север\"", en: "Akimat / North"))
        full.description = "Line one\nline two\t\u{1}😀"
        full.website = "https://example.kz/a/b"
        full.contactEmail = "office@example.kz"
        full.contactPhone = "+77010000000"
        full.nationwide = true
        full.regions = ["750000000", "751110000"]
        full.focusAreas = ["education", "health"]
        full.seeking = ["sport"]
        full.annualCSRBudgetKZT = 5_000_000_000
        full.maxActivePartnerships = 3
        full.annualBudgetKZT = 12
        full.staffCount = 40
        full.foundedYear = 1997
        full.jurisdiction = "750000000"
        full.level = .city
        var contactless = full
        contactless.contactEmail = nil
        let bare = OrganizationDraft(kind: .ngo, bin: "000000000000", legalForm: "public_association", name: LocalizedText(ru: "Фонд"))
        for _ in 0..<200 {
            let times = dates(&generator) + dates(&generator)
            for (fields, showContact) in [(full, true), (contactless, true), (full, false), (bare, false)] {
                let organization = Organization(
                    id: id, fields: fields, verification: .verified, active: fields.website == nil,
                    deactivatedAt: fields.website == nil ? nil : times[0], createdAt: times[1], updatedAt: times[2]
                )
                try expectSameBytes(OrganizationResource(organization, showContact: showContact))
            }
            var project = ProjectDraft(organizationID: id, title: LocalizedText(kk: "Шеберхана", en: "Workshop"), fundingNeededKZT: 20_000_000, durationMonths: 12)
            let bareProject = Project(id: id, fields: project, createdAt: times[3], updatedAt: times[0])
            project.summary = LocalizedText(ru: "Кратко: \"да\"")
            project.focusAreas = ["inclusion", "sport"]
            project.regions = ["150000000"]
            project.inKindNeeds = ["premises", "a/b"]
            project.beneficiaries = 250
            project.status = .open
            let fullProject = Project(id: id, fields: project, createdAt: times[2], updatedAt: times[3])
            try expectSameBytes(ProjectResource(bareProject))
            try expectSameBytes(PageResource(items: [ProjectResource(bareProject), ProjectResource(fullProject)], nextCursor: "abc/def"))
            try expectSameBytes(PageResource(items: [ProjectResource](), nextCursor: nil))
        }
    }
}
