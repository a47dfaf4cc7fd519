import API
import ArgumentParser
import Foundation
import Logging
import Matching
import Postgres
import Domain
import Storage
import UseCases
#if canImport(Glibc)
import Glibc
#endif

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the service; figures go to BENCHMARKS.md.",
        subcommands: [BenchMatch.self, BenchRound.self, BenchCall.self]
    )
}

/// Latency of every match endpoint against the bare candidate SQL of the same run.
struct BenchMatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: "p50/p95/p99 of each match endpoint, and of the candidate SQL alone, on the current database.",
        discussion: """
            Starts `asar serve` on a free loopback port as a separate process, sends keep-alive GET requests \
            from one connection, and reads the service's own time from its Server-Timing header. \
            Load data first, e.g. `asar seed --synthetic 100000`.
            """
    )

    @Option(help: "Measured requests per endpoint.") var requests = 1_000
    @Option(help: "Unmeasured requests per endpoint first.") var warmup = 100
    @Option(help: "Results per request.") var limit = 10

    func validate() throws {
        guard requests >= 1, warmup >= 0, (1...50).contains(limit) else {
            throw ValidationError("--requests must be positive, --warmup not negative, --limit 1 to 50.")
        }
    }

    func run() async throws {
        let samples = try await withPool { try await Samples.load(pool: $0) }
        print("Database: \(samples.organizationCount) organizations, \(samples.projectCount) projects; \(requests) requests per endpoint after \(warmup) warm-up.")
        let server = try ServiceProcess.start()
        defer { server.stop() }

        let endpoints: [(String, [String])] = [
            ("GET /v1/projects/{id}/matches?kind=business", samples.projects.map { "/v1/projects/\($0)/matches?kind=business&limit=\(limit)" }),
            ("GET /v1/projects/{id}/matches?kind=government_body", samples.projects.map { "/v1/projects/\($0)/matches?kind=government_body&limit=\(limit)" }),
            ("GET /v1/projects/{id}/triples", samples.projects.map { "/v1/projects/\($0)/triples?limit=\(limit)" }),
            ("GET /v1/organizations/{business}/matches", samples.businesses.map { "/v1/organizations/\($0)/matches?limit=\(limit)" }),
            ("GET /v1/organizations/{ngo}/matches", samples.ngos.map { "/v1/organizations/\($0)/matches?limit=\(limit)" }),
            ("GET /v1/organizations/{government}/matches", samples.governmentBodies.map { "/v1/organizations/\($0)/matches?limit=\(limit)" }),
        ]
        print("")
        print("endpoint                                              server ms: p50      p95      p99   client ms: p50      p95      p99    req/s")
        var projectMatchServer: LatencyStats?
        for (name, paths) in endpoints {
            let (server, client, elapsed) = try await measure(paths: paths, port: server.port)
            if projectMatchServer == nil { projectMatchServer = server }
            let rate = Double(requests) / elapsed
            print("\(name.padding(toLength: 52, withPad: " ", startingAt: 0))  \(formatted(server.p50)) \(formatted(server.p95)) \(formatted(server.p99))    \(formatted(client.p50)) \(formatted(client.p95)) \(formatted(client.p99)) \(formatted(rate, width: 8))")
        }

        let index = try await withPool { pool in try await measureIndex(pool: pool, projects: samples.projects) }
        print(String(
            format: "candidate index: loaded in %.2f s, %.1f MB resident (%d organizations, %d open projects)",
            index.loadSeconds, index.megabytes, index.organizations, index.openProjects
        ))
        print("sponsor candidates of project matches (in-process)     \(formatted(index.generation.p50)) \(formatted(index.generation.p95)) \(formatted(index.generation.p99))")
        if let endpoint = projectMatchServer {
            print("")
            print(String(format: "project matches (server) / candidate generation: p50 %.2fx, p95 %.2fx", endpoint.p50 / index.generation.p50, endpoint.p95 / index.generation.p95))
            print(String(format: "target p95 <= 3 ms server-side for project matches: %@", endpoint.p95 <= 3 ? "met" : "NOT met"))
            print(String(format: "target index load <= 5 s: %@", index.loadSeconds <= 5 ? "met" : "NOT met"))
        }
    }

    private func measure(paths: [String], port: Int) async throws -> (server: LatencyStats, client: LatencyStats, seconds: Double) {
        let requests = requests
        let warmup = warmup
        return try await onOwnThread {
            let probe = try HTTPProbe(port: port)
            for index in 0..<warmup { _ = try probe.get(paths[index % paths.count]) }
            var serverTimes: [Double] = []
            var clientTimes: [Double] = []
            let clock = ContinuousClock()
            let start = clock.now
            for index in 0..<requests {
                let before = clock.now
                let reply = try probe.get(paths[index % paths.count])
                clientTimes.append(milliseconds(clock.now - before))
                guard reply.status == 200 else { throw ValidationError("\(paths[index % paths.count]) answered \(reply.status)") }
                if let server = reply.serverMilliseconds { serverTimes.append(server) }
            }
            return (LatencyStats(serverTimes), LatencyStats(clientTimes), milliseconds(clock.now - start) / 1_000)
        }
    }

    /// The candidate index loaded in this process as the service loads it (time, and growth of the
    /// resident set), and candidate generation for project matches alone: no scoring, no database.
    private func measureIndex(pool: ConnectionPool, projects: [String]) async throws
        -> (loadSeconds: Double, megabytes: Double, organizations: Int, openProjects: Int, generation: LatencyStats) {
        let scorer = MatchScorer(taxonomy: FocusTaxonomy(focusAreas: try await ReferenceRepository(pool: pool).focusAreas()))
        let before = residentBytes()
        let start = ContinuousClock.now
        let index = try await MatchIndexRepository(pool: pool).load()
        let loadSeconds = milliseconds(ContinuousClock.now - start) / 1_000
        let megabytes = Double(residentBytes() - before) / 1_048_576
        let subjects = projects.compactMap(UUID.init(uuidString:)).compactMap { id -> (IndexedProject, PartnerProfile)? in
            guard let project = index.openProject(id), let owner = index.organization(project.profile.organizationID) else { return nil }
            return (project, owner.profile)
        }
        guard !subjects.isEmpty else { throw ValidationError("none of the sampled projects is in the index") }
        var times: [Double] = []
        for round in 0..<(warmup + requests) {
            let (project, owner) = subjects[round % subjects.count]
            let start = ContinuousClock.now
            _ = index.sponsors(
                for: project.profile, owner: owner, signature: project.signature, scorer: scorer, reach: .anywhere,
                limit: MatchOptions().candidates(cap: MatchingConfiguration().candidateLimit)
            )
            if round >= warmup { times.append(milliseconds(ContinuousClock.now - start)) }
        }
        return (loadSeconds, megabytes, index.organizationCount, index.openProjectCount, LatencyStats(times))
    }

    private func residentBytes() -> Int {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
              let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}

/// Ids to ask about, spread over the data by a stable hash so every run asks the same.
struct Samples: Sendable {
    let projects: [String]
    let businesses: [String]
    let ngos: [String]
    let governmentBodies: [String]
    let organizationCount: Int
    let projectCount: Int

    static func load(pool: ConnectionPool) async throws -> Samples {
        try await pool.withConnection { connection in
            func ids(_ sql: String) throws -> [String] {
                try connection.query(sql).rows.map { try $0.decode(String.self, at: 0) }
            }
            let counts = try connection.query("SELECT (SELECT count(*) FROM organizations), (SELECT count(*) FROM projects)").rows[0]
            let samples = Samples(
                projects: try ids("SELECT id::text FROM projects WHERE status = 'open' ORDER BY md5(id::text) LIMIT 200"),
                businesses: try ids("SELECT id::text FROM organizations WHERE kind = 'business' AND active ORDER BY md5(id::text) LIMIT 200"),
                ngos: try ids("""
                    SELECT DISTINCT ON (md5(o.id::text)) o.id::text FROM organizations o JOIN projects p ON p.organization_id = o.id
                    WHERE p.status = 'open' AND o.active ORDER BY md5(o.id::text) LIMIT 200
                    """),
                governmentBodies: try ids("SELECT id::text FROM organizations WHERE kind = 'government_body' AND active ORDER BY md5(id::text) LIMIT 50"),
                organizationCount: try counts.decode(Int.self, at: 0),
                projectCount: try counts.decode(Int.self, at: 1)
            )
            guard !samples.projects.isEmpty, !samples.businesses.isEmpty, !samples.ngos.isEmpty, !samples.governmentBodies.isEmpty else {
                throw ValidationError("The database holds too little data: run `asar seed --synthetic 100000` first.")
            }
            return samples
        }
    }
}

/// `asar serve` in a child process on a free loopback port.
struct ServiceProcess {
    let process: Process
    let port: Int

    static func start() throws -> ServiceProcess {
        let port = try freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", String(port)]
        var environment = ProcessInfo.processInfo.environment
        environment["LOG_LEVEL"] = environment["LOG_LEVEL"] ?? "warning"
        process.environment = environment
        try process.run()
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let probe = try? HTTPProbe(port: port), (try? probe.get("/ready"))?.status == 200 {
                return ServiceProcess(process: process, port: port)
            }
            usleep(100_000)
        }
        process.terminate()
        throw ValidationError("the service did not become ready on port \(port)")
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }

    private static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(descriptor, pointer, length) == 0 else { return -1 }
                return getsockname(descriptor, pointer, &length)
            }
        }
        guard bound == 0 else { throw ValidationError("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
