import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Storage
import Testing
import TestSupport
import UseCases

/// Editing a project in the browser: three languages, several places and focus areas; errors
/// beside the fields; a project partnerships rest on keeps its places.
@Suite struct ProjectEditPageTests {
    @Test func anNGOEditsItsProjectInThreeLanguagesAndSeveralPlaces() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                try await PartnershipPageTests.people(database, world: world)
                let project = try await world.openProject()
                let path = "/workspace/projects/\(project.lowercasedString)/edit"
                var owner = try await PartnershipPageTests.signedIn(client, "owner@ngo.example.kz")
                let form = String(buffer: try await owner.get(path).body)
                #expect(form.contains(#"name="title_ru" lang="ru" maxlength="300" value="Мастерская""#))
                #expect(form.contains(#"id="focus_inclusion" name="focus_inclusion" value="1" checked"#))

                let fields = [
                    ("title_kk", "Шеберхана"), ("title_ru", "Мастерская"), ("title_en", "Workshop"),
                    ("description_en", "Carpentry for teenagers"), ("place_550000000", "1"), ("region", "750000000"), ("district", ""),
                    ("focus_inclusion", "1"), ("focus_education", "1"), ("funding_needed_kzt", "25 000 000"), ("duration_months", "18"), ("beneficiaries", "40"),
                ]
                let none = try await owner.post(path, fields.filter { !$0.0.hasPrefix("focus_") })
                #expect(none.status == .unprocessableContent)
                #expect(String(buffer: none.body).contains("-error\""))
                let saved = try await owner.post(path, fields)
                #expect(saved.status == .seeOther)
                let stored = try await ProjectRepository(pool: database.pool).find(project).fields
                #expect(stored.title == LocalizedText(kk: "Шеберхана", ru: "Мастерская", en: "Workshop"))
                #expect(stored.regions == ["550000000", "750000000"] && stored.focusAreas == ["education", "inclusion"])
                #expect(stored.fundingNeededKZT == 25_000_000 && stored.durationMonths == 18)

                // A district chosen without its region adds the district (Aksu City, in Pavlodar Region).
                let kept = fields.map { $0.0 == "region" ? ("region", "") : $0 } + [("place_750000000", "1")]
                let district = try await owner.post(path, kept.map { $0.0 == "district" ? ("district", "551600000") : $0 })
                #expect(district.status == .seeOther)
                #expect(try await ProjectRepository(pool: database.pool).find(project).fields.regions.contains("551600000"))

                // Someone else's project is not theirs to edit.
                var business = try await PartnershipPageTests.signedIn(client, "owner@business.example.kz")
                #expect(try await business.get(path).status == .forbidden)
            }
        }
    }

    @Test func aNeedBelowWhatPartnershipsPledgedIsRefusedBesideItsField() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                try await PartnershipPageTests.people(database, world: world)
                let partnership = try await world.partnership(in: .approved, pledge: 10_000_000)
                let project = try await Services(pool: database.pool, matching: MatchingConfiguration()).partnerships.find(partnership, by: .admin).projectID
                let path = "/workspace/projects/\(project.lowercasedString)/edit"
                var owner = try await PartnershipPageTests.signedIn(client, "owner@ngo.example.kz")
                func fields(need: String) -> [(String, String)] {
                    [
                        ("title_ru", "Мастерская"), ("place_550000000", "1"), ("region", ""), ("district", ""), ("focus_inclusion", "1"),
                        ("funding_needed_kzt", need), ("duration_months", "12"), ("beneficiaries", "0"),
                    ]
                }
                let below = try await owner.post(path, fields(need: "9 999 999"))
                let page = String(buffer: below.body)
                #expect(below.status == .unprocessableContent)
                #expect(page.contains(#"id="funding_needed_kzt-error">Partnerships have already pledged more"#), "\(page)")
                #expect(page.contains(#"value="9 999 999""#), "what was typed is kept")
                #expect(try await ProjectRepository(pool: database.pool).find(project).fields.fundingNeededKZT == 20_000_000)
                #expect(try await owner.post(path, fields(need: "10 000 000")).status == .seeOther)
                #expect(try await ProjectRepository(pool: database.pool).find(project).fields.fundingNeededKZT == 10_000_000)
            }
        }
    }
}
