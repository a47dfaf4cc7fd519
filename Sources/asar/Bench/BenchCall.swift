import ArgumentParser
import DemoData
import Domain
import Foundation
import Postgres
import Storage
import UseCases

/// A national call for proposals on generated data (issue 14): automatic reviewer assignment and
/// the allocation, timed through `CallService`, so the database work counts.
struct BenchCall: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call",
        abstract: "Time a national call: automatic reviewer assignment and the allocation (split and whole), through the use cases.",
        discussion: """
            On the current (migrated) database, with a fixed seed, inserts a national ministry, NGOs with one \
            project per application, co-funding businesses and reviewers (organizations named "Benchmark …" with \
            BINs 9900…, people at @bench-call.invalid), then a call published through CallService with its \
            pledges (some earmarked), its submitted applications, its pool of reviewers and a few declared \
            conflicts. The service's clock is moved past the close and the call's reviewers assigned \
            automatically; reviews for every assignment (and a moderator's score where reviewers disagree) are \
            inserted; the clock is moved past the review date and the money allocated, funding in part and then, \
            with the call's terms changed in the database, whole grants only. Setup is not timed. Everything \
            inserted is removed at the end (and whatever an earlier run left, at the start) unless --keep.
            """
    )

    @Option(help: "Submitted applications.") var applications = 5_000
    @Option(help: "Reviewers in the call's pool.") var reviewers = 300
    @Option(help: "Businesses pledging to the call.") var coFunders = 20
    @Option(help: "Reviewers each application needs (2 to 7).") var reviewersPerApplication = 3
    @Option(help: "Timed runs of automatic assignment (its assignments removed before each).") var assignmentRuns = 3
    @Option(help: "Timed runs of each allocation.") var allocationRuns = 5
    @Option(help: "Seed of the generated data (0 to 99).") var seed: UInt64 = 14
    @Flag(help: "Leave the call in the database afterwards.") var keep = false

    func validate() throws {
        guard applications >= 1, reviewers >= 1, coFunders >= 0, CallTerms.reviewerCounts.contains(reviewersPerApplication),
              assignmentRuns >= 1, allocationRuns >= 1, seed < 100,
              applications <= 100_000, reviewers <= 100_000, coFunders <= 100_000 else {
            throw ValidationError("Counts from 1 to 100,000 (--co-funders may be 0), --reviewers-per-application 2 to 7, --seed 0 to 99.")
        }
    }

    func run() async throws {
        let options = self
        try await withPool { pool in try await CallBenchmark(options: options, pool: pool).run() }
    }
}

/// One run of `asar bench call`: the setup, the timed steps and what they print.
private struct CallBenchmark {
    let options: BenchCall
    let pool: ConnectionPool
    let clock = ServiceClock()
    let service: CallService
    let repository: CallRepository

    static let target = 2.0

    init(options: BenchCall, pool: ConnectionPool) {
        self.options = options
        self.pool = pool
        repository = CallRepository(pool: pool)
        service = CallService(
            calls: repository, organizations: OrganizationRepository(pool: pool),
            reference: ReferenceData(repository: ReferenceRepository(pool: pool)), clock: clock
        )
    }

    func run() async throws {
        var random = SeedRandom(callSeed: options.seed)
        try await Self.removeEverything(pool: pool)
        let world = try await BenchCallWorld.insert(options: options, random: &random, pool: pool)
        let ministry = Caller.organization(Caller.Member(
            organizationID: world.ministry, kind: .governmentBody, jurisdiction: BenchCallWorld.capital, isNational: true, isSuspended: false, role: .owner
        ))

        // The call, published while open, with its pledges; then what the NGOs submitted.
        let now = clock.now()
        let totalAsked = world.asked.reduce(0, +)
        let terms = CallTerms(
            title: LocalizedText(ru: "Национальный конкурс (бенчмарк, seed \(options.seed))", en: "National call (benchmark, seed \(options.seed))"),
            territory: nil, stateBudgetKZT: totalAsked / 5, minGrantKZT: BenchCallWorld.minGrant, maxGrantKZT: BenchCallWorld.maxGrant,
            partialFunding: true, passMark: 60, reviewersPerApplication: options.reviewersPerApplication, moderationSpread: 25,
            opensAt: now - 30 * 86_400, closesAt: now + 3_600, reviewsDueAt: now + 3_600 + 14 * 86_400, resultsAt: now + 3_600 + 28 * 86_400,
            questions: [CallQuestion(text: LocalizedText(ru: "Кому поможет проект?")), CallQuestion(text: LocalizedText(ru: "Как вы измерите результат?"))],
            criteria: [
                CallCriterion(name: LocalizedText(ru: "Потребность"), weight: 3, scaleMax: 10),
                CallCriterion(name: LocalizedText(ru: "План"), weight: 2, scaleMax: 5),
                CallCriterion(name: LocalizedText(ru: "Бюджет"), weight: 2, scaleMax: 5),
                CallCriterion(name: LocalizedText(ru: "Устойчивость"), weight: 1, scaleMax: 5),
            ]
        )
        let draft = try await service.create(terms, governmentBodyID: nil, by: ministry)
        let call = try await service.publish(draft.id, ifMatch: nil, by: ministry)
        var earmarked = 0
        for pledge in world.pledges {
            _ = try await service.pledge(
                to: call.id, amountKZT: pledge.amount, focusAreas: pledge.focusAreas, places: pledge.places, businessID: pledge.business, by: .admin
            )
            if !pledge.focusAreas.isEmpty || !pledge.places.isEmpty { earmarked += 1 }
        }
        try await world.insertApplications(to: call.id, opensAt: terms.opensAt, pool: pool)
        try await world.insertPool(of: call.id, pool: pool)
        try await analyze("organizations", "projects", "people", "memberships", "calls", "call_pledges", "call_applications", "call_answers", "call_reviewers", "call_declared_conflicts", "call_assignments")
        print("Call: national, \(options.applications) submitted applications from \(world.ngoCount) NGOs, \(options.reviewers) reviewers, \(options.reviewersPerApplication) per application, \(world.pledges.count) co-funders' pledges (\(earmarked) earmarked), \(world.declared) declared conflicts (seed \(options.seed)).")
        print("Money: \(terms.stateBudgetKZT) KZT state budget + \(world.pledges.map(\.amount).reduce(0, +)) KZT pledged, against \(totalAsked) KZT asked.")
        print("Machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, load average \(loadAverage()).")

        // (1) Automatic assignment, once the call has closed.
        clock.advance(by: 3_600 + 60)
        print("")
        print("step                                       runs   min s   p50 s   max s   target")
        var times: [Double] = []
        var made = 0
        var short = 0
        for run in 0..<options.assignmentRuns {
            if run > 0 {
                try await removeAssignments(of: call.id)
                try await analyze("call_assignments")
            }
            let start = ContinuousClock.now
            let result = try await service.assignAutomatically(call.id, by: ministry)
            times.append(seconds(ContinuousClock.now - start))
            made = result.added.count
            short = result.short.count
        }
        let assignmentMet = report("automatic reviewer assignment", times)
        let check = try await checkAssignments(of: call.id, in: world)
        print("  \(made) assignments made, \(short) applications short of reviewers; \(check.conflicted) with a conflict of interest; \(check.local) of \(options.applications) applications with a reviewer from their region; load per reviewer \(check.minLoad) to \(check.maxLoad)")

        // Reviews for every assignment, as reviewers would have scored; then past the review date.
        let moderated = try await insertReviews(of: call, random: &random)
        try await analyze("call_assignments", "call_reviews", "call_moderations")
        clock.advance(by: 14 * 86_400)

        // (2) The allocation, funding in part and then whole grants only.
        var allocationMet = true
        for partial in [true, false] {
            if !partial { try await setPartialFunding(of: call.id, false) }
            var times: [Double] = []
            var outcome: CallAllocationOutcome?
            for _ in 0..<options.allocationRuns {
                let start = ContinuousClock.now
                outcome = try await service.allocate(call.id, by: ministry)
                times.append(seconds(ContinuousClock.now - start))
            }
            allocationMet = report(partial ? "allocation, split (funding in part)" : "allocation, whole grants only", times) && allocationMet
            if let outcome { print("  " + describe(outcome)) }
        }
        print("  reviews inserted for every assignment; \(moderated) applications given a moderator's score (reviewers further apart than 25 points)")
        print("")
        print("target: assignment < \(Int(Self.target)) s: \(assignmentMet ? "met" : "NOT met"); allocation < \(Int(Self.target)) s (split and whole): \(allocationMet ? "met" : "NOT met") (every run)")
        print("load average after: \(loadAverage())")
        if !options.keep { try await Self.removeEverything(pool: pool) }
    }

    /// Prints one step's row and says whether every run met the target.
    private func report(_ name: String, _ times: [Double]) -> Bool {
        let sorted = times.sorted()
        let median = sorted[(sorted.count - 1) / 2]
        let met = sorted.last! < Self.target
        print(String(format: "%@ %6ld %7.3f %7.3f %7.3f   %@", name.padding(toLength: 42, withPad: " ", startingAt: 0), times.count, sorted[0], median, sorted.last!, met ? "met" : "NOT met"))
        return met
    }

    private func describe(_ outcome: CallAllocationOutcome) -> String {
        let funded = Set(outcome.grants.map(\.applicationID)).count
        let placed = outcome.grants.reduce(Int64(0)) { $0 + $1.amountKZT }
        let reasons = Dictionary(grouping: outcome.unfunded, by: \.reason).mapValues(\.count)
        let listed = CallUnfunded.Reason.allCases.compactMap { reason in reasons[reason].map { "\(reason.rawValue) \($0)" } }.joined(separator: ", ")
        return String(
            format: "%d applications funded (%d grants, %lld KZT placed); objective %.0f, upper bound %.0f, gap %.4f%%, %@; cut-off %@; not (wholly) funded: %@",
            funded, outcome.grants.count, placed, outcome.objective, outcome.upperBound, outcome.gap * 100, outcome.isExact ? "exact" : "search cut short",
            outcome.cutOff.map { String(format: "%.2f", $0) } ?? "-", listed.isEmpty ? "none" : listed
        )
    }

    // MARK: - Setup, not timed

    /// Every assignment checked against the generated world, not as the repository reads it: the
    /// reviewer's organization is not the applicant, no co-funder whose earmark admits the project,
    /// and no declared conflict (the world has no partnerships). Also local reviewers and the spread of load.
    private func checkAssignments(of call: UUID, in world: BenchCallWorld) async throws -> (conflicted: Int, local: Int, minLoad: Int, maxLoad: Int) {
        let assignments = try await repository.assignments(of: call)
        let regions = try await repository.applicationRegions(of: call)
        let pool = try await repository.reviewers(of: call)
        let application = Dictionary(uniqueKeysWithValues: world.applications.enumerated().map { ($1, $0) })
        let person = Dictionary(uniqueKeysWithValues: world.people.enumerated().map { ($1, $0) })
        let declared = Set(world.declaredPairs.map { "\($0.0) \($0.1)" })
        let bad = assignments.filter { assignment in
            guard let a = application[assignment.applicationID], let p = person[assignment.personID] else { return true }
            let organization = world.memberOf[p]
            let earmarkedFunder = world.pledges.contains { pledge in
                pledge.business == organization && !(pledge.focusAreas.isEmpty && pledge.places.isEmpty)
                    && CallPledge(id: UUID(), callID: call, businessID: pledge.business, amountKZT: pledge.amount, earmarkFocusAreas: pledge.focusAreas,
                                  earmarkPlaces: pledge.places, createdAt: Date(), withdrawnAt: nil)
                        .admits(focusAreas: world.projectFocus[a], regions: [world.ngoRegions[a % world.ngos.count]])
            }
            return organization == world.ngos[a % world.ngos.count] || earmarkedFunder || declared.contains("\(a) \(p)")
        }.count
        let reviewerRegions = Dictionary(uniqueKeysWithValues: pool.map { ($0.personID, $0.regions) })
        let local = Set(assignments.filter { !(reviewerRegions[$0.personID] ?? []).isDisjoint(with: regions[$0.applicationID] ?? []) }.map(\.applicationID)).count
        let loads = pool.map(\.load)
        return (bad, local, loads.min() ?? 0, loads.max() ?? 0)
    }

    /// Scores for every assignment: each application has a quality, each reviewer a leaning, each
    /// score some noise. Where the totals lie further apart than the call allows, a moderator's
    /// score (their mean) is inserted too. Returns how many were moderated.
    private func insertReviews(of call: Call, random: inout SeedRandom) async throws -> Int {
        let assignments = try await repository.assignments(of: call.id).sorted {
            ($0.applicationID.uuidString, $0.personID.uuidString) < ($1.applicationID.uuidString, $1.personID.uuidString)
        }
        var quality: [UUID: Double] = [:]
        var leaning: [UUID: Double] = [:]
        var rows: (applications: [UUID], people: [UUID], scores: [String], totals: [Double]) = ([], [], [], [])
        var totals: [UUID: [Double]] = [:]
        for assignment in assignments {
            let q = quality[assignment.applicationID] ?? { let value = 0.3 + 0.65 * random.unit(); quality[assignment.applicationID] = value; return value }()
            let b = leaning[assignment.personID] ?? { let value = (random.unit() - 0.5) * 0.16; leaning[assignment.personID] = value; return value }()
            let scores = call.terms.criteria.map { criterion in
                let value = (q + b + (random.unit() - 0.5) * 0.2) * Double(criterion.scaleMax)
                return min(criterion.scaleMax, max(0, Int(value.rounded())))
            }
            let total = call.terms.total(of: scores)
            rows.applications.append(assignment.applicationID)
            rows.people.append(assignment.personID)
            rows.scores.append("{" + scores.map(String.init).joined(separator: ",") + "}")
            rows.totals.append(total)
            totals[assignment.applicationID, default: []].append(total)
        }
        let spread = call.terms.moderationSpread
        let moderated = totals.filter { ($0.value.max() ?? 0) - ($0.value.min() ?? 0) > spread }.sorted { $0.key.uuidString < $1.key.uuidString }
        let moderator = try await repository.reviewers(of: call.id).first?.personID
        let batch = rows
        try await pool.withTransaction { connection in
            try connection.query(
                """
                INSERT INTO call_reviews (application_id, person_id, scores, total, comment)
                SELECT a, p, s::smallint[], t, '' FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::float8[]) AS x(a, p, s, t)
                """,
                [batch.applications, batch.people, batch.scores, batch.totals]
            )
            if let moderator, !moderated.isEmpty {
                try connection.query(
                    """
                    INSERT INTO call_moderations (application_id, person_id, score, comment)
                    SELECT a, $1, s, 'Benchmark: the reviewers disagreed; their mean.' FROM unnest($2::uuid[], $3::float8[]) AS x(a, s)
                    """,
                    [moderator, moderated.map(\.key), moderated.map { $0.value.reduce(0, +) / Double($0.value.count) }]
                )
            }
        }
        return moderated.count
    }

    /// Fresh statistics for what the setup wrote, as autovacuum would have them by the time a real
    /// call is assigned or allocated; dead rows of a removed run vacuumed away.
    private func analyze(_ tables: String...) async throws {
        try await pool.withConnection(statementTimeout: .seconds(600)) { connection in
            try connection.execute("VACUUM ANALYZE \(tables.joined(separator: ", "))")
        }
    }

    private func removeAssignments(of call: UUID) async throws {
        try await pool.withConnection { connection in
            try connection.query("DELETE FROM call_assignments WHERE application_id IN (SELECT id FROM call_applications WHERE call_id = $1)", [call])
        }
    }

    /// Published terms never change through the service; the benchmark changes them to time whole grants on the same call.
    private func setPartialFunding(of call: UUID, _ partial: Bool) async throws {
        try await pool.withConnection { connection in
            try connection.query("UPDATE calls SET partial_funding = $2 WHERE id = $1", [call, partial])
        }
    }

    /// Everything an earlier run of the benchmark inserted, whatever its seed: its ministries' calls
    /// with all that hangs on them, its projects, people and organizations.
    static func removeEverything(pool: ConnectionPool) async throws {
        try await pool.withTransaction(statementTimeout: .seconds(600)) { connection in
            let organizations = "SELECT id FROM organizations WHERE bin LIKE '9900%' AND name_en LIKE 'Benchmark %'"
            let calls = "SELECT id FROM calls WHERE government_body_id IN (\(organizations))"
            let applications = "SELECT id FROM call_applications WHERE call_id IN (\(calls))"
            try connection.execute(MatchIndexRepository.bulkLoadStart)
            var removed = 0
            for sql in [
                "DELETE FROM call_grants WHERE call_id IN (\(calls))",
                "DELETE FROM call_unfunded WHERE call_id IN (\(calls))",
                "DELETE FROM call_allocations WHERE call_id IN (\(calls))",
                "DELETE FROM call_moderations WHERE application_id IN (\(applications))",
                "DELETE FROM call_reviews WHERE application_id IN (\(applications))",
                "DELETE FROM call_assignments WHERE application_id IN (\(applications))",
                "DELETE FROM call_declared_conflicts WHERE application_id IN (\(applications))",
                "DELETE FROM call_applications WHERE call_id IN (\(calls))",
                "DELETE FROM call_reviewers WHERE call_id IN (\(calls))",
                "DELETE FROM call_pledges WHERE call_id IN (\(calls))",
                "DELETE FROM calls WHERE id IN (\(calls))",
                "DELETE FROM projects WHERE organization_id IN (\(organizations))",
                "DELETE FROM people WHERE email LIKE '%@bench-call.invalid'",
                "DELETE FROM memberships WHERE organization_id IN (\(organizations))",
                "DELETE FROM notifications WHERE organization_id IN (\(organizations))",
                "DELETE FROM organizations WHERE id IN (\(organizations))",
            ] {
                removed += try connection.query(sql).affectedRows
            }
            if removed > 0 { try connection.execute(MatchIndexRepository.bulkLoadEnd) }
        }
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private func loadAverage() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)).map { $0.split(separator: " ").prefix(3).joined(separator: " ") } ?? "unknown"
    }
}

/// The organizations, people and projects of the benchmark, generated from the seed; inserted once
/// (the ids and BINs are the seed's, so a second run finds them).
private struct BenchCallWorld {
    struct Pledge {
        let business: UUID
        let amount: Int64
        let focusAreas: [String]
        let places: [String]
    }

    static let capital = "710000000"
    static let minGrant: Int64 = 1_000_000
    static let maxGrant: Int64 = 20_000_000

    let ministry: UUID
    let ngos: [UUID]
    let ngoRegions: [String]
    let projects: [UUID]
    /// The applications' ids, one per project: from the seed, as the order of automatic assignment follows them.
    let applications: [UUID]
    let asked: [Int64]
    let pledges: [Pledge]
    let people: [UUID]
    /// The organization each reviewer belongs to.
    let memberOf: [UUID]
    /// Each project's focus areas, by application index.
    let projectFocus: [[String]]
    /// (application index, reviewer index) pairs the reviewer declares a conflict with.
    let declaredPairs: [(Int, Int)]
    var ngoCount: Int { ngos.count }
    var declared: Int { declaredPairs.count }

    static func insert(options: BenchCall, random: inout SeedRandom, pool: ConnectionPool) async throws -> BenchCallWorld {
        let (regions, areas) = try await pool.withConnection { connection in
            (try connection.query("SELECT kato FROM regions WHERE level = 1 ORDER BY kato").rows.map { try $0.decode(String.self, at: 0) },
             try connection.query("SELECT code FROM focus_areas ORDER BY code").rows.map { try $0.decode(String.self, at: 0) })
        }
        guard !regions.isEmpty, !areas.isEmpty else { throw ValidationError("The database has no regions or focus areas: run `asar migrate` first.") }
        let seedText = String(format: "%02d", Int(options.seed))
        // Month 00: no real BIN has it.
        func bin(_ kind: Int, _ index: Int) -> String { "9900" + seedText + String(kind) + String(format: "%05d", index) }

        var ids: [UUID] = [], kinds: [String] = [], bins: [String] = [], forms: [String] = [], names: [String] = []
        var nationwide: [Bool] = [], orgRegions: [[String]] = [], focus: [[String]] = [], csr: [Int64?] = [], budget: [Int64?] = []
        var founded: [Int?] = [], jurisdiction: [String?] = [], level: [String?] = []
        func organization(_ id: UUID, _ kind: String, _ bin: String, _ form: String, _ name: String, nationwide isNationwide: Bool, regions: [String],
                          focusAreas: [String], csrBudget: Int64? = nil, annualBudget: Int64? = nil, foundedYear: Int? = nil,
                          jurisdiction code: String? = nil, level scope: String? = nil) {
            ids.append(id); kinds.append(kind); bins.append(bin); forms.append(form); names.append(name)
            nationwide.append(isNationwide); orgRegions.append(regions); focus.append(focusAreas); csr.append(csrBudget)
            budget.append(annualBudget); founded.append(foundedYear); jurisdiction.append(code); level.append(scope)
        }

        let ministry = random.callUUID()
        organization(ministry, "government_body", bin(0, 0), "ministry", "Benchmark ministry \(options.seed)", nationwide: true, regions: [],
                     focusAreas: areas, jurisdiction: capital, level: "national")
        let ngoCount = max(1, options.applications * 3 / 5)
        var ngos: [UUID] = [], ngoRegions: [String] = []
        for index in 0..<ngoCount {
            let id = random.callUUID()
            let region = regions[random.int(0..<regions.count)]
            ngos.append(id)
            ngoRegions.append(region)
            organization(id, "ngo", bin(1, index), "public_association", "Benchmark NGO \(options.seed)-\(index)", nationwide: false, regions: [region],
                         focusAreas: random.sample(1...3, from: areas), annualBudget: random.amount(5e6, 5e8), foundedYear: 1995 + random.int(0..<25))
        }
        var pledges: [Pledge] = []
        var businesses: [UUID] = []
        for index in 0..<options.coFunders {
            let id = random.callUUID()
            businesses.append(id)
            organization(id, "business", bin(2, index), "llp", "Benchmark co-funder \(options.seed)-\(index)", nationwide: true, regions: [],
                         focusAreas: random.sample(1...3, from: areas), csrBudget: 1_000_000_000_000)
        }

        var projects: [UUID] = [], owners: [UUID] = [], projectRegions: [[String]] = [], projectFocus: [[String]] = []
        var needs: [Int64] = [], titles: [String] = [], asked: [Int64] = [], applications: [UUID] = []
        for index in 0..<options.applications {
            let owner = index % ngoCount
            let amount = min(maxGrant, max(minGrant, random.amount(Double(minGrant), Double(maxGrant)) / 1_000 * 1_000))
            projects.append(random.callUUID())
            applications.append(random.callUUID())
            owners.append(ngos[owner])
            projectRegions.append([ngoRegions[owner]])
            projectFocus.append(random.sample(1...2, from: areas))
            needs.append(amount + amount / 5)
            titles.append("Бенчмарк-проект \(options.seed)-\(index)")
            asked.append(amount)
        }

        // The pledges: together about a fifth of what is asked, each a tenth to ten times the mean
        // share; every fifth earmarked to focus areas, every fifth to a region, every fifth to both.
        let share = Double(asked.reduce(0, +)) / 5 / Double(max(1, options.coFunders))
        for (index, business) in businesses.enumerated() {
            let kind = index % 5
            pledges.append(Pledge(
                business: business, amount: max(1_000, random.amount(share * 0.3, share * 3) / 1_000 * 1_000),
                focusAreas: kind == 0 || kind == 2 ? random.sample(1...2, from: areas) : [],
                places: kind == 1 || kind == 2 ? [regions[random.int(0..<regions.count)]] : []
            ))
        }

        // Reviewers: three in ten from the ministry (no region), six from NGOs (their region; the
        // NGO's own applications conflict), one from a co-funder (conflicts where its earmark admits).
        var people: [UUID] = [], emails: [String] = [], memberOf: [UUID] = []
        for index in 0..<options.reviewers {
            people.append(random.callUUID())
            emails.append("reviewer-\(options.seed)-\(index)@bench-call.invalid")
            switch index % 10 {
            case 0..<3: memberOf.append(ministry)
            case 9 where !pledges.isEmpty: memberOf.append(pledges[random.int(0..<pledges.count)].business)
            default: memberOf.append(ngos[random.int(0..<ngoCount)])
            }
        }
        var declaredPairs: [(Int, Int)] = []
        for _ in 0..<(options.applications / 20) {
            declaredPairs.append((random.int(0..<options.applications), random.int(0..<options.reviewers)))
        }

        let organizationRows = (ids, kinds, bins, forms, names, nationwide, orgRegions.map(literal), focus.map(literal), csr, budget, founded, jurisdiction, level)
        let projectRows = (projects, owners, titles, projectFocus.map(literal), projectRegions.map(literal), needs)
        let peopleRows = (people, emails, memberOf)
        try await pool.withTransaction(statementTimeout: .seconds(600)) { connection in
            try connection.execute(MatchIndexRepository.bulkLoadStart)
            try connection.query(
                """
                INSERT INTO organizations (id, kind, bin, legal_form, name_ru, name_en, nationwide, regions, focus_areas, annual_csr_budget_kzt,
                    max_active_partnerships, annual_budget_kzt, founded_year, jurisdiction, level, verification)
                SELECT i, k, b, f, n, n, w, r::text[], a::text[], c, CASE WHEN k = 'business' THEN 100 END, y, fy, j, l, 'verified'
                FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bool[], $7::text[], $8::text[], $9::bigint[],
                    $10::bigint[], $11::int[], $12::text[], $13::text[]) AS x(i, k, b, f, n, w, r, a, c, y, fy, j, l)
                """,
                [organizationRows.0, organizationRows.1, organizationRows.2, organizationRows.3, organizationRows.4, organizationRows.5,
                 organizationRows.6, organizationRows.7, organizationRows.8, organizationRows.9, organizationRows.10, organizationRows.11, organizationRows.12]
            )
            try connection.query(
                """
                INSERT INTO projects (id, organization_id, title_ru, focus_areas, regions, funding_needed_kzt, duration_months, beneficiaries, status)
                SELECT i, o, t, a::text[], r::text[], n, 12, 100, 'open'
                FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::bigint[]) AS x(i, o, t, a, r, n)
                """,
                [projectRows.0, projectRows.1, projectRows.2, projectRows.3, projectRows.4, projectRows.5]
            )
            try connection.query(
                """
                INSERT INTO people (id, email, display_name, password_hash)
                SELECT i, e, 'Benchmark reviewer ' || o, '!' FROM unnest($1::uuid[], $2::text[]) WITH ORDINALITY AS x(i, e, o)
                """,
                [peopleRows.0, peopleRows.1]
            )
            try connection.query(
                "INSERT INTO memberships (person_id, organization_id, role) SELECT p, o, 'member' FROM unnest($1::uuid[], $2::uuid[]) AS x(p, o)",
                [peopleRows.0, peopleRows.2]
            )
            try connection.execute(MatchIndexRepository.bulkLoadEnd)
        }
        return BenchCallWorld(
            ministry: ministry, ngos: ngos, ngoRegions: ngoRegions, projects: projects, applications: applications, asked: asked, pledges: pledges, people: people,
            memberOf: memberOf, projectFocus: projectFocus, declaredPairs: declaredPairs
        )
    }

    /// The applications, submitted one a minute from the opening on, each answering both questions.
    func insertApplications(to call: UUID, opensAt: Date, pool: ConnectionPool) async throws {
        let owners = projects.indices.map { ngos[$0 % ngos.count] }
        let (applications, projects, asked) = (applications, projects, asked)
        let answer = String(repeating: "Проект помогает семьям района: занятия, консультации и сопровождение. ", count: 5)
        try await pool.withTransaction(statementTimeout: .seconds(600)) { connection in
            try connection.query(
                """
                INSERT INTO call_applications (id, call_id, ngo_id, project_id, amount_kzt, indicators, state, created_at, updated_at, submitted_at)
                SELECT i, $1, n, p, a, '[{"name": "Beneficiaries", "unit": "people", "baseline": 0, "target": 100}]', 'submitted',
                    $6::timestamptz + o * interval '1 minute', $6::timestamptz + o * interval '1 minute', $6::timestamptz + o * interval '1 minute'
                FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::bigint[]) WITH ORDINALITY AS x(i, n, p, a, o)
                """,
                [call, applications, owners, projects, asked, opensAt]
            )
            try connection.query(
                "INSERT INTO call_answers (application_id, position, answer) SELECT a, q, $2 FROM unnest($1::uuid[]) AS x(a), generate_series(1, 2) AS q",
                [applications, answer]
            )
        }
    }

    /// The call's pool of reviewers, added a millisecond apart (the pool's order is stable), and the conflicts some declare.
    func insertPool(of call: UUID, pool: ConnectionPool) async throws {
        let (people, applications, pairs) = (people, applications, declaredPairs)
        try await pool.withTransaction { connection in
            try connection.query(
                """
                INSERT INTO call_reviewers (call_id, person_id, added_at)
                SELECT $1, p, clock_timestamp() - interval '1 day' + o * interval '1 millisecond' FROM unnest($2::uuid[]) WITH ORDINALITY AS x(p, o)
                """,
                [call, people]
            )
            try connection.query(
                """
                INSERT INTO call_declared_conflicts (application_id, person_id, reason)
                SELECT a, p, 'Benchmark: I advised this NGO.' FROM unnest($1::uuid[], $2::uuid[]) AS x(a, p) ON CONFLICT DO NOTHING
                """,
                [pairs.map { applications[$0.0] }, pairs.map { people[$0.1] }]
            )
        }
    }

    private static func literal(_ items: [String]) -> String { "{" + items.joined(separator: ",") + "}" }
}

/// The call's draws, from the seed data's SplitMix64: the same seed, the same call.
private extension SeedRandom {
    init(callSeed seed: UInt64) { self.init(seed: seed &* 0x2545_F491_4F6C_DD1D &+ 14) }

    mutating func int(_ range: Range<Int>) -> Int { range.lowerBound + below(range.count) }

    /// Log-uniform, as budgets and asks spread over orders of magnitude.
    mutating func amount(_ low: Double, _ high: Double) -> Int64 { Int64(exp(log(low) + unit() * (log(high) - log(low)))) }

    mutating func sample(_ count: ClosedRange<Int>, from items: [String]) -> [String] {
        var picked: [String] = []
        for _ in 0..<int(count.lowerBound..<(count.upperBound + 1)) {
            let item = items[int(0..<items.count)]
            if !picked.contains(item) { picked.append(item) }
        }
        return picked
    }

    mutating func callUUID() -> UUID {
        let (high, low) = (next(), next())
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<8 {
            bytes[index] = UInt8(truncatingIfNeeded: high >> (8 * UInt64(index)))
            bytes[8 + index] = UInt8(truncatingIfNeeded: low >> (8 * UInt64(index)))
        }
        // Version 4, variant 1, as gen_random_uuid() makes them.
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}
