import Foundation
import Logging
import Storage
import Testing
import TestSupport
@testable import UseCases

/// Exposure is answered from memory; what one instance shows reaches another's lists through the
/// database at the next read-back.
@Suite struct ExposureReadBackTests {
    @Test func whatOneInstanceShowsDiscountsTheOthersLists() async throws {
        try await TestDatabase.with { database in
            let first = Services(pool: database.pool, matching: MatchingConfiguration(), accounts: .cheapHashes)
            let second = Services(pool: database.pool, matching: MatchingConfiguration(), accounts: .cheapHashes)
            let world = try await AccessWorld.build(pool: database.pool)
            let project = try await world.openProject()
            func flusher(_ services: Services) -> ExposureFlushService {
                ExposureFlushService(
                    recorder: services.exposure, repository: ExposureRepository(pool: database.pool), interval: .seconds(60), logger: Logger(label: "test")
                )
            }
            func factor(_ services: Services) async throws -> Double? {
                let options = MatchOptions(limit: 10, fairExposure: true, diversify: false)
                let (_, items) = try #require(try await services.matches.partners(forProject: project, kind: .business, options: options))
                return items.first { item in
                    if case .partner(let partner) = item.item { partner.profile.id == world.business } else { false }
                }?.match.exposureFactor
            }
            #expect(try await factor(second) == 1)

            for _ in 0..<100 { first.exposure.record([world.business], shownTo: nil) }
            // Shown by the first instance, counted there before any write…
            #expect(first.exposure.impressions(of: [world.business]) == [100])
            await flusher(first).flush()
            #expect(first.exposure.impressions(of: [world.business])[0] > 99.9)
            // …and by the second once it reads back: 102 with its own two lists.
            let before = try #require(try await factor(second))
            #expect(before > 0.99)
            await flusher(second).flush()
            await flusher(second).readBack()
            let impressions = second.exposure.impressions(of: [world.business])[0]
            #expect(impressions > 101.9 && impressions < 102.1)
            let after = try #require(try await factor(second))
            #expect(after < 0.95)
        }
    }
}
