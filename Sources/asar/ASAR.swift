import API
import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Metrics
import Postgres
import Domain
import DemoData
import Storage

struct ASAR: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "asar",
        abstract: "Matchmaking for tripartite social partnerships: businesses, NGOs and government bodies.",
        discussion: "The database comes from DATABASE_URL, or else libpq's PG* variables.",
        subcommands: [Serve.self, Migrate.self, Seed.self, Token.self, User.self, Demo.self, Bench.self, Evaluate.self],
        defaultSubcommand: Serve.self
    )
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the HTTP service (migrates first).")

    @Option(help: "Address to listen on.") var host = ProcessInfo.processInfo.environment["ASAR_HOST"] ?? "127.0.0.1"
    @Option(help: "Port to listen on.") var port = Int(ProcessInfo.processInfo.environment["ASAR_PORT"] ?? "") ?? 8080
    @Flag(help: "Do not apply pending migrations at start-up.") var skipMigrations = false

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let configuration = ServiceConfiguration(
            host: host,
            port: port,
            database: .fromEnvironment(environment),
            migrateOnStart: !skipMigrations,
            logLevel: environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info,
            matching: .fromEnvironment(environment)
        )
        let metrics = ServiceMetrics()
        // One registry for ASAR's series and Hummingbird's, served at /metrics.
        MetricsSystem.bootstrap(metrics.factory)
        let app = try buildApplication(configuration, migrations: try SQLFiles.migrations(), metrics: metrics)
        try await app.runService()
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations and exit.")

    func run() async throws {
        let logger = Logger(label: "asar.migrate")
        let migrations = try SQLFiles.migrations()
        let applied = try await withPool { pool in
            try await pool.withConnection { connection in
                try Migrator.migrate(migrations, on: connection, logger: logger)
            }
        }
        print(applied.isEmpty ? "Schema is current (\(migrations.count) migrations)." : "Applied migrations \(applied).")
    }
}

struct Seed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Load demo or synthetic data.")

    @Flag(help: "Load the deterministic demo dataset.") var demo = false
    @Flag(help: "With --demo: do nothing when organizations already exist.") var ifEmpty = false
    @Option(help: "Generate N organizations and N/2 projects for benchmarks.") var synthetic: Int?

    func validate() throws {
        guard demo != (synthetic != nil) else { throw ValidationError("Choose exactly one of --demo and --synthetic N.") }
        if let synthetic, synthetic < 1 { throw ValidationError("--synthetic needs a positive count.") }
    }

    func run() async throws {
        let start = ContinuousClock.now
        let summary = try await withPool { pool in
            if let synthetic {
                return try await Seeder.loadSynthetic(count: synthetic, into: pool)
            }
            let summary = try await Seeder.loadDemo(into: pool, onlyIfEmpty: ifEmpty)
            print(try await DemoPeopleLoader.ensure(in: pool))
            return summary
        }
        let elapsed = ContinuousClock.now - start
        if demo && ifEmpty && summary.organizations == 0 {
            print("Organizations already exist; demo data not loaded again.")
        } else {
            print("Loaded \(summary.organizations) organizations and \(summary.projects) projects in \(elapsed.formatted(.units(allowed: [.seconds, .milliseconds]))).")
        }
    }
}

/// Runs `body` with a small pool built from the environment, closing it afterwards.
func withPool<T: Sendable>(_ body: (ConnectionPool) async throws -> T) async throws -> T {
    var configuration = ConnectionPool.Configuration.fromEnvironment(ProcessInfo.processInfo.environment)
    configuration.maxConnections = 2
    configuration.connectTimeoutSeconds = 10
    configuration.leaseTimeout = .seconds(600)
    // Batch work (seeding 100k organizations, benchmarks) runs statements far longer than a request may.
    configuration.statementTimeout = .seconds(600)
    configuration.longStatementTimeout = .seconds(600)
    let pool = ConnectionPool(configuration: configuration)
    do {
        let value = try await body(pool)
        await pool.shutdown()
        return value
    } catch {
        await pool.shutdown()
        throw CommandFailure(underlying: error)
    }
}

/// Shows an operator the full error, which the HTTP API deliberately keeps from its clients.
struct CommandFailure: Error, CustomStringConvertible {
    let underlying: any Error
    var description: String { String(reflecting: underlying) }
}
