import Domain
import Foundation
import HTTPTypes
import Testing
import TestSupport

/// Monitoring through the API: a results framework agreed with the proposal, indicator values in
/// reports, overdue reports, and changing the framework after approval through the reviewer.
@Suite struct ResultsFrameworkAPITests {
    static let framework = """
        "reporting_period_days": 30,
        "indicators": [
            {"name": "Дети, записанные на кружки", "unit": "детей", "baseline": 0, "target": 120},
            {"name": "Отсев", "unit": "%", "baseline": 18.5, "target": 10}
        ]
        """

    @Test func reportsMeasureTheFrameworkAgreedWithTheProposal() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                let project = try await world.openProject()
                let created = try await client.send(.post, "/v1/partnerships", json: """
                    {"project_id": "\(project)", "business_id": "\(world.business)", "government_body_id": "\(world.akimatInside)",
                     "pledge_kzt": 5000000, \(Self.framework)}
                    """, as: world.caller("business"))
                #expect(created.status == .created)
                #expect(created.json["reporting_period_days"] as? Int == 30)
                #expect(created.json["overdue"] as? Bool == false)
                let id = try #require(created.json["id"] as? String)
                for party in ["ngo", "government_inside"] {
                    #expect(try await client.send(.post, "/v1/partnerships/\(id)/consent", as: world.caller(party)).status == .ok)
                }
                #expect(try await client.send(.post, "/v1/partnerships/\(id)/approve", as: world.caller("government_inside")).status == .ok)
                let active = try await client.send(.post, "/v1/partnerships/\(id)/activate", as: world.caller("ngo"))
                #expect(active.json["activated_at"] is String)
                #expect(active.json["next_report_due"] is String)

                // A value for an indicator the framework lacks is refused; nothing is recorded.
                let unknown = try await client.send(.post, "/v1/partnerships/\(id)/reports", json: """
                    {"text": "Первый месяц", "indicator_values": [{"indicator": 3, "actual": 5}]}
                    """, as: world.caller("ngo"))
                #expect(unknown.status == .unprocessableContent)
                #expect(unknown.errorFields == ["indicator_values[0].indicator"])
                let twice = try await client.send(.post, "/v1/partnerships/\(id)/reports", json: """
                    {"text": "Первый месяц", "indicator_values": [{"indicator": 1, "actual": 5}, {"indicator": 1, "actual": 6}]}
                    """, as: world.caller("ngo"))
                #expect(twice.status == .unprocessableContent)
                #expect(try await client.send(.get, "/v1/partnerships/\(id)/reports").items.isEmpty)

                let first = try await client.send(.post, "/v1/partnerships/\(id)/reports", json: """
                    {"text": "Первый месяц", "beneficiaries_reached": 60, "indicator_values": [{"indicator": 1, "actual": 60}, {"indicator": 2, "actual": 15}]}
                    """, as: world.caller("ngo"))
                #expect(first.status == .created)
                let halfway = try await client.send(.get, "/v1/partnerships/\(id)/framework")
                #expect(halfway.status == .ok)
                #expect(halfway.json["targets_met"] as? Int == 0)
                let indicators = halfway.json["indicators"] as? [[String: Any]] ?? []
                #expect(indicators.map { $0["latest"] as? Double } == [60, 15])
                #expect(halfway.json["changes"] as? [Any] == nil || (halfway.json["changes"] as? [Any])?.isEmpty == true,
                        "the public reads the framework, not who asked to change it")

                let done = try await client.send(.post, "/v1/partnerships/\(id)/complete", json: """
                    {"text": "Год работы", "lessons": "Родители — лучшие агитаторы", "rating": 5,
                     "indicator_values": [{"indicator": 1, "actual": 130}, {"indicator": 2, "actual": 9.5}]}
                    """, as: world.caller("ngo"))
                #expect(done.json["state"] as? String == "completed")
                let final = try await client.send(.get, "/v1/partnerships/\(id)/framework")
                #expect(final.json["targets_met"] as? Int == 2, "120 reached, and the dropout rate fell below 10")
                let reports = try await client.send(.get, "/v1/partnerships/\(id)/reports").items
                #expect(reports.last?["lessons"] as? String == "Родители — лучшие агитаторы")
                #expect((reports.last?["indicator_values"] as? [[String: Any]])?.count == 2)
            }
        }
    }

    @Test func badFrameworksAreRefusedFieldByField() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                let project = try await world.openProject()
                let refused = try await client.send(.post, "/v1/partnerships", json: """
                    {"project_id": "\(project)", "business_id": "\(world.business)", "government_body_id": "\(world.akimatInside)",
                     "pledge_kzt": 1000, "reporting_period_days": 3,
                     "indicators": [{"name": "Деревья", "unit": "шт", "baseline": 5, "target": 5},
                                    {"name": "деревья", "unit": "шт", "baseline": 0, "target": "много"}]}
                    """, as: world.caller("ngo"))
                #expect(refused.status == .unprocessableContent)
                #expect(refused.errorFields == ["reporting_period_days", "indicators[1].target"])
                #expect(try await client.send(.get, "/v1/partnerships", as: world.caller("ngo")).items.isEmpty)
                let blank = try await client.send(.post, "/v1/partnerships", json: """
                    {"project_id": "\(project)", "business_id": "\(world.business)", "government_body_id": "\(world.akimatInside)",
                     "pledge_kzt": 1000, "indicators": [{"name": " ", "unit": "шт", "baseline": 1e13, "target": 5}]}
                    """, as: world.caller("ngo"))
                #expect(blank.errorFields == ["indicators[0].name", "indicators[0].baseline"])
                // A target equal to the baseline keeps a level; positions, not names, identify indicators.
                let keep = try await client.send(.post, "/v1/partnerships", json: """
                    {"project_id": "\(project)", "business_id": "\(world.business)", "government_body_id": "\(world.akimatInside)",
                     "pledge_kzt": 1000,
                     "indicators": [{"name": "Посещаемость", "unit": "%", "baseline": 95, "target": 95},
                                    {"name": "Посещаемость", "unit": "%", "baseline": 80, "target": 90}]}
                    """, as: world.caller("ngo"))
                #expect(keep.status == .created)
            }
        }
    }

    @Test func aMissingReportMakesThePartnershipOverdueOnceTheGracePeriodPasses() async throws {
        try await TestDatabase.with { database in
            try await withService(database, testHooks: true) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                let id = try await world.partnership(in: .active)
                let fresh = try await client.send(.get, "/v1/partnerships/\(id)", as: world.caller("ngo"))
                #expect(fresh.json["overdue"] as? Bool == false)
                // Due 90 days after activation, overdue 14 days later.
                #expect(try await client.send(.post, "/test/clock?advance_days=100").status == .noContent)
                #expect(try await client.send(.get, "/v1/partnerships/\(id)", as: world.caller("ngo")).json["overdue"] as? Bool == false)
                try await client.send(.post, "/test/clock?advance_days=5")
                let late = try await client.send(.get, "/v1/partnerships/\(id)", as: world.caller("ngo"))
                #expect(late.json["overdue"] as? Bool == true)
                #expect(try await client.send(.get, "/v1/partnerships", as: world.caller("business")).items.first?["overdue"] as? Bool == true)

                // A report starts the next period. Its row is stamped by the database's clock,
                // which the hook does not move, so the next one is due 90 days from now, real time.
                let report = try await client.send(.post, "/v1/partnerships/\(id)/reports", json: #"{"text": "Отчёт"}"#, as: world.caller("ngo"))
                #expect(report.json["overdue"] as? Bool == true, "the test clock is 105 days ahead of the report's time")
            }
        }
    }

    @Test func hooksAreAbsentUnlessConfigured() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let hook = try await client.send(.post, "/test/clock?advance_days=100")
                #expect(hook.status == .notFound)
            }
        }
    }

    @Test func afterApprovalTheFrameworkChangesOnlyWithTheReviewer() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                let id = try await world.partnership(in: .active)
                let change = """
                    {\(Self.framework), "reason": "Добавили второй показатель по просьбе акимата"}
                    """
                // A proposal is amended instead; the reviewer does not ask for changes.
                let proposal = try await world.partnership(in: .proposed)
                #expect(try await client.send(.post, "/v1/partnerships/\(proposal)/framework-changes", json: change, as: world.caller("ngo")).status == .conflict)
                #expect(try await client.send(.post, "/v1/partnerships/\(id)/framework-changes", json: change, as: world.caller("government_outside")).status == .forbidden)
                let noReason = try await client.send(.post, "/v1/partnerships/\(id)/framework-changes", json: "{\(Self.framework)}", as: world.caller("ngo"))
                #expect(noReason.errorFields == ["reason"])

                let requested = try await client.send(.post, "/v1/partnerships/\(id)/framework-changes", json: change, as: world.caller("business"))
                #expect(requested.status == .created)
                #expect(requested.json["decision"] == nil)
                #expect(try await client.send(.post, "/v1/partnerships/\(id)/framework-changes", json: change, as: world.caller("ngo")).status == .conflict,
                        "one request waits at a time")
                let pending = try await client.send(.get, "/v1/partnerships/\(id)/framework", as: world.caller("ngo"))
                #expect((pending.json["indicators"] as? [Any])?.isEmpty == true, "nothing changes before the reviewer decides")
                #expect((pending.json["changes"] as? [[String: Any]])?.first?["reason"] as? String == "Добавили второй показатель по просьбе акимата")

                #expect(try await client.send(.post, "/v1/partnerships/\(id)/framework-changes/decision", json: #"{"accept": true}"#, as: world.caller("ngo")).status == .forbidden)
                let declineWithoutReason = try await client.send(
                    .post, "/v1/partnerships/\(id)/framework-changes/decision", json: #"{"accept": false}"#, as: world.caller("government_inside")
                )
                #expect(declineWithoutReason.errorFields == ["comment"])
                let accepted = try await client.send(
                    .post, "/v1/partnerships/\(id)/framework-changes/decision", json: #"{"accept": true, "comment": "Согласовано"}"#, as: world.caller("government_inside")
                )
                #expect(accepted.status == .ok)
                #expect(accepted.json["decision"] as? String == "accepted")
                let now = try await client.send(.get, "/v1/partnerships/\(id)/framework", as: world.caller("ngo"))
                #expect((now.json["indicators"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Дети, записанные на кружки", "Отсев"])
                #expect(now.json["reporting_period_days"] as? Int == 30)
                #expect(try await client.send(.post, "/v1/partnerships/\(id)/framework-changes/decision", json: #"{"accept": true}"#, as: world.caller("government_inside")).status == .conflict)
                let events = try await client.send(.get, "/v1/partnerships/\(id)/events", as: world.caller("ngo")).items.compactMap { $0["action"] as? String }
                #expect(events.suffix(2) == ["request_framework_change", "accept_framework_change"])

                // A change still waiting when the partnership ends is not decided afterwards.
                #expect(try await client.send(.post, "/v1/partnerships/\(id)/framework-changes", json: change, as: world.caller("ngo")).status == .created)
                #expect(try await client.send(.post, "/v1/partnerships/\(id)/complete", json: #"{"text": "Итоги"}"#, as: world.caller("ngo")).status == .ok)
                let late = try await client.send(
                    .post, "/v1/partnerships/\(id)/framework-changes/decision", json: #"{"accept": true}"#, as: world.caller("government_inside")
                )
                #expect(late.status == .conflict)
            }
        }
    }
}
