import Domain
import Foundation
import Testing
import DemoData
import Storage
import TestSupport

@Suite struct ProjectAPITests {
    @Test func projectLifecycleAndFilters() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let ngo = try #require(try await client.send(.post, "/v1/organizations", json: Bodies.ngo()).json["id"] as? String)
                let created = try await client.send(.post, "/v1/projects", json: Bodies.project(owner: ngo))
                #expect(created.status == .created)
                let id = try #require(created.json["id"] as? String)
                #expect(try await client.send(.get, "/v1/projects/\(id)").json["funding_needed_kzt"] as? Int == 8_000_000)

                #expect(try await client.send(.get, "/v1/projects?status=open&min_funding=1000000&max_funding=9000000").items.count == 1)
                #expect(try await client.send(.get, "/v1/projects?max_funding=1000").items.isEmpty)
                #expect(try await client.send(.get, "/v1/projects?region=550000000&organization_id=\(ngo)").items.count == 1)
                #expect(try await client.send(.get, "/v1/projects?q=%D1%88%D0%B5%D0%B1%D0%B5%D1%80").items.count == 1, "Kazakh prefix шебер")

                let patched = try await client.send(.patch, "/v1/projects/\(id)", json: #"{"funding_needed_kzt": 9000000}"#)
                #expect(patched.json["funding_needed_kzt"] as? Int == 9_000_000)
                let closed = try await client.send(.delete, "/v1/projects/\(id)")
                #expect(closed.json["status"] as? String == "closed")
                let reopen = try await client.send(.patch, "/v1/projects/\(id)", json: #"{"status": "open"}"#)
                #expect(reopen.status == .conflict)
            }
        }
    }

    @Test func projectRulesAre422() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let business = try #require(try await client.send(.post, "/v1/organizations", json: Bodies.business()).json["id"] as? String)
                let byBusiness = try await client.send(.post, "/v1/projects", json: Bodies.project(owner: business))
                #expect(byBusiness.status == .unprocessableContent)
                #expect(byBusiness.errorFields == ["organization_id"])

                let ngo = try #require(try await client.send(.post, "/v1/organizations", json: Bodies.ngo()).json["id"] as? String)
                let badDuration = try await client.send(.post, "/v1/projects", json: Bodies.project(owner: ngo, extra: #", "status": "secret""#).replacingOccurrences(of: "\"duration_months\": 12", with: "\"duration_months\": 48"))
                #expect(badDuration.status == .unprocessableContent)
                #expect(badDuration.errorFields.isSuperset(of: ["duration_months"]))
                let unknownOwner = try await client.send(.post, "/v1/projects", json: Bodies.project(owner: UUID().uuidString))
                #expect(unknownOwner.errorFields == ["organization_id"])
                #expect(try await client.send(.get, "/v1/projects").items.isEmpty)
            }
        }
    }

    /// A need below what partnerships pledged is a 422 on its field, reported with every other problem.
    @Test func aNeedBelowWhatPartnershipsPledgedIs422WithTheOtherProblems() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                let partnership = try await world.partnership(in: .active, pledge: 10_000_000)
                let project = try #require(try await client.send(.get, "/v1/partnerships/\(partnership)").json["project_id"] as? String)
                let both = try await client.send(.patch, "/v1/projects/\(project)", json: #"{"funding_needed_kzt": 9999999, "focus_areas": ["no_such_area"]}"#)
                #expect(both.status == .unprocessableContent)
                #expect(both.errorFields.contains("funding_needed_kzt") && both.errorFields.contains { $0.hasPrefix("focus_areas") }, "\(both.errorFields)")
                let codes = (both.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
                #expect(codes.contains("below_pledged"), "\(codes)")
                let exact = try await client.send(.patch, "/v1/projects/\(project)", json: #"{"funding_needed_kzt": 10000000}"#)
                #expect(exact.status == .ok && exact.json["funding_needed_kzt"] as? Int == 10_000_000)
            }
        }
    }
}

@Suite struct ReferenceAPITests {
    @Test func regionsFocusAreasAndHealth() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let regions = try await client.send(.get, "/v1/regions").items
                #expect(regions.count == 20)
                let almaty = regions.first { $0["kato"] as? String == "190000000" }
                #expect((almaty?["name"] as? [String: Any])?["kk"] as? String == "Алматы облысы")
                let areas = try await client.send(.get, "/v1/focus-areas").items
                #expect(areas.count == 16)
                #expect(areas.first { $0["code"] as? String == "environment" }?["sdgs"] as? [Int] == [6, 12, 13, 14, 15])
                #expect(try await client.send(.get, "/v1/legal-forms").items.count > 10)
                #expect(try await client.send(.get, "/health").status == .ok)
                let generated = try await client.send(.get, "/health")
                let next = try await client.send(.get, "/health")
                // Hummingbird's own request id: hex digits, one per request. Up to 32, not always 32:
                // Hummingbird 2.x does not pad the process-wide half, so 1 process in 16 has fewer.
                let id = generated.headers[.init("X-Request-Id")!] ?? ""
                #expect((17...32).contains(id.count) && id.allSatisfy(\.isHexDigit), "\(id)")
                #expect(next.headers[.init("X-Request-Id")!] != id)
                let echoed = try await client.send(.get, "/v1/nothing", headers: [.init("X-Request-Id")!: "trace-42"])
                #expect(echoed.headers[.init("X-Request-Id")!] == "trace-42", "error responses carry it too")
                let metrics = try await client.send(.get, "/metrics")
                let text = String(buffer: metrics.body)
                #expect(text.contains(#"asar_http_requests_total{method="GET",route="/health",status="200"} 3"#))
                #expect(text.contains(#"asar_http_request_duration_seconds_count{method="GET",route="/v1/regions",status="200"} 1"#))
                #expect(text.contains(#"asar_db_pool_connections{state="open"}"#))
                #expect(try await client.send(.get, "/ready").status == .ok)
            }
        }
    }
}

@Suite struct DemoDataAPITests {
    @Test func demoDataIsSearchableInRussianAndKazakh() async throws {
        try await TestDatabase.with { database in
            _ = try await Seeder.loadDemo(into: database.pool, onlyIfEmpty: true)
            try await withService(database) { client in
                let russian = try await client.send(.get, "/v1/organizations?q=%D0%B4%D0%B5%D1%82%D0%B5%D0%B9") // детей
                #expect(!russian.items.isEmpty)
                let kazakh = try await client.send(.get, "/v1/organizations?q=%D0%B1%D0%B0%D0%BB%D0%B0%D0%BB%D0%B0%D1%80%D2%93%D0%B0") // балаларға
                #expect(!kazakh.items.isEmpty)
                let almatyRegion = try await client.send(.get, "/v1/projects?region=190000000&status=open&limit=100")
                #expect(!almatyRegion.items.isEmpty)
                #expect(almatyRegion.items.allSatisfy { ($0["regions"] as? [String] ?? []).contains { $0.hasPrefix("19") } })
            }
        }
    }
}
