import Domain
import Matching
import Storage
import Foundation
import Postgres

/// How many rows a load inserted.
public struct SeedSummary: Sendable, Equatable {
    public let organizations: Int
    public let projects: Int
    public let partnerships: Int

    public init(organizations: Int, projects: Int, partnerships: Int = 0) {
        self.organizations = organizations
        self.projects = projects
        self.partnerships = partnerships
    }

    public static let nothing = SeedSummary(organizations: 0, projects: 0)
}

/// Loads deterministic seed data: the same call gives the same rows, ids and timestamps every time.
///
/// Demo and synthetic data can share a database: demo BINs are registered in 2010-2024, synthetic
/// ones in 2001-2009. Neither can be loaded twice into one database (the ids and BINs would repeat);
/// such a load fails with `DomainError.conflict` and leaves the database as it was.
public enum Seeder {
    /// Bulk loads and index builds of 100k rows take far longer than a request's statement may.
    static let bulkStatementTimeout: Duration = .seconds(600)

    /// Deterministic realistic demo data; when onlyIfEmpty and organizations already has rows, does nothing and returns zeros.
    ///
    /// About 300 organizations (20 akimats, 3 national bodies, 120 NGOs, 120 businesses), 150 NGO
    /// projects (half of them in a district) and partnerships at every stage with their event trails,
    /// milestone reports and final evaluations, in one transaction.
    public static func loadDemo(into pool: ConnectionPool, onlyIfEmpty: Bool) async throws -> SeedSummary {
        let demo = DemoData.make()
        let issues = demo.organizations.flatMap { OrganizationRules.issues($0.fields) }
        guard issues.isEmpty else { throw DomainError.invalid(issues) }
        return try await pool.withTransaction(statementTimeout: Self.bulkStatementTimeout) { connection in
            // Two instances seeding at start-up queue here; the second then finds the rows and skips.
            try connection.execute("LOCK TABLE organizations IN SHARE ROW EXCLUSIVE MODE")
            if onlyIfEmpty, try hasOrganizations(connection) { return .nothing }
            try connection.execute(MatchIndexRepository.bulkLoadStart)
            let summary = try reportingConflicts {
                SeedSummary(
                    organizations: try connection.copyIn(SeedCopy.organizations, lines: demo.organizations.lazy.map(SeedCopy.line)),
                    projects: try connection.copyIn(SeedCopy.projects, lines: demo.projects.lazy.map(SeedCopy.line))
                )
            }
            // The demo shows the whole lifecycle, and approval needs verified parties.
            try connection.query(
                "UPDATE organizations SET verification = 'verified' WHERE id = ANY ($1::uuid[])",
                [demo.organizations.map(\.id)]
            )
            let partnerships = try DemoPartnershipLoader.insert(demo.partnerships, on: connection)
            try connection.execute(MatchIndexRepository.bulkLoadEnd)
            return SeedSummary(organizations: summary.organizations, projects: summary.projects, partnerships: partnerships)
        }
    }

    /// count organizations and count/2 projects of generated data, for benchmarks; fast.
    ///
    /// Meant for an empty database (or one holding only the demo data). Kinds are 45% NGO, 45%
    /// business and 10% akimats; projects belong to the synthetic NGOs. Rows are generated one at a
    /// time while COPY streams them, in one transaction, and both tables are analyzed afterwards.
    public static func loadSynthetic(count: Int, into pool: ConnectionPool, seed: UInt64 = 42) async throws -> SeedSummary {
        guard (0...SyntheticData.capacity).contains(count) else {
            throw DomainError.invalid([FieldIssue(
                field: "count", code: "out_of_range",
                message: "Synthetic loads hold between 0 and \(SyntheticData.capacity) organizations."
            )])
        }
        let summary = try await pool.withTransaction(statementTimeout: Self.bulkStatementTimeout) { connection in
            try connection.execute(MatchIndexRepository.bulkLoadStart)
            let summary = try reportingConflicts {
                let organizations = try connection.copyIn(
                    SeedCopy.organizations,
                    lines: (0..<count).lazy.map { SeedCopy.line(SyntheticData.organization($0, seed: seed)) }
                )
                let projects = try connection.copyIn(
                    SeedCopy.projects,
                    lines: (0..<count / 2).lazy.map { SeedCopy.line(SyntheticData.project($0, organizationCount: count, seed: seed)) }
                )
                return SeedSummary(organizations: organizations, projects: projects)
            }
            try connection.execute(MatchIndexRepository.bulkLoadEnd)
            return summary
        }
        // Fresh statistics, or the planner keeps treating the tables as empty until autovacuum runs.
        try await pool.withConnection(statementTimeout: Self.bulkStatementTimeout) { connection in
            // One statement each: VACUUM refuses to run in the implicit transaction of a multi-statement string.
            for table in ["organizations", "projects"] {
                try connection.execute("VACUUM ANALYZE \(table)")
            }
        }
        return summary
    }

    private static func hasOrganizations(_ connection: Connection) throws -> Bool {
        try connection.query("SELECT EXISTS (SELECT 1 FROM organizations)").first?.decode(Bool.self, at: 0) ?? false
    }

    private static func reportingConflicts<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PostgresError where error.isUniqueViolation {
            throw DomainError.conflict(
                code: "seed_conflict",
                message: "Seed rows clash with existing ones (\(error.constraint ?? "unique key")); this data set is already loaded."
            )
        }
    }
}
