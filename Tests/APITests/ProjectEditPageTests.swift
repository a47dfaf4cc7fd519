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

                // Someone else's project is not theirs to edit.
                var business = try await PartnershipPageTests.signedIn(client, "owner@business.example.kz")
                #expect(try await business.get(path).status == .forbidden)
            }
        }
    }
}
