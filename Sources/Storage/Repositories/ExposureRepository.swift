import Domain
import Foundation
import Postgres

/// Records how often organizations and projects were shown in match lists.
public struct ExposureRepository: Sendable {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// Adds impressions, decaying what was there to now first.
    public func add(_ impressions: [UUID: Double]) async throws {
        guard !impressions.isEmpty else { return }
        let ids = Array(impressions.keys)
        let counts = ids.map { impressions[$0] ?? 0 }
        try await pool.withConnection { connection in
            try connection.query(
                """
                INSERT INTO exposure (subject_id, impressions, updated_at)
                SELECT id, count, now() FROM unnest($1::uuid[], $2::float8[]) AS added(id, count)
                ON CONFLICT (subject_id) DO UPDATE
                SET impressions = exposure_now(exposure.impressions, exposure.updated_at) + excluded.impressions,
                    updated_at = now()
                """,
                [ids, counts]
            )
        }
    }
}
