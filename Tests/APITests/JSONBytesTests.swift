import Domain
import Foundation
import Matching
import Storage
import Testing
@testable import API

/// Match lists are written by hand (JSONBytes); they must read as JSONEncoder would write them.
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
}
