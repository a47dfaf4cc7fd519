import Domain
import Foundation
import Logging
import HTTPTypes
import Hummingbird
import Storage
import Testing
import TestSupport
import UseCases

/// Monitoring through the pages: a results framework proposed with the partnership, indicator
/// values in reports, the change request and the reviewer's decision, and overdue reports.
@Suite struct MonitoringPageTests {
    static func indicators(of id: UUID, _ database: TestDatabase) async throws -> [String] {
        try await database.pool.withConnection { connection in
            try connection.query("SELECT name FROM partnership_indicators WHERE partnership_id = $1 ORDER BY position", [id])
                .rows.map { try $0.decode(String.self, at: 0) }
        }
    }

    @Test func aProposalCarriesItsIndicatorsAndReportsFillThemIn() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                try await PartnershipPageTests.people(database, world: world)
                let project = try await world.openProject()
                var business = try await PartnershipPageTests.signedIn(client, "owner@business.example.kz")
                let query = "project_id=\(project.lowercasedString)&business_id=\(world.business.lowercasedString)"
                let form = String(buffer: try await business.get("/workspace/propose?\(query)").body)
                #expect(form.contains(#"name="indicator_3_name""#) && form.contains(#"name="reporting_period_days" value="90""#))

                let fields = [
                    ("project_id", project.lowercasedString), ("business_id", world.business.lowercasedString),
                    ("government_body_id", world.akimatInside.lowercasedString), ("pledge_kzt", "5 000 000"), ("indicator_rows", "3"),
                ]
                // A half-filled row is refused beside its fields, and what was typed stays.
                let bad = try await business.post("/workspace/propose", fields + [
                    ("indicator_1_name", "Children enrolled"), ("indicator_1_unit", ""), ("indicator_1_baseline", "0"), ("indicator_1_target", "lots"),
                    ("reporting_period_days", "400"),
                ])
                #expect(bad.status == .unprocessableContent)
                let badHTML = String(buffer: bad.body)
                for field in ["indicator_1_unit", "indicator_1_target", "reporting_period_days"] {
                    #expect(badHTML.contains(#"id="\#(field)-error""#), "\(field) has its message")
                }
                #expect(badHTML.contains(#"value="Children enrolled""#) && badHTML.contains(#"value="lots""#))

                let proposed = try await business.post("/workspace/propose", fields + [
                    ("indicator_1_name", "Children enrolled"), ("indicator_1_unit", "children"), ("indicator_1_baseline", "0"), ("indicator_1_target", "120"),
                    ("indicator_2_name", "Dropout"), ("indicator_2_unit", "%"), ("indicator_2_baseline", "18,5"), ("indicator_2_target", "10"),
                    ("reporting_period_days", "30"),
                ])
                #expect(proposed.status == .seeOther)
                let id = try #require(try await database.pool.withConnection { connection in
                    try connection.query("SELECT id FROM partnerships WHERE project_id = $1", [project]).first?.decode(UUID.self, at: 0)
                })
                #expect(try await Self.indicators(of: id, database) == ["Children enrolled", "Dropout"])

                // Through consent, approval and the start of the work, then a report with values.
                for action in [PartnershipLifecycle.Action.consent, .approve, .activate] {
                    _ = try await Services(pool: database.pool, matching: MatchingConfiguration()).partnerships
                        .perform(action, on: id, comment: nil, ifMatch: nil, by: .admin)
                }
                var ngo = try await PartnershipPageTests.signedIn(client, "owner@ngo.example.kz")
                let path = "/workspace/partnerships/\(id.lowercasedString)"
                let page = String(buffer: try await ngo.get(path).body)
                #expect(page.contains("Reports every 30 days.") && page.contains("Not reported yet"))
                #expect(page.contains(#"name="value_2""#) && page.contains("Baseline 18.5, target 10"))
                let version = try PartnershipPageTests.version(in: page)
                let report = [("version", version), ("kind", "milestone"), ("amount_disbursed_kzt", "0"), ("beneficiaries_reached", "60"), ("text", "First month")]
                let notNumber = try await ngo.post(path + "/reports", report + [("value_1", "sixty")])
                #expect(notNumber.status == .unprocessableContent)
                #expect(String(buffer: notNumber.body).contains(#"id="value_1-error""#))
                let filed = try await ngo.post(path + "/reports", report + [("value_1", "130"), ("value_2", "12,5")])
                #expect(filed.status == .seeOther)
                let after = String(buffer: try await ngo.get(path).body)
                #expect(after.contains("Targets met: 1 of 2."))
                #expect(after.contains("Dropout: 12.5 %"))

                // The public project page shows the same progress.
                var anonymous = PageVisitor(client)
                let public_ = String(buffer: try await anonymous.get("/projects/\(project.lowercasedString)").body)
                #expect(public_.contains("Targets met: 1 of 2.") && public_.contains("Children enrolled"))
            }
        }
    }

    @Test func aChangeAfterApprovalWaitsForTheReviewerWhoAcceptsItFromTheReviewPage() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                try await PartnershipPageTests.people(database, world: world)
                let id = try await world.partnership(in: .active)
                let path = "/workspace/partnerships/\(id.lowercasedString)"
                var ngo = try await PartnershipPageTests.signedIn(client, "owner@ngo.example.kz")
                #expect(String(buffer: try await ngo.get(path).body).contains("Ask to change indicators or the reporting period"))

                let change = [
                    ("indicator_rows", "3"), ("indicator_1_name", "Trees planted"), ("indicator_1_unit", "trees"),
                    ("indicator_1_baseline", "0"), ("indicator_1_target", "500"), ("reporting_period_days", "60"),
                ]
                let noReason = try await ngo.post(path + "/framework", change + [("reason", "")])
                #expect(noReason.status == .unprocessableContent)
                #expect(String(buffer: noReason.body).contains(#"id="reason-error""#))
                let sent = try await ngo.post(path + "/framework", change + [("reason", "The akimat asked for a tree count")])
                #expect(sent.status == .seeOther)
                let waiting = String(buffer: try await ngo.get(path).body)
                #expect(waiting.contains("A change to this framework waits for the government body"))
                #expect(!waiting.contains("Ask to change indicators"), "one change waits at a time")
                #expect(try await Self.indicators(of: id, database).isEmpty)

                var reviewer = try await ReviewPageTests.signedIn(client, "member@inside.example.kz")
                let queue = String(buffer: try await reviewer.get("/workspace/reviews").body)
                #expect(queue.contains("Results framework changes waiting") && queue.contains("The akimat asked for a tree count"))
                let review = String(buffer: try await reviewer.get("/workspace/reviews/\(id.lowercasedString)").body)
                #expect(review.contains("Decide on the framework change"))
                let declineBare = try await reviewer.post("/workspace/reviews/\(id.lowercasedString)/framework", [("decision", "decline"), ("framework_comment", "")])
                #expect(declineBare.status == .unprocessableContent)
                #expect(String(buffer: declineBare.body).contains(#"id="framework_comment-error""#))
                let accepted = try await reviewer.post("/workspace/reviews/\(id.lowercasedString)/framework", [("decision", "accept"), ("framework_comment", "")])
                #expect(accepted.status == .seeOther)
                #expect(try await Self.indicators(of: id, database) == ["Trees planted"])
                let again = try await reviewer.post("/workspace/reviews/\(id.lowercasedString)/framework", [("decision", "accept"), ("framework_comment", "")])
                #expect(again.status == .conflict, "a second decision finds nothing waiting")
                #expect(String(buffer: try await ngo.get(path).body).contains("Results framework change accepted"))
            }
        }
    }

    @Test func anOverdueReportShowsOnTheWorkspaceAndThePublicPage() async throws {
        try await TestDatabase.with { database in
            try await withService(database, testHooks: true) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                try await PartnershipPageTests.people(database, world: world)
                let id = try await world.partnership(in: .active)
                let project = try await database.pool.withConnection { connection in
                    try connection.query("SELECT project_id FROM partnerships WHERE id = $1", [id]).rows[0].decode(UUID.self, at: 0)
                }
                var ngo = try await PartnershipPageTests.signedIn(client, "owner@ngo.example.kz")
                var anonymous = PageVisitor(client)
                #expect(!String(buffer: try await ngo.get("/workspace/partnerships").body).contains("Report overdue"))
                try await client.send(.post, "/test/clock?advance_days=105")
                #expect(String(buffer: try await ngo.get("/workspace/partnerships").body).contains("Report overdue"))
                #expect(String(buffer: try await ngo.get("/workspace/partnerships/\(id.lowercasedString)").body).contains("Report overdue"))
                #expect(String(buffer: try await anonymous.get("/projects/\(project.lowercasedString)").body).contains("Report overdue"))
                // Every workspace involved shows it: the sponsor's and the government body's too.
                for email in ["owner@business.example.kz", "member@inside.example.kz"] {
                    var visitor = try await PartnershipPageTests.signedIn(client, email)
                    #expect(String(buffer: try await visitor.get("/workspace/partnerships").body).contains("Report overdue"), "\(email)")
                    #expect(String(buffer: try await visitor.get("/workspace/partnerships/\(id.lowercasedString)").body).contains("Report overdue"), "\(email)")
                }
                // Once monitoring has noticed it, the public trail records it as a step of the partnership.
                let services = Services(pool: database.pool, matching: MatchingConfiguration(), accounts: .cheapHashes)
                services.clock.advance(by: 105 * 86_400)
                #expect(try await services.notificationMailer(logger: Logger(label: "asar.test.monitoring")).pass().overdue == 1)
                #expect(String(buffer: try await anonymous.get("/projects/\(project.lowercasedString)").body).contains("A report became overdue"))
            }
        }
    }
}
