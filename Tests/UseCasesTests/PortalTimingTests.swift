import Domain
import Foundation
import Postgres
import Storage
import Testing
@testable import UseCases

/// Server time of each portal read on an existing database, uncached (the worst case: figures are
/// normally kept 30 s). Runs only when ASAR_PORTAL_TIMING_DB names a database reachable through the
/// PG* variables, e.g. one loaded with `asar seed --synthetic 100000` and
/// Tests/Tools/portal_synthetic_partnerships.sql:
///   ASAR_PORTAL_TIMING_DB=synth swift test --filter PortalTimingTests
@Suite(.enabled(if: ProcessInfo.processInfo.environment["ASAR_PORTAL_TIMING_DB"] != nil))
struct PortalTimingTests {
    @Test func portalPagesServerTime() async throws {
        let name = ProcessInfo.processInfo.environment["ASAR_PORTAL_TIMING_DB"] ?? ""
        let pool = ConnectionPool(configuration: .init(connectionString: "dbname=\(name)", maxConnections: 2, statementTimeout: .seconds(30)))
        let reference = ReferenceData(repository: ReferenceRepository(pool: pool))
        let portal = PortalService(
            portal: PortalRepository(pool: pool), organizations: OrganizationRepository(pool: pool),
            projects: ProjectRepository(pool: pool), reference: reference, figuresFor: .zero
        )
        let openData = OpenDataService(openData: OpenDataRepository(pool: pool), reference: reference)
        let ids = try await pool.withConnection { connection in
            try connection.query("""
                SELECT
                    (SELECT ngo_id FROM partnerships WHERE state = 'completed' GROUP BY ngo_id ORDER BY count(*) DESC, ngo_id LIMIT 1),
                    (SELECT business_id FROM partnerships WHERE state IN ('active', 'completed') GROUP BY business_id ORDER BY count(*) DESC, business_id LIMIT 1),
                    (SELECT government_body_id FROM partnerships WHERE state IN ('active', 'completed') GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1),
                    (SELECT project_id FROM partnerships WHERE state = 'completed' ORDER BY id LIMIT 1)
                """).rows[0]
        }
        let ngo = try ids.decode(UUID.self, at: 0), business = try ids.decode(UUID.self, at: 1)
        let government = try ids.decode(UUID.self, at: 2), project = try ids.decode(UUID.self, at: 3)
        _ = try await reference.snapshot()
        var lines: [String] = []
        func measure(_ label: String, runs: Int = 40, _ body: () async throws -> Void) async throws {
            try await body()
            var times: [Double] = []
            for _ in 0..<runs {
                let start = ContinuousClock.now
                try await body()
                let elapsed = ContinuousClock.now - start
                times.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
            }
            times.sort()
            let p50 = times[times.count / 2], p95 = times[min(times.count - 1, Int(Double(times.count) * 0.95))]
            lines.append(label.padding(toLength: 40, withPad: " ", startingAt: 0) + String(format: "p50 %8.2f ms  p95 %8.2f ms", p50, p95))
        }
        try await measure("home") { _ = try await portal.home(by: .anonymous) }
        try await measure("regions(open_need)") { _ = try await portal.regions(.openNeed, by: .anonymous) }
        for kato in ["750000000", "190000000", "630000000"] {
            try await measure("region(\(kato))") { _ = try await portal.region(kato, by: .anonymous) }
        }
        try await measure("organizationProfile(busiest NGO)") { _ = try await portal.organizationProfile(ngo, by: .anonymous) }
        try await measure("organizationProfile(busiest sponsor)") { _ = try await portal.organizationProfile(business, by: .anonymous) }
        try await measure("organizationProfile(busiest akimat)") { _ = try await portal.organizationProfile(government, by: .anonymous) }
        try await measure("projectPage(completed)") { _ = try await portal.projectPage(project, by: .anonymous) }
        // As pages call them: figures kept 30 s (and refreshed in the background past that).
        let cached = PortalService(
            portal: PortalRepository(pool: pool), organizations: OrganizationRepository(pool: pool),
            projects: ProjectRepository(pool: pool), reference: reference
        )
        try await measure("home, kept") { _ = try await cached.home(by: .anonymous) }
        try await measure("regions(open_need), kept") { _ = try await cached.regions(.openNeed, by: .anonymous) }
        try await measure("region(750000000), kept") { _ = try await cached.region("750000000", by: .anonymous) }
        try await measure("openData.modified") { _ = try await openData.modified(by: .anonymous) }
        try await measure("openData.grantsPackage", runs: 5) { _ = try await openData.grantsPackage(by: .anonymous) }
        try await measure("openData.organizationsCSV", runs: 3) { _ = try await openData.organizationsCSV(by: .anonymous) }
        print(lines.joined(separator: "\n"))
        await pool.shutdown()
    }
}
