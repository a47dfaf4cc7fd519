import Foundation
import Logging

/// One numbered SQL file.
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// Reads `NNNN_name.sql` files from a folder, in version order.
    public static func load(from directory: URL) throws -> [Migration] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".sql") }
        let migrations = try files.map { file -> Migration in
            let stem = file.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]) else {
                throw MigrationError.badFileName(file)
            }
            let sql = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            return Migration(version: version, name: String(stem[stem.index(after: underscore)...]), sql: sql)
        }.sorted { $0.version < $1.version }
        for (previous, next) in zip(migrations, migrations.dropFirst()) where previous.version == next.version {
            throw MigrationError.duplicateVersion(next.version)
        }
        return migrations
    }
}

public enum MigrationError: Error, Equatable {
    case badFileName(String)
    case duplicateVersion(Int)
    case directoryNotFound(String)
    /// The database records a migration whose file is gone or whose name changed.
    case unknownApplied(version: Int, name: String)
}

/// Applies migrations once each, in order, each in its own transaction.
public enum Migrator {
    // An arbitrary constant shared by every instance of the service: two instances starting
    // together queue on this lock instead of both applying the same migration.
    private static let advisoryLockKey: Int64 = 0x4153_4152_4D49_47

    /// Applies what is missing and returns the versions it applied.
    ///
    /// Each statement may take `statementTimeout` (nil: no limit): a migration may rewrite a large
    /// table, and a second instance waits here until the first has migrated. The connection's own
    /// timeout is restored afterwards.
    @discardableResult
    public static func migrate(
        _ migrations: [Migration],
        on connection: Connection,
        logger: Logger,
        statementTimeout: Duration? = .seconds(600)
    ) throws -> [Int] {
        let previousTimeout = connection.statementTimeout
        try connection.setStatementTimeout(statementTimeout)
        defer { _ = try? connection.setStatementTimeout(previousTimeout) }
        try connection.query("SELECT pg_advisory_lock($1)", [advisoryLockKey])
        defer { _ = try? connection.query("SELECT pg_advisory_unlock($1)", [advisoryLockKey]) }
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY,
                name text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
        let applied = try appliedVersions(on: connection)
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0.name) })
        for (version, name) in applied.sorted(by: { $0.key < $1.key }) where known[version] != name {
            throw MigrationError.unknownApplied(version: version, name: name)
        }
        var newlyApplied: [Int] = []
        for migration in migrations where applied[migration.version] == nil {
            try connection.transaction {
                try connection.execute(migration.sql)
                try connection.query(
                    "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                    [migration.version, migration.name]
                )
            }
            logger.info("applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            newlyApplied.append(migration.version)
        }
        return newlyApplied
    }

    /// Versions recorded in the database, or empty when none were ever applied.
    public static func appliedVersions(on connection: Connection) throws -> [Int: String] {
        let exists = try connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL")
        guard let row = exists.first, try row.decode(Bool.self, at: 0) else { return [:] }
        let rows = try connection.query("SELECT version, name FROM schema_migrations").rows
        return try Dictionary(uniqueKeysWithValues: rows.map { (try $0.decode(Int.self, at: 0), try $0.decode(String.self, at: 1)) })
    }
}
