import Domain
import Foundation
import Postgres

/// Records how often organizations and projects were shown in match lists.
public struct ExposureRepository: Sendable {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// A subject's stored exposure: impressions as of `updatedAt`, decaying since.
    public struct Stored: Sendable, Equatable {
        public let impressions: Double
        public let updatedAt: Date

        public init(impressions: Double, updatedAt: Date) {
            self.impressions = impressions
            self.updatedAt = updatedAt
        }
    }

    /// Every subject's exposure written after `since` (all when nil).
    public func written(after since: Date?) async throws -> [UUID: Stored] {
        try await pool.withConnection { connection in
            var found: [UUID: Stored] = [:]
            for row in try connection.query(
                "SELECT subject_id, impressions, updated_at FROM exposure WHERE $1::timestamptz IS NULL OR updated_at > $1", [since]
            ).rows {
                found[try row.decode(UUID.self, at: 0)] = Stored(impressions: try row.decode(Double.self, at: 1), updatedAt: try row.decode(Date.self, at: 2))
            }
            return found
        }
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

/// One subject shown to one organization in its match lists, over one batch.
public struct ViewerImpressions: Sendable, Equatable {
    public struct Shown: Sendable, Equatable {
        public var firstShownAt: Date
        public var lastShownAt: Date
        public var times: Int

        public init(firstShownAt: Date, lastShownAt: Date, times: Int) {
            self.firstShownAt = firstShownAt
            self.lastShownAt = lastShownAt
            self.times = times
        }
    }

    public let viewer: UUID
    public let subject: UUID
    public let shown: Shown

    public init(viewer: UUID, subject: UUID, shown: Shown) {
        self.viewer = viewer
        self.subject = subject
        self.shown = shown
    }
}

extension ExposureRepository {
    /// Adds a batch of what was shown to whom; a viewer deleted meanwhile is skipped, so one gone
    /// organization cannot lose the whole batch.
    public func addShown(_ batch: [ViewerImpressions]) async throws {
        guard !batch.isEmpty else { return }
        try await pool.withConnection { connection in
            try connection.query(
                """
                INSERT INTO match_impressions AS m (viewer_id, subject_id, first_shown_at, last_shown_at, times)
                SELECT added.viewer, added.subject, added.first_at, added.last_at, added.times
                FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::timestamptz[], $5::int4[])
                    AS added(viewer, subject, first_at, last_at, times)
                JOIN organizations o ON o.id = added.viewer
                ON CONFLICT (viewer_id, subject_id) DO UPDATE
                SET first_shown_at = least(m.first_shown_at, excluded.first_shown_at),
                    last_shown_at = greatest(m.last_shown_at, excluded.last_shown_at),
                    times = m.times + excluded.times
                """,
                [batch.map(\.viewer), batch.map(\.subject), batch.map(\.shown.firstShownAt), batch.map(\.shown.lastShownAt),
                 batch.map { Int32(clamping: $0.shown.times) }]
            )
        }
    }

    /// What `viewer` was shown, for tests and evaluation: subject to when and how often.
    public func shown(to viewer: UUID) async throws -> [UUID: ViewerImpressions.Shown] {
        try await pool.withConnection { connection in
            var shown: [UUID: ViewerImpressions.Shown] = [:]
            for row in try connection.query(
                "SELECT subject_id, first_shown_at, last_shown_at, times FROM match_impressions WHERE viewer_id = $1", [viewer]
            ).rows {
                shown[try row.decode(UUID.self, at: 0)] = ViewerImpressions.Shown(
                    firstShownAt: try row.decode(Date.self, at: 1), lastShownAt: try row.decode(Date.self, at: 2), times: try row.decode(Int.self, at: 3)
                )
            }
            return shown
        }
    }
}
