import Domain
import Foundation
import Logging
import Postgres
import DemoData
import Storage

/// A fresh, migrated database for one test, copied from a template migrated once per run.
///
/// Uses libpq's `PG*` variables (./deploy/test sets them to a throwaway cluster) and refuses any
/// host that is not on this machine, so a test can never touch a shared database.
public struct TestDatabase: Sendable {
    public let name: String
    public let pool: ConnectionPool

    public var connectionString: String { "dbname=\(name)" }

    /// Limits for a loaded CI machine, where a slow connect, lease or statement must not fail a
    /// test; the tests about deadlines set their own.
    public static func loadedMachine(connectionString: String, maxConnections: Int) -> ConnectionPool.Configuration {
        .init(
            connectionString: connectionString, maxConnections: maxConnections, connectTimeoutSeconds: 15,
            leaseTimeout: .seconds(30), statementTimeout: .seconds(60)
        )
    }

    /// Runs `body` with a new database and drops it afterwards; with `demo`, the database holds the
    /// demo data (`Seeder.loadDemo`), copied from a template loaded once per run instead of per test.
    public static func with<T: Sendable>(
        maxConnections: Int = 4,
        demo: Bool = false,
        _ body: (TestDatabase) async throws -> T
    ) async throws -> T {
        let template = try await (demo ? demoTemplateName : templateName).value
        await slots.acquire()
        defer { Task { await slots.release() } }
        let name = "asar_test_\(UUID().uuidString.prefix(8).lowercased())_\(ProcessInfo.processInfo.processIdentifier)"
        try await admin.withConnection { connection in
            try connection.execute("CREATE DATABASE \(name) TEMPLATE \(template)")
        }
        let pool = ConnectionPool(configuration: loadedMachine(connectionString: "dbname=\(name)", maxConnections: maxConnections))
        let database = TestDatabase(name: name, pool: pool)
        do {
            let value = try await body(database)
            await database.drop()
            return value
        } catch {
            await database.drop()
            throw error
        }
    }

    /// Databases that may exist at once. Swift Testing starts every test together; each database
    /// takes a pool of its own (and a service's pool beside it), and past some hundred test
    /// databases the cluster refuses connections ("too many clients") and two cores thrash.
    private static let slots = DatabaseSlots(count: Int(ProcessInfo.processInfo.environment["ASAR_TEST_DATABASES"] ?? "") ?? 32)

    private func drop() async {
        await pool.shutdown()
        _ = try? await Self.admin.withConnection { connection in
            try connection.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        }
    }

    /// The migrations of this checkout.
    public static let migrations: [Migration] = {
        do { return try SQLFiles.migrations() } catch { fatalError("cannot read SQL/migrations: \(error)") }
    }()

    private static let admin: ConnectionPool = {
        let environment = ProcessInfo.processInfo.environment
        let host = environment["PGHOST"] ?? ""
        let isLocal = host.isEmpty || host.hasPrefix("/") || ["localhost", "127.0.0.1", "::1"].contains(host)
        precondition(isLocal, "tests refuse PGHOST=\(host): run them through ./deploy/test against a local throwaway cluster")
        precondition(environment["DATABASE_URL"] == nil, "unset DATABASE_URL: tests make their own databases")
        // Copying a template and dropping a database can take seconds while every core is busy.
        var configuration = loadedMachine(connectionString: "dbname=postgres", maxConnections: 2)
        configuration.leaseTimeout = .seconds(120)
        return ConnectionPool(configuration: configuration)
    }()

    private static let demoTemplateName: Task<String, any Error> = Task {
        let template = try await templateName.value
        let name = "asar_demo_template_\(ProcessInfo.processInfo.processIdentifier)"
        try await admin.withConnection { connection in
            try connection.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            try connection.execute("CREATE DATABASE \(name) TEMPLATE \(template)")
        }
        let setup = ConnectionPool(configuration: loadedMachine(connectionString: "dbname=\(name)", maxConnections: 1))
        _ = try await Seeder.loadDemo(into: setup, onlyIfEmpty: false)
        await setup.shutdown()
        return name
    }

    private static let templateName: Task<String, any Error> = Task {
        let name = "asar_template_\(ProcessInfo.processInfo.processIdentifier)"
        let logger = Logger(label: "asar.test")
        try await admin.withConnection { connection in
            try connection.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            try connection.execute("CREATE DATABASE \(name)")
        }
        let setup = ConnectionPool(configuration: .init(connectionString: "dbname=\(name)", maxConnections: 1, statementTimeout: .seconds(600)))
        try await setup.withConnection { connection in
            try Migrator.migrate(migrations, on: connection, logger: logger)
        }
        await setup.shutdown()
        return name
    }
}


/// A counting semaphore for test databases: `acquire` waits while all are taken, first come
/// first served.
actor DatabaseSlots {
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(count: Int) {
        free = max(1, count)
    }

    func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty {
            free += 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
