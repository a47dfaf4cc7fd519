import Domain
import Foundation
import Logging
import Matching
import Postgres
import Storage
import Testing
import TestSupport
@testable import UseCases

/// Two service instances over one database, each with its own candidate index following the
/// database's change notifications, as two `asar serve` processes do.
@Suite struct CandidateIndexFollowingTests {
    static let plain = MatchOptions(limit: 50, fairExposure: false, diversify: false)

    /// An instance with its own pool whose index follows notifications until `body` returns.
    func withFollowingInstance<T: Sendable>(
        _ database: TestDatabase, checkInterval: Duration = .seconds(5), _ body: @Sendable (Services) async throws -> T
    ) async throws -> T {
        let pool = ConnectionPool(configuration: TestDatabase.loadedMachine(connectionString: database.connectionString, maxConnections: 4))
        let services = Services(pool: pool, matching: MatchingConfiguration(), accounts: .cheapHashes)
        var logger = Logger(label: "test.index")
        logger.logLevel = .error
        let follower = CandidateIndexService(
            index: services.candidateIndex,
            listener: NotificationListener(connectionString: database.connectionString, channel: MatchIndexRepository.channel, quietInterval: .milliseconds(100)),
            logger: logger, checkInterval: checkInterval
        )
        let running = Task { try await follower.run() }
        defer { running.cancel() }
        // Following once the first load is in.
        let deadline = ContinuousClock.now + .seconds(30)
        while services.candidateIndex.state.withLockedValue({ !$0.isFollowing }) {
            guard ContinuousClock.now < deadline else { throw CancellationError() }
            try await Task.sleep(for: .milliseconds(20))
        }
        let value = try await body(services)
        running.cancel()
        _ = await running.result
        await pool.shutdown()
        return value
    }

    func sponsorIDs(_ services: Services, project: UUID) async throws -> [UUID] {
        try await services.matches.partners(forProject: project, kind: .business, options: Self.plain, by: .anonymous).items.compactMap { item in
            if case .partner(let sponsor) = item.item { return sponsor.profile.id }
            return nil
        }
    }

    func waitFor(_ what: String, _ condition: @Sendable () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while try await !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("not within 10 s: \(what)")
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test func aWriteThroughOneInstanceReachesTheOthersMatches() async throws {
        try await TestDatabase.with(demo: true) { database in
            let writer = Services(pool: database.pool, matching: MatchingConfiguration(), accounts: .cheapHashes)
            let project = try await database.pool.withConnection { connection in
                try connection.query("SELECT id FROM projects WHERE status = 'open' ORDER BY id LIMIT 1").rows[0].decode(UUID.self, at: 0)
            }
            try await withFollowingInstance(database) { reader in
                let before = try await sponsorIDs(reader, project: project)
                let sponsor = try #require(before.first)
                #expect(try await reader.candidateIndex.snapshot().organization(sponsor) != nil)

                // Through the writer's use cases; the reader only ever hears of it by notification.
                _ = try await writer.organizations.deactivate(sponsor, by: .admin)
                try await waitFor("the deactivated sponsor leaves the reader's list") {
                    try await !sponsorIDs(reader, project: project).contains(sponsor)
                }
                #expect(try await reader.candidateIndex.snapshot().organization(sponsor)?.profile.isActive == false)

                _ = try await writer.projects.close(project, by: .admin)
                try await reader.candidateIndex.catchUp()
                #expect(try await reader.candidateIndex.snapshot().openProject(project) == nil)
                let answer = try await reader.matches.partners(forProject: project, kind: .business, options: Self.plain, by: .anonymous)
                #expect(answer.items.isEmpty && answer.notice == MatchService.notOpen)
            }
        }
    }

    @Test func aLostNotificationIsNoticedAndRepairedByAReload() async throws {
        try await TestDatabase.with(demo: true) { database in
            let (first, second) = try await database.pool.withConnection { connection in
                let rows = try connection.query("SELECT id FROM organizations WHERE kind = 'business' AND active ORDER BY id LIMIT 2").rows
                return (try rows[0].decode(UUID.self, at: 0), try rows[1].decode(UUID.self, at: 0))
            }
            // A change that is counted but never announced: what a listener misses while reconnecting.
            @Sendable func silently(deactivate id: UUID) async throws {
                try await database.pool.withTransaction { connection in
                    try connection.execute(MatchIndexRepository.bulkLoadStart)
                    try connection.query("UPDATE organizations SET active = false, deactivated_at = now() WHERE id = $1", [id])
                    try connection.execute("UPDATE match_index_version SET version = version + 1")
                }
            }
            try await withFollowingInstance(database, checkInterval: .milliseconds(200)) { reader in
                // Nothing else happens: the periodic version check finds the index behind.
                try await silently(deactivate: first)
                try await waitFor("a reload after the version check") {
                    try await reader.candidateIndex.snapshot().organization(first)?.profile.isActive == false
                }
            }
            try await withFollowingInstance(database, checkInterval: .seconds(600)) { reader in
                // The next announced change arrives after a gap in the versions, and that alone repairs it.
                try await silently(deactivate: second)
                try await database.pool.withConnection { connection in
                    try connection.query("UPDATE projects SET title_en = coalesce(title_en, '') || '.' WHERE id = (SELECT id FROM projects ORDER BY id LIMIT 1)")
                }
                try await waitFor("a reload on the gap") {
                    try await reader.candidateIndex.snapshot().organization(second)?.profile.isActive == false
                }
            }
        }
    }

    @Test func withoutFollowingEveryReadChecksTheVersion() async throws {
        try await TestDatabase.with(demo: true) { database in
            let services = Services(pool: database.pool, matching: MatchingConfiguration(), accounts: .cheapHashes)
            let sponsor = try await database.pool.withConnection { connection in
                try connection.query("SELECT id FROM organizations WHERE kind = 'business' AND active ORDER BY id LIMIT 1").rows[0].decode(UUID.self, at: 0)
            }
            #expect(try await services.candidateIndex.snapshot().organization(sponsor)?.profile.isActive == true)
            _ = try await services.organizations.deactivate(sponsor, by: .admin)
            #expect(try await services.candidateIndex.snapshot().organization(sponsor)?.profile.isActive == false)
        }
    }
}
