import Domain
import Foundation
import Postgres

/// Results frameworks: reading them, and changing one after approval through a reviewer.
extension PartnershipRepository {
    public func framework(of id: UUID) async throws -> ResultsFramework {
        try await pool.withConnection { connection in try Self.framework(of: id, on: connection) }
    }

    static func framework(of id: UUID, on connection: Connection) throws -> ResultsFramework {
        guard let row = try connection.query(
            "SELECT reporting_period_days, framework_changed_at FROM partnerships WHERE id = $1", [id]
        ).first else { throw DomainError.notFound(resource: "partnership") }
        let indicators = try connection.query(
            "SELECT name, unit, baseline, target FROM partnership_indicators WHERE partnership_id = $1 ORDER BY position", [id]
        ).rows.map(decodeIndicator)
        var framework = ResultsFramework(indicators: indicators, reportingPeriodDays: try row.decode(Int.self, at: 0))
        framework.changedAt = try row.decode(Date?.self, at: 1)
        return framework
    }

    /// Requests to change the framework, newest first.
    public func frameworkChanges(of id: UUID) async throws -> [FrameworkChange] {
        try await pool.withConnection { connection in
            try connection.query("\(Self.changeColumns) WHERE c.partnership_id = $1 ORDER BY c.requested_at DESC, c.id", [id])
                .rows.map(Self.decodeChange)
        }
    }

    /// Partnerships in a jurisdiction (nil: everywhere) with a framework change waiting for a
    /// reviewer, the longest waiting first.
    public func pendingFrameworkChanges(in jurisdiction: String?, limit: Int) async throws -> [(Partnership, FrameworkChange)] {
        try await pool.withConnection { connection in
            let pending = try connection.query(
                """
                \(Self.changeColumns)
                JOIN partnerships x ON x.id = c.partnership_id JOIN projects pr ON pr.id = x.project_id
                WHERE c.decision IS NULL AND x.state IN ('approved', 'active')
                  AND ($1::text IS NULL OR pr.region_scope @> ARRAY[$1::text])
                ORDER BY c.requested_at, c.id
                LIMIT $2
                """,
                [jurisdiction, limit]
            ).rows.map(Self.decodeChange)
            return try pending.map { (try Self.find($0.partnershipID, on: connection, lock: false), $0) }
        }
    }

    /// Records a request to change the framework once `authorize` accepts the caller for the
    /// partnership as it stands under a row lock; one request may be pending at a time.
    public func requestFrameworkChange(
        _ id: UUID, framework: ResultsFramework, reason: String, by actor: Actor,
        authorize: @escaping @Sendable (Partnership) throws -> Void
    ) async throws -> FrameworkChange {
        try await pool.withTransaction { connection in
            let current = try Self.find(id, on: connection, lock: true)
            try authorize(current)
            guard let changeID = try connection.query(
                """
                INSERT INTO partnership_framework_changes (partnership_id, indicators, reporting_period_days, reason, requested_by)
                SELECT $1, coalesce(jsonb_agg(jsonb_build_object('name', n, 'unit', u, 'baseline', b, 'target', t) ORDER BY o), '[]'), $6, $7, $8
                FROM unnest($2::text[], $3::text[], $4::float8[], $5::float8[]) WITH ORDINALITY AS x(n, u, b, t, o)
                ON CONFLICT (partnership_id) WHERE decision IS NULL DO NOTHING
                RETURNING id
                """,
                [id, framework.indicators.map { $0.name.trimmingCharacters(in: .whitespacesAndNewlines) },
                 framework.indicators.map { $0.unit.trimmingCharacters(in: .whitespacesAndNewlines) },
                 framework.indicators.map(\.baseline), framework.indicators.map(\.target),
                 framework.reportingPeriodDays, reason, actor.organizationID]
            ).first?.decode(UUID.self, at: 0) else {
                throw DomainError.conflict(
                    code: "change_pending", message: "A change to this results framework already waits for a reviewer."
                )
            }
            try Self.record(
                event: "request_framework_change", on: id, from: current.state, to: current.state, by: actor, comment: reason,
                data: ["indicators": framework.indicators.map(\.name).joined(separator: "; "),
                       "reporting_period_days": String(framework.reportingPeriodDays)],
                on: connection
            )
            try connection.query("UPDATE partnerships SET version = version + 1, updated_at = clock_timestamp() WHERE id = $1", [id])
            return try Self.change(changeID, on: connection)
        }
    }

    /// A reviewer's decision on the pending request; accepting replaces the framework.
    public func decideFrameworkChange(
        _ id: UUID, accept: Bool, comment: String?, by actor: Actor,
        authorize: @escaping @Sendable (Partnership) throws -> Void
    ) async throws -> FrameworkChange {
        try await pool.withTransaction { connection in
            let current = try Self.find(id, on: connection, lock: true)
            try authorize(current)
            guard let pending = try connection.query(
                "SELECT id FROM partnership_framework_changes WHERE partnership_id = $1 AND decision IS NULL", [id]
            ).first?.decode(UUID.self, at: 0) else {
                throw DomainError.conflict(code: "no_pending_change", message: "No change to this results framework waits for a decision.")
            }
            try connection.query(
                """
                UPDATE partnership_framework_changes SET decision = $2, decided_by = $3, decided_at = clock_timestamp(), comment = $4
                WHERE id = $1
                """,
                [pending, accept ? "accepted" : "declined", actor.organizationID, comment]
            )
            let change = try Self.change(pending, on: connection)
            if accept {
                try Self.replaceIndicators(of: id, with: change.framework.indicators, on: connection)
                try connection.query(
                    "UPDATE partnerships SET reporting_period_days = $2, framework_changed_at = clock_timestamp() WHERE id = $1",
                    [id, change.framework.reportingPeriodDays]
                )
            }
            try Self.record(
                event: accept ? "accept_framework_change" : "decline_framework_change", on: id, from: current.state, to: current.state,
                by: actor, comment: comment, on: connection
            )
            try connection.query("UPDATE partnerships SET version = version + 1, updated_at = clock_timestamp() WHERE id = $1", [id])
            return change
        }
    }

    private static let changeColumns = """
        SELECT c.id, c.partnership_id, c.reporting_period_days, c.reason, c.requested_by, c.requested_at, c.decision, c.decided_at, c.comment,
            coalesce((SELECT array_agg(x->>'name' ORDER BY o) FROM jsonb_array_elements(c.indicators) WITH ORDINALITY AS e(x, o)), '{}'),
            coalesce((SELECT array_agg(x->>'unit' ORDER BY o) FROM jsonb_array_elements(c.indicators) WITH ORDINALITY AS e(x, o)), '{}'),
            coalesce((SELECT array_agg((x->>'baseline')::float8 ORDER BY o) FROM jsonb_array_elements(c.indicators) WITH ORDINALITY AS e(x, o)), '{}'),
            coalesce((SELECT array_agg((x->>'target')::float8 ORDER BY o) FROM jsonb_array_elements(c.indicators) WITH ORDINALITY AS e(x, o)), '{}')
        FROM partnership_framework_changes c
        """

    private static func change(_ id: UUID, on connection: Connection) throws -> FrameworkChange {
        guard let row = try connection.query("\(changeColumns) WHERE c.id = $1", [id]).first else {
            throw DomainError.notFound(resource: "framework change")
        }
        return try decodeChange(row)
    }

    private static func decodeChange(_ row: Row) throws -> FrameworkChange {
        let names = try row.decode([String].self, at: 9)
        let units = try row.decode([String].self, at: 10)
        let baselines = try row.decode([Double].self, at: 11)
        let targets = try row.decode([Double].self, at: 12)
        let indicators = names.indices.map { Indicator(name: names[$0], unit: units[$0], baseline: baselines[$0], target: targets[$0]) }
        return FrameworkChange(
            id: try row.decode(UUID.self, at: 0),
            partnershipID: try row.decode(UUID.self, at: 1),
            framework: ResultsFramework(indicators: indicators, reportingPeriodDays: try row.decode(Int.self, at: 2)),
            reason: try row.decode(String.self, at: 3),
            requestedBy: try row.decode(UUID?.self, at: 4),
            requestedAt: try row.decode(Date.self, at: 5),
            decision: try row.decode(String?.self, at: 6).flatMap(FrameworkChange.Decision.init(rawValue:)),
            decidedAt: try row.decode(Date?.self, at: 7),
            comment: try row.decode(String?.self, at: 8)
        )
    }

    private static func decodeIndicator(_ row: Row) throws -> Indicator {
        Indicator(
            name: try row.decode(String.self, at: 0), unit: try row.decode(String.self, at: 1),
            baseline: try row.decode(Double.self, at: 2), target: try row.decode(Double.self, at: 3)
        )
    }
}
