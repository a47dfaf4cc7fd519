import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Storage
import Testing
import TestSupport
import UseCases

/// The pages of a call's participants through the router: an NGO saves a draft application, is
/// told beside the field what is missing and submits; a business pledges, is refused over its
/// budget beside the amount and withdraws; reviewers score blind until all have scored, then read
/// each other's scores anonymized; a declared conflict takes an assignment off the list.
@Suite struct CallParticipantPageTests {
    /// A published call of the inside akimat's, open now (CallPublicPageTests.terms), the NGO
    /// founded long enough ago for it.
    static func openCall(_ database: TestDatabase, world: AccessWorld) async throws -> (call: Call, services: Services) {
        let services = Services(pool: database.pool, matching: MatchingConfiguration(), accounts: .cheapHashes)
        let akimat = try #require(world.identities["government_inside"])
        try await database.pool.withConnection { try $0.query("UPDATE organizations SET founded_year = 2010 WHERE id = $1", [world.ngo]) }
        let draft = try await services.calls.create(CallPublicPageTests.terms(), governmentBodyID: nil, by: akimat)
        return (try await services.calls.publish(draft.id, ifMatch: nil, by: akimat), services)
    }

    static func project(_ database: TestDatabase, world: AccessWorld, title: String) async throws -> UUID {
        var project = ProjectDraft(organizationID: world.ngo, title: LocalizedText(en: title), fundingNeededKZT: 5_000_000, durationMonths: 6)
        project.regions = ["550000000"]
        project.focusAreas = ["inclusion"]
        project.status = .open
        return try await ProjectRepository(pool: database.pool).create(project).id
    }

    static func query(_ location: String?, _ name: String) -> String? {
        guard let location, let query = location.split(separator: "?").dropFirst().first else { return nil }
        for pair in query.split(separator: "#")[0].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2, parts[0] == name { return parts[1] }
        }
        return nil
    }

    @Test func anNGOSavesADraftIsToldWhatIsMissingAndSubmits() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                try await PartnershipPageTests.people(database, world: world)
                let (call, services) = try await Self.openCall(database, world: world)
                let project = try await Self.project(database, world: world, title: "Inclusive workshop")
                let path = "/workspace/calls/\(call.id.lowercasedString)/apply"
                var owner = try await PartnershipPageTests.signedIn(client, "owner@ngo.example.kz")
                let form = String(buffer: try await owner.get(path).body)
                #expect(form.contains(#"<option value="\#(project.lowercasedString)""#), "the NGO's open project is offered")
                #expect(form.contains("How pressing is the need it answers?"), "the rubric's guidance is shown")
                #expect(form.contains(#"name="answer_1" maxlength="2000""#))
                #expect(form.contains("Years since the NGO was founded, at least: 2."), "the eligibility rules in words")

                var fields: [(String, String)] = [
                    ("project_id", project.lowercasedString), ("amount_kzt", "2 000 000"), ("answer_1", ""),
                    ("indicator_rows", "3"), ("indicator_1_name", "Children attending"), ("indicator_1_unit", "children"),
                    ("indicator_1_baseline", "0"), ("indicator_1_target", "40"), ("reporting_period_days", "90"), ("action", "save"),
                ]
                // Out of the call's limits: named beside the amount, the answers kept.
                let low = try await owner.post(path, fields.map { $0.0 == "amount_kzt" ? ($0.0, "10") : $0 })
                #expect(low.status == .unprocessableContent)
                let lowPage = String(buffer: low.body)
                #expect(lowPage.contains(#"id="amount_kzt-error""#) && lowPage.contains("Children attending"))

                let saved = try await owner.post(path, fields)
                #expect(saved.status == .seeOther)
                let applicationID = try #require(Self.query(saved.headers[.location], "application").flatMap(UUID.init(uuidString:)))
                #expect(Self.query(saved.headers[.location], "done") == "saved")
                let ngo = try #require(world.identities["ngo"])
                let draft = try await services.calls.application(applicationID, by: ngo)
                #expect(draft.state == .draft && draft.draft.amountKZT == 2_000_000 && draft.draft.framework.indicators.map(\.name) == ["Children attending"])

                // Submitting without an answer: the question is named beside its field, nothing typed is lost.
                fields.append(("application", applicationID.lowercasedString))
                let missing = try await owner.post(path, fields.map { $0.0 == "action" ? ($0.0, "submit") : $0 })
                #expect(missing.status == .unprocessableContent)
                let missingPage = String(buffer: missing.body)
                #expect(missingPage.contains(#"<p class="field-error" id="answer_1-error">Answer question 1 before you submit.</p>"#))
                #expect(missingPage.contains(##"href="#answer_1""##), "the error summary links to the field")
                #expect(missingPage.contains(#"value="2 000 000""#) || missingPage.contains(#"value="2000000""#))
                #expect(try await services.calls.application(applicationID, by: ngo).state == .draft)

                // An NGO founded too recently: the failed rule is named at the top, the draft stays a draft.
                try await database.pool.withConnection { try $0.query("UPDATE organizations SET founded_year = 2026 WHERE id = $1", [world.ngo]) }
                let young = try await owner.post(path, fields.map {
                    $0.0 == "action" ? ($0.0, "submit") : $0.0 == "answer_1" ? ($0.0, "Children with disabilities in Pavlodar.") : $0
                })
                #expect(young.status == .unprocessableContent)
                let youngPage = String(buffer: young.body)
                #expect(youngPage.contains(#"<li id="eligibility_years_active">Your NGO was founded too recently for this call"#))
                #expect(youngPage.contains(##"href="#eligibility_years_active""##))
                #expect(try await services.calls.application(applicationID, by: ngo).state == .draft)
                try await database.pool.withConnection { try $0.query("UPDATE organizations SET founded_year = 2010 WHERE id = $1", [world.ngo]) }

                let submitted = try await owner.post(path, fields.map {
                    $0.0 == "action" ? ($0.0, "submit") : $0.0 == "answer_1" ? ($0.0, "Children with disabilities in Pavlodar.") : $0
                })
                #expect(submitted.status == .seeOther && Self.query(submitted.headers[.location], "done") == "submitted")
                #expect(try await services.calls.application(applicationID, by: ngo).state == .submitted)
                let shown = String(buffer: try await owner.get("\(path)?application=\(applicationID.lowercasedString)").body)
                #expect(shown.contains("Withdraw the application") && shown.contains("Children with disabilities in Pavlodar."))
                #expect(!shown.contains(#"name="answer_1""#), "a submitted application reads back, not as a form")

                // Until the call closes it may be changed: it stays submitted, every question still answered.
                #expect(shown.contains("edit=1#application"))
                let editForm = String(buffer: try await owner.get("\(path)?application=\(applicationID.lowercasedString)&edit=1").body)
                #expect(editForm.contains(#"name="answer_1""#) && editForm.contains("Save the changes") && !editForm.contains(#"value="submit""#))
                let version = String(try await services.calls.application(applicationID, by: ngo).version)
                var change = fields.filter { $0.0 != "version" } + [("version", version)]
                let emptied = try await owner.post(path, change.map { $0.0 == "answer_1" ? ($0.0, " ") : $0 })
                #expect(emptied.status == .unprocessableContent && String(buffer: emptied.body).contains(#"id="answer_1-error""#))
                #expect(String(buffer: emptied.body).contains("Save the changes"), "the form stays the submitted application's")
                change = change.map { $0.0 == "answer_1" ? ($0.0, "Children and parents in Pavlodar.") : $0 }
                let changed = try await owner.post(path, change)
                #expect(changed.status == .seeOther && Self.query(changed.headers[.location], "done") == "changed")
                let afterChange = try await services.calls.application(applicationID, by: ngo)
                #expect(afterChange.state == .submitted && afterChange.draft.answers.first == "Children and parents in Pavlodar.")
                let stale = try await owner.post(path, change.map { $0.0 == "answer_1" ? ($0.0, "An older text.") : $0 })
                #expect(stale.status == .conflict, "a form read before the last change does not overwrite it")
                #expect(String(buffer: stale.body).contains("Children and parents in Pavlodar.") && !String(buffer: stale.body).contains("An older text."),
                        "the page shows what is stored now")

                // A business is no applicant.
                var business = try await PartnershipPageTests.signedIn(client, "owner@business.example.kz")
                #expect(try await business.get(path).status == .forbidden)
            }
        }
    }

    @Test func aBusinessPledgesIsRefusedOverBudgetBesideTheAmountAndWithdraws() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                try await PartnershipPageTests.people(database, world: world)
                let (call, services) = try await Self.openCall(database, world: world)
                let path = "/workspace/calls/\(call.id.lowercasedString)/pledge"
                var owner = try await PartnershipPageTests.signedIn(client, "owner@business.example.kz")
                let form = String(buffer: try await owner.get(path).body)
                #expect(form.contains(#"name="focus_inclusion""#) && form.contains(#"name="focus_sport""#))
                #expect(!form.contains(#"name="focus_education""#), "only the call's focus areas")
                #expect(form.contains(#"name="place_551"#), "the districts of the call's region")
                #expect(form.contains(CallPublicPageTests.money(1_000_000_000)), "the budget left")

                let over = try await owner.post(path, [("amount_kzt", "2 000 000 000"), ("focus_inclusion", "1")])
                #expect(over.status == .unprocessableContent)
                let overPage = String(buffer: over.body)
                #expect(overPage.contains(#"<p class="field-error" id="amount_kzt-error">This is more than is left of your budget"#))
                #expect(overPage.contains(#"value="2 000 000 000""#) && overPage.contains(#"id="focus_inclusion" name="focus_inclusion" value="1" checked"#))

                // Check your answers first: nothing is pledged until the business confirms.
                let check = try await owner.post(path, [("amount_kzt", "3 000 000"), ("focus_inclusion", "1")])
                let checkPage = String(buffer: check.body)
                #expect(check.status == .ok && checkPage.contains("Check your pledge") && checkPage.contains("Pledge \(CallPublicPageTests.money(3_000_000))"))
                #expect(checkPage.contains(#"<input type="hidden" name="focus_inclusion" value="1">"#))
                #expect(try await services.calls.pledges(of: call.id, by: .admin).isEmpty)
                let made = try await owner.post(path, [("amount_kzt", "3000000"), ("focus_inclusion", "1"), ("action", "confirm")])
                #expect(made.status == .seeOther)
                let pledges = try await services.calls.pledges(of: call.id, by: .admin)
                let pledge = try #require(pledges.first)
                #expect(pledges.count == 1 && pledge.amountKZT == 3_000_000 && pledge.earmarkFocusAreas == ["inclusion"])
                let listed = String(buffer: try await owner.get(path).body)
                #expect(listed.contains(#"action="/workspace/pledges/\#(pledge.id.lowercasedString)/withdraw""#))

                let withdrawn = try await owner.post("/workspace/pledges/\(pledge.id.lowercasedString)/withdraw", [("call", call.id.lowercasedString)])
                #expect(withdrawn.status == .seeOther)
                #expect(try await services.calls.pledges(of: call.id, by: .admin).first?.withdrawnAt != nil)

                // An NGO pledges nothing.
                var ngo = try await PartnershipPageTests.signedIn(client, "owner@ngo.example.kz")
                #expect(try await ngo.get(path).status == .forbidden)
            }
        }
    }

    @Test func reviewersScoreBlindThenReadEachOtherAnonymizedAndADeclaredConflictLeavesTheList() async throws {
        try await TestDatabase.with { database in
            try await withService(database, testHooks: true) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                let (call, services) = try await Self.openCall(database, world: world)
                let akimat = try #require(world.identities["government_inside"])
                let ngo = try #require(world.identities["ngo"])
                var applications: [UUID] = []
                for title in ["Inclusive workshop", "Sport for all"] {
                    let project = try await Self.project(database, world: world, title: title)
                    let draft = try await services.calls.apply(
                        to: call.id, CallApplicationDraft(projectID: project, amountKZT: 2_000_000, answers: ["Children."]), by: ngo
                    )
                    applications.append(try await services.calls.submit(draft.id, ifMatch: nil, by: ngo).id)
                }
                var reviewers: [UUID] = []
                for (email, name) in [("aigerim@review.example.kz", "Aigerim Reviewerova"), ("bolat@review.example.kz", "Bolat Reviewerov")] {
                    reviewers.append(try await services.accounts.createPerson(
                        .init(email: email, name: name, password: ReviewPageTests.password), isAdmin: false, memberships: [], by: .admin
                    ).id)
                    _ = try await services.calls.addReviewer(to: call.id, email: email, by: akimat)
                }
                services.clock.advance(by: 31 * 86_400)
                for application in applications {
                    for reviewer in reviewers { _ = try await services.calls.assign(application, to: reviewer, by: akimat) }
                }
                // The service's own clock: applications closed.
                #expect(try await client.execute(uri: "/test/clock?advance_days=31", method: .post).status == .noContent)

                var aigerim = try await ReviewPageTests.signedIn(client, "aigerim@review.example.kz", code: false)
                let list = String(buffer: try await aigerim.get("/workspace/assignments").body)
                #expect(list.contains("Inclusive workshop") && list.contains("Sport for all") && list.contains("To score"))
                let path = "/workspace/assignments/\(applications[0].lowercasedString)"
                let form = String(buffer: try await aigerim.get(path).body)
                #expect(form.contains(#"<select id="score_1" name="score_1""#) && form.contains("How pressing is the need it answers?"))
                #expect(form.contains("Children."), "the answers are shown")

                let bad = try await aigerim.post(path, [("score_1", "9"), ("score_2", "8"), ("comment", "Strong plan"), ("action", "score")])
                #expect(bad.status == .unprocessableContent && String(buffer: bad.body).contains(#"id="score_1-error""#))
                let scored = try await aigerim.post(path, [("score_1", "5"), ("score_2", "8"), ("comment", "Strong plan"), ("action", "score")])
                #expect(scored.status == .seeOther)
                let blind = String(buffer: try await aigerim.get(path).body)
                #expect(blind.contains("You may change your scores until every reviewer has scored."))
                #expect(blind.contains("93.3") && !blind.contains("Reviewer 2"), "only her own scores")

                var bolat = try await ReviewPageTests.signedIn(client, "bolat@review.example.kz", code: false)
                let beforeHis = String(buffer: try await bolat.get(path).body)
                #expect(!beforeHis.contains("Strong plan") && !beforeHis.contains("93.3"), "blind to hers before he scores")
                #expect(try await bolat.post(path, [("score_1", "4"), ("score_2", "6"), ("comment", "Thin budget"), ("action", "score")]).status == .seeOther)

                let all = String(buffer: try await aigerim.get(path).body)
                #expect(all.contains("Reviewer 1 (you)") && all.contains("Reviewer 2") && all.contains("Thin budget"))
                #expect(all.contains("83.3"), "the mean of 93.3 and 73.3")
                #expect(!all.contains("Bolat") && !all.contains("Aigerim"), "reviewers are never named to each other")
                #expect(!all.contains(#"name="score_1""#), "final scores no longer change")
                #expect(String(buffer: try await aigerim.get("/workspace/assignments").body).contains("All scores in"))

                // A declared conflict takes the other application off her list.
                let other = "/workspace/assignments/\(applications[1].lowercasedString)"
                let empty = try await aigerim.post(other, [("reason", ""), ("action", "conflict")])
                #expect(empty.status == .unprocessableContent && String(buffer: empty.body).contains(#"id="reason-error""#))
                let declared = try await aigerim.post(other, [("reason", "I advised this NGO last year."), ("action", "conflict")])
                #expect(declared.status == .seeOther && declared.headers[.location] == "/workspace/assignments?done=conflict")
                let after = String(buffer: try await aigerim.get("/workspace/assignments?done=conflict").body)
                #expect(after.contains("no longer assigned to you") && !after.contains("Sport for all"))
                #expect(try await aigerim.get(other).status == .notFound)
            }
        }
    }
}
