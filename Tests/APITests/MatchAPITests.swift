import Domain
import Foundation
import HTTPTypes
import Postgres
import DemoData
import Storage
import Testing
import TestSupport

@Suite struct MatchAPITests {
    /// Ids from the demo data: an open project, a business, a regional akimat and an NGO with open projects.
    struct DemoIDs: Sendable {
        let openProject: String
        let closedProject: String
        let business: String
        let akimat: String
        let akimatRegion: String
        let ngo: String
    }

    func withDemo(_ body: @Sendable (TestClientProtocolBox, DemoIDs) async throws -> Void) async throws {
        try await TestDatabase.with(demo: true) { database in
            let ids = try await database.pool.withConnection { connection in
                func one(_ sql: String) throws -> String {
                    try connection.query(sql).rows[0].decode(String.self, at: 0)
                }
                return DemoIDs(
                    openProject: try one("SELECT id::text FROM projects WHERE status = 'open' ORDER BY created_at, id LIMIT 1"),
                    closedProject: try one("SELECT id::text FROM projects WHERE status = 'closed' ORDER BY created_at, id LIMIT 1"),
                    business: try one("SELECT id::text FROM organizations WHERE kind = 'business' AND NOT nationwide ORDER BY created_at, id LIMIT 1"),
                    akimat: try one("SELECT id::text FROM organizations WHERE kind = 'government_body' AND level = 'region' ORDER BY created_at, id LIMIT 1"),
                    akimatRegion: try one("SELECT jurisdiction FROM organizations WHERE kind = 'government_body' AND level = 'region' ORDER BY created_at, id LIMIT 1"),
                    ngo: try one("SELECT organization_id::text FROM projects WHERE status = 'open' ORDER BY created_at, id LIMIT 1")
                )
            }
            try await withService(database) { client in
                try await body(TestClientProtocolBox(client.client), ids)
            }
        }
    }

    @Test func sponsorsForAProjectAreRankedAndExplained() async throws {
        try await withDemo { client, ids in
            let response = try await client.send(.get, "/v1/projects/\(ids.openProject)/matches?kind=business&limit=5", language: "en")
            #expect(response.status == .ok)
            #expect(response.headers[.contentLanguage] == "en")
            let items = response.items
            #expect(items.count == 5)
            let scores = items.compactMap { $0["score"] as? Double }
            #expect(scores.count == 5 && scores.allSatisfy { $0 > 0 && $0 <= 1 })
            for item in items {
                let organization = item["organization"] as? [String: Any]
                #expect(organization?["kind"] as? String == "business")
                let directions = item["directions"] as? [[String: Any]] ?? []
                #expect(Set(directions.compactMap { $0["direction"] as? String }) == ["sponsor_to_project", "project_to_sponsor"])
                let reasons = item["reasons"] as? [String] ?? []
                #expect(!reasons.isEmpty)
            }
        }
    }

    @Test func governmentBodiesForAProjectCoverItsRegion() async throws {
        try await withDemo { client, ids in
            let items = try await client.send(.get, "/v1/projects/\(ids.openProject)/matches?kind=government_body&limit=10").items
            #expect(!items.isEmpty)
            let project = try await client.send(.get, "/v1/projects/\(ids.openProject)").json
            let regions = project["regions"] as? [String] ?? []
            #expect(!regions.isEmpty)
            for item in items {
                let body = item["organization"] as? [String: Any] ?? [:]
                #expect(body["kind"] as? String == "government_body")
                let jurisdiction = try #require(body["jurisdiction"] as? String)
                let national = body["nationwide"] as? Bool ?? false
                #expect(national || regions.contains { $0.hasPrefix(jurisdiction.prefix(2)) }, "\(jurisdiction) does not cover \(regions)")
            }
        }
    }

    @Test func triplesPairASponsorWithAGovernmentBody() async throws {
        try await withDemo { client, ids in
            let items = try await client.send(.get, "/v1/projects/\(ids.openProject)/triples?limit=5").items
            #expect(items.count == 5)
            for item in items {
                #expect((item["sponsor"] as? [String: Any])?["kind"] as? String == "business")
                #expect((item["government_body"] as? [String: Any])?["kind"] as? String == "government_body")
                #expect((item["directions"] as? [[String: Any]])?.count == 4)
            }
        }
    }

    @Test func eachKindOfOrganizationGetsItsOwnList() async throws {
        try await withDemo { client, ids in
            let forBusiness = try await client.send(.get, "/v1/organizations/\(ids.business)/matches?limit=5").items
            #expect(!forBusiness.isEmpty)
            #expect(forBusiness.allSatisfy { $0["project"] is [String: Any] })

            let forNGO = try await client.send(.get, "/v1/organizations/\(ids.ngo)/matches?limit=5").items
            #expect(!forNGO.isEmpty)
            for item in forNGO {
                #expect((item["organization"] as? [String: Any])?["kind"] as? String == "business")
                let project = item["for_project"] as? [String: Any]
                #expect((project?["organization"] as? [String: Any])?["id"] as? String == ids.ngo)
            }
            let sponsorIDs = forNGO.compactMap { ($0["organization"] as? [String: Any])?["id"] as? String }
            #expect(Set(sponsorIDs).count == sponsorIDs.count, "each sponsor once")

            let forAkimat = try await client.send(.get, "/v1/organizations/\(ids.akimat)/matches?limit=10").items
            #expect(!forAkimat.isEmpty)
            for item in forAkimat {
                let regions = (item["project"] as? [String: Any])?["regions"] as? [String] ?? []
                #expect(regions.contains { $0.hasPrefix(ids.akimatRegion.prefix(2)) }, "only projects in its jurisdiction")
            }
        }
    }

    @Test func sameDataGivesTheSameList() async throws {
        try await withDemo { client, ids in
            let path = "/v1/projects/\(ids.openProject)/matches?limit=10&fair_exposure=false"
            let first = try await client.send(.get, path).items.compactMap { ($0["organization"] as? [String: Any])?["id"] as? String }
            let second = try await client.send(.get, path).items.compactMap { ($0["organization"] as? [String: Any])?["id"] as? String }
            #expect(first.count == 10)
            #expect(first == second)
        }
    }

    @Test func reasonsFollowAcceptLanguage() async throws {
        try await withDemo { client, ids in
            let path = "/v1/projects/\(ids.openProject)/matches?limit=1"
            let kazakh = try await client.send(.get, path, language: "kk-KZ, ru;q=0.5")
            #expect(kazakh.json["language"] as? String == "kk")
            let russian = try await client.send(.get, path)
            #expect(russian.json["language"] as? String == "ru")
            let english = try await client.send(.get, path, language: "de, en;q=0.8")
            #expect(english.json["language"] as? String == "en")
            let kazakhReasons = kazakh.items.first?["reasons"] as? [String] ?? []
            let russianReasons = russian.items.first?["reasons"] as? [String] ?? []
            #expect(!kazakhReasons.isEmpty && kazakhReasons != russianReasons)
        }
    }

    @Test func closedProjectGetsAnEmptyListWithANotice() async throws {
        try await withDemo { client, ids in
            let response = try await client.send(.get, "/v1/projects/\(ids.closedProject)/matches")
            #expect(response.status == .ok)
            #expect(response.items.isEmpty)
            #expect(response.json["notice"] is String)
        }
    }

    /// A business narrows its list by place, focus area and unfunded need: every project left
    /// matches, and a project of the unnarrowed list that matches stays.
    @Test func organizationListsNarrowToPlaceAreaAndGap() async throws {
        try await withDemo { client, ids in
            func projects(_ query: String) async throws -> [[String: Any]] {
                let response = try await client.send(.get, "/v1/organizations/\(ids.business)/matches?limit=50\(query)")
                #expect(response.status == .ok, "\(query)")
                return response.items.compactMap { $0["project"] as? [String: Any] }
            }
            let all = try await projects("")
            let first = try #require(all.first)
            let id = first["id"] as? String
            let region = try #require((first["regions"] as? [String])?.first).prefix(2) + "0000000"
            let focus = try #require((first["focus_areas"] as? [String])?.first)
            let gap = try #require(first["funding_gap_kzt"] as? Int)

            let inRegion = try await projects("&region=\(region)")
            #expect(inRegion.contains { $0["id"] as? String == id })
            #expect(inRegion.allSatisfy { ($0["regions"] as? [String] ?? []).contains { $0.hasPrefix(region.prefix(2)) } })
            let onFocus = try await projects("&focus_area=\(focus)")
            #expect(onFocus.contains { $0["id"] as? String == id })
            #expect(onFocus.allSatisfy { ($0["focus_areas"] as? [String] ?? []).contains(focus) })
            let small = try await projects("&max_gap=\(gap)")
            #expect(small.contains { $0["id"] as? String == id })
            #expect(small.allSatisfy { ($0["funding_gap_kzt"] as? Int ?? .max) <= gap })
            #expect(try await projects("&max_gap=0").allSatisfy { $0["funding_gap_kzt"] as? Int == 0 })

            for query in ["region=123", "region=990000000", "focus_area=nothing", "max_gap=-1", "max_gap=many"] {
                let response = try await client.send(.get, "/v1/organizations/\(ids.business)/matches?\(query)")
                #expect(response.status == .unprocessableContent && response.isProblem, "\(query)")
            }
        }
    }

    /// A business with as many active partnerships as it allows gets no projects, and is told why.
    @Test func aBusinessAtItsPartnershipLimitIsToldWhy() async throws {
        try await TestDatabase.with(demo: true) { database in
            let business = try await database.pool.withConnection { connection in
                try connection.query(
                    "SELECT id FROM organizations WHERE kind = 'business' AND active AND NOT nationwide ORDER BY created_at, id LIMIT 1"
                ).rows[0].decode(UUID.self, at: 0)
            }
            try await withService(database) { client in
                let path = "/v1/organizations/\(business)/matches"
                let before = try await client.send(.get, path)
                #expect(!before.items.isEmpty && before.json["notice"] == nil)
                try await database.pool.withConnection { connection in
                    _ = try connection.query("UPDATE organizations SET max_active_partnerships = 1 WHERE id = $1", [business])
                    _ = try connection.query(
                        """
                        INSERT INTO partnership_stats (subject_id, open_partnerships) VALUES ($1, 1)
                        ON CONFLICT (subject_id) DO UPDATE SET open_partnerships = greatest(partnership_stats.open_partnerships, 1)
                        """,
                        [business]
                    )
                }
                // The index follows the change by notification.
                var after = try await client.send(.get, path)
                for _ in 0..<50 where after.json["notice"] == nil {
                    try await Task.sleep(for: .milliseconds(100))
                    after = try await client.send(.get, path)
                }
                #expect(after.items.isEmpty)
                #expect((after.json["notice"] as? String)?.contains("max_active_partnerships") == true)
            }
        }
    }

    @Test func unknownIdsAre404AndBadParametersAre422() async throws {
        try await withDemo { client, ids in
            for path in ["/v1/projects/\(UUID())/matches", "/v1/projects/\(UUID())/triples", "/v1/organizations/\(UUID())/matches",
                         "/v1/projects/not-an-id/matches"] {
                let response = try await client.send(.get, path)
                #expect(response.status == .notFound, "\(path)")
                #expect(response.isProblem)
            }
            for query in ["kind=ngo", "kind=", "limit=0", "limit=1000", "fair_exposure=maybe", "scope=nearby", "scope=", "colour=red"] {
                let response = try await client.send(.get, "/v1/projects/\(ids.openProject)/matches?\(query)")
                #expect(response.status == .unprocessableContent, "\(query)")
            }
        }
    }
}

/// Lets Sendable closures carry the test client.
struct TestClientProtocolBox: Sendable {
    let client: any TestClientProtocol
    init(_ client: any TestClientProtocol) { self.client = client }

    func send(_ method: HTTPRequest.Method, _ uri: String, language: String? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let language { headers[.acceptLanguage] = language }
        return try await client.execute(uri: uri, method: method, headers: headers)
    }
}
