import Domain
import Foundation
import Matching
import Postgres

/// Partnerships from proposal to outcome, with their append-only record.
public struct PartnershipRepository: Sendable {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    // Writers of events take this lock before inserting one and keep it until they commit, so event
    // ids are handed out in commit order and a feed read as `id > cursor` never skips one.
    static let eventOrderLock: Int64 = 0x4153_4152_4556_54

    // MARK: - Proposing

    /// Inserts a proposal once `authorize` accepts the caller for the project as it stands
    /// (its NGO and status, read under a share lock) and says who consents by proposing.
    public func propose(
        _ draft: PartnershipDraft, authorize: @escaping @Sendable (ProposalSubject) throws -> Proposer
    ) async throws -> Partnership {
        try await pool.withTransaction { connection in
            let (id, proposer) = try Self.insertProposal(draft, authorize: authorize, on: connection)
            try Self.record(event: "propose", on: id, from: nil, to: .proposed, by: proposer.actor, comment: nil, on: connection)
            return try Self.find(id, on: connection, lock: false)
        }
    }

    /// Organizations' rows read once per transaction: a round's acceptance proposes hundreds of
    /// partnerships with one government body and a few sponsors.
    final class PartyRows {
        private var rows: [UUID: Row?] = [:]

        func row(_ id: UUID, on connection: Connection) throws -> Row? {
            if let known = rows[id] { return known }
            let row = try connection.query(
                "SELECT kind, active, annual_csr_budget_kzt, jurisdiction, level FROM organizations WHERE id = $1", [id]
            ).first
            rows[id] = row
            return row
        }
    }

    /// `propose`'s checks and insert on a connection whose transaction the caller owns, so proposals
    /// made together (a round's acceptance) commit together; the caller records each `propose`
    /// event. Throws only after statements that succeeded, so the transaction stays usable: a
    /// triple already open is found by `ON CONFLICT`, not by an error.
    static func insertProposal(
        _ draft: PartnershipDraft, authorize: (ProposalSubject) throws -> Proposer, on connection: Connection,
        parties: PartyRows = PartyRows()
    ) throws -> (UUID, Proposer) {
        guard let project = try connection.query(
            "SELECT organization_id, status, regions FROM projects WHERE id = $1 FOR SHARE",
            [draft.projectID]
        ).first else {
            throw DomainError.invalid([FieldIssue(field: "project_id", code: "unknown_project", message: "No project has this id.")])
        }
        let ngoID = try project.decode(UUID.self, at: 0)
        let status = try project.decode(String.self, at: 1)
        let regions = try project.decode([String].self, at: 2)
        let proposer = try authorize(ProposalSubject(ngoID: ngoID, projectStatus: ProjectStatus(rawValue: status) ?? .draft))
        var issues: [FieldIssue] = []
        if status != ProjectStatus.open.rawValue {
            issues.append(FieldIssue(field: "project_id", code: "project_not_open", message: "The project is \(status), not open."))
        }
        _ = try checkParty(ngoID, kind: .ngo, field: "project_id", in: parties, on: connection, into: &issues)
        if let sponsor = try checkParty(draft.businessID, kind: .business, field: "business_id", in: parties, on: connection, into: &issues) {
            let budget = try sponsor.decode(Int64?.self, "annual_csr_budget_kzt") ?? 0
            if draft.pledgeKZT > budget {
                issues.append(FieldIssue(field: "pledge_kzt", code: "over_budget", message: "The pledge exceeds the sponsor's declared budget of \(budget) KZT."))
            }
        }
        if let row = try checkParty(draft.governmentBodyID, kind: .governmentBody, field: "government_body_id", in: parties, on: connection, into: &issues) {
            let level = try row.decode(String?.self, "level")
            let jurisdiction = try row.decode(String?.self, "jurisdiction") ?? ""
            if level != GovernmentLevel.national.rawValue && !regions.contains(where: { KATO.covers(jurisdiction, $0) }) {
                issues.append(FieldIssue(
                    field: "government_body_id", code: "outside_jurisdiction",
                    message: "The project does not lie in this government body's jurisdiction."
                ))
            }
        }
        if !issues.isEmpty { throw DomainError.invalid(issues) }

        let consents = proposer.consents
        // from_list: had the proposer been shown, in a match list, what it chose? An NGO chooses a
        // sponsor; a business or a government body chooses a project. An admin proposes for no
        // organization and so from no list. Impressions are flushed every few seconds, so a
        // proposal made within seconds of the list may not be traced to it.
        let chosen: UUID? = switch proposer.proposedBy {
        case ngoID?: draft.businessID
        case draft.businessID?, draft.governmentBodyID?: draft.projectID
        default: nil
        }
        guard let id = try connection.query(
            """
            INSERT INTO partnerships (project_id, ngo_id, business_id, government_body_id, pledge_kzt, in_kind,
                ngo_consent, business_consent, government_consent, proposed_by, round_id, consent_deadline, from_list,
                reporting_period_days)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
                EXISTS (SELECT 1 FROM match_impressions WHERE viewer_id = $10 AND subject_id = $13), $14)
            ON CONFLICT (project_id, business_id, government_body_id)
                WHERE state IN ('proposed', 'under_review', 'approved', 'active') DO NOTHING
            RETURNING id
            """,
            [draft.projectID, ngoID, draft.businessID, draft.governmentBodyID, draft.pledgeKZT, draft.inKind,
             consents.contains(.ngo), consents.contains(.business), consents.contains(.governmentBody),
             proposer.proposedBy, draft.roundID, draft.consentDeadline, chosen, draft.framework.reportingPeriodDays]
        ).first?.decode(UUID.self, at: 0) else {
            throw DomainError.conflict(
                code: "duplicate_partnership",
                message: "These three already have an open partnership on this project."
            )
        }
        // A new partnership has no indicators to replace.
        if !draft.framework.indicators.isEmpty {
            try replaceIndicators(of: id, with: draft.framework.indicators, on: connection)
        }
        return (id, proposer)
    }

    /// The party's row when it exists, is of the right kind and is active; otherwise an issue.
    private static func checkParty(
        _ id: UUID, kind: OrganizationKind, field: String, in parties: PartyRows, on connection: Connection, into issues: inout [FieldIssue]
    ) throws -> Row? {
        guard let row = try parties.row(id, on: connection) else {
            issues.append(FieldIssue(field: field, code: "unknown_organization", message: "No organization has this id."))
            return nil
        }
        if try row.decode(String.self, "kind") != kind.rawValue {
            issues.append(FieldIssue(field: field, code: "wrong_kind", message: "\(field) must name a \(kind.rawValue)."))
            return nil
        }
        if try !row.decode(Bool.self, "active") {
            issues.append(FieldIssue(field: field, code: "inactive", message: "The organization is deactivated."))
            return nil
        }
        return row
    }

    // MARK: - Reading

    public func find(_ id: UUID) async throws -> Partnership {
        guard let row = try await pool.lookup(Self.byID(lock: false), [id]).first else {
            throw DomainError.notFound(resource: "partnership")
        }
        return try Self.decode(row)
    }

    /// Partnerships in `scope`, newest first.
    public func list(in scope: PartnershipScope, state: PartnershipState?, limit: Int) async throws -> [Partnership] {
        let sql = """
            \(Self.selectedColumns)
            WHERE ($1::bool OR p.ngo_id = $2 OR p.business_id = $2 OR p.government_body_id = $2
                   OR EXISTS (SELECT 1 FROM partnership_funders f WHERE f.partnership_id = p.id AND f.organization_id = $2)
                   OR ($3::text IS NOT NULL AND (pr.region_scope @> ARRAY[$3::text] OR $4::bool)))
              AND ($5::text IS NULL OR p.state = $5)
            ORDER BY p.created_at DESC, p.id DESC
            LIMIT $6
            """
        return try await pool.withConnection { connection in
            try connection.query(sql, scope.parameters + [state?.rawValue, limit]).rows.map(Self.decode)
        }
    }

    /// Partnerships under review in a jurisdiction (nil: everywhere), oldest first.
    public func underReview(in jurisdiction: String?, limit: Int) async throws -> [Partnership] {
        try await pool.withConnection { connection in
            try connection.query(
                """
                \(Self.selectedColumns)
                WHERE p.state = 'under_review' AND ($1::text IS NULL OR pr.region_scope @> ARRAY[$1::text])
                ORDER BY p.submitted_at, p.id
                LIMIT $2
                """,
                [jurisdiction, limit]
            ).rows.map(Self.decode)
        }
    }

    public func events(of id: UUID) async throws -> [PartnershipEvent] {
        try await pool.withConnection { connection in
            try connection.query(
                "\(Self.eventColumns) WHERE partnership_id = $1 ORDER BY id",
                [id]
            ).rows.map(Self.decodeEvent)
        }
    }

    /// A business's budget and what its partnerships and its live pledges to calls commit, what
    /// waits and what was disbursed; nil when `business` is no business.
    public func budget(of business: UUID) async throws -> SponsorBudget? {
        try await pool.withConnection { connection in
            let rows = try connection.query(
                """
                SELECT o.annual_csr_budget_kzt,
                       business_commitments_kzt(o.id, NULL, NULL) AS committed,
                       coalesce(sum(p.pledge_kzt) FILTER (WHERE p.state IN ('proposed', 'under_review')), 0)::bigint AS waiting,
                       (SELECT coalesce(sum(r.amount_disbursed_kzt), 0)::bigint FROM partnership_reports r
                          JOIN partnerships q ON q.id = r.partnership_id WHERE q.business_id = o.id)
                       -- An award's reports say what was spent of all its funders' money: a co-funder's part is its share.
                       + (SELECT coalesce(round(sum(r.amount_disbursed_kzt::numeric * f.amount_kzt / t.total)), 0)::bigint
                          FROM partnership_funders f
                          JOIN partnership_reports r ON r.partnership_id = f.partnership_id
                          CROSS JOIN LATERAL (SELECT sum(g.amount_kzt) AS total FROM partnership_funders g WHERE g.partnership_id = f.partnership_id) t
                          WHERE f.organization_id = o.id AND f.role = 'business' AND t.total > 0) AS disbursed
                FROM organizations o LEFT JOIN partnerships p ON p.business_id = o.id
                WHERE o.id = $1 AND o.kind = 'business'
                GROUP BY o.id
                """,
                [business]
            ).rows
            guard let row = rows.first else { return nil }
            return SponsorBudget(
                declaredKZT: try row.decode(Int64?.self, at: 0), committedKZT: try row.decode(Int64.self, at: 1),
                waitingKZT: try row.decode(Int64.self, at: 2), disbursedKZT: try row.decode(Int64.self, at: 3)
            )
        }
    }

    public func reports(of id: UUID) async throws -> [PartnershipReport] {
        try await pool.withConnection { connection in
            try connection.query(
                """
                SELECT r.id, r.kind, r.amount_disbursed_kzt, r.beneficiaries_reached, r.text, r.rating, r.author_organization_id, r.created_at,
                    r.lessons,
                    coalesce((SELECT array_agg(v.position ORDER BY v.position) FROM partnership_report_values v WHERE v.report_id = r.id), '{}'),
                    coalesce((SELECT array_agg(v.actual ORDER BY v.position) FROM partnership_report_values v WHERE v.report_id = r.id), '{}')
                FROM partnership_reports r WHERE r.partnership_id = $1 ORDER BY r.created_at, r.id
                """,
                [id]
            ).rows.map { row in
                let positions = try row.decode([Int].self, at: 9)
                let actuals = try row.decode([Double].self, at: 10)
                return PartnershipReport(
                    id: try row.decode(UUID.self, at: 0),
                    kind: PartnershipReport.Kind(rawValue: try row.decode(String.self, at: 1)) ?? .milestone,
                    amountDisbursedKZT: try row.decode(Int64.self, at: 2),
                    beneficiariesReached: try row.decode(Int.self, at: 3),
                    text: try row.decode(String.self, at: 4),
                    rating: try row.decode(Int?.self, at: 5),
                    authorOrganizationID: try row.decode(UUID?.self, at: 6),
                    createdAt: try row.decode(Date.self, at: 7),
                    values: zip(positions, actuals).map { IndicatorValue(position: $0, actual: $1) },
                    lessons: try row.decode(String?.self, at: 8)
                )
            }
        }
    }

    /// Events after `cursor` of partnerships in `scope`, in commit order.
    public func feed(after cursor: Int64, limit: Int, in scope: PartnershipScope) async throws -> [PartnershipEvent] {
        try await pool.withConnection { connection in
            try connection.query(
                """
                SELECT e.id, e.partnership_id, e.action, e.from_state, e.to_state, e.actor_organization_id, e.actor_is_admin, e.comment, e.at
                FROM partnership_events e
                JOIN partnerships p ON p.id = e.partnership_id
                JOIN projects pr ON pr.id = p.project_id
                WHERE e.id > $5
                  AND ($1::bool OR p.ngo_id = $2 OR p.business_id = $2 OR p.government_body_id = $2
                   OR EXISTS (SELECT 1 FROM partnership_funders f WHERE f.partnership_id = p.id AND f.organization_id = $2)
                       OR ($3::text IS NOT NULL AND (pr.region_scope @> ARRAY[$3::text] OR $4::bool)))
                ORDER BY e.id
                LIMIT $6
                """,
                scope.parameters + [cursor, limit]
            ).rows.map(Self.decodeEvent)
        }
    }

    // MARK: - Moving

    /// Makes one move under a row lock: `decide` sees the partnership as committed once the lock
    /// is held (reports included) and returns the change, or throws why not.
    public func change(_ id: UUID, _ decide: @escaping @Sendable (Partnership) throws -> PartnershipChange) async throws -> Partnership {
        try await pool.withTransaction { connection in
            // Lock first, then read: under READ COMMITTED the second statement sees every report
            // committed by whoever held the lock before, so totals are never stale.
            guard try connection.query("SELECT 1 FROM partnerships WHERE id = $1 FOR UPDATE", [id]).first != nil else {
                throw DomainError.notFound(resource: "partnership")
            }
            let current = try Self.find(id, on: connection, lock: false)
            let change = try decide(current)
            let action = change.action
            if action == .approve || action == .activate { try Self.requireEligible(current, on: connection) }
            if action == .amend, change.pledgeKZT != current.pledgeKZT {
                let budget = try connection.query(
                    "SELECT annual_csr_budget_kzt FROM organizations WHERE id = $1", [current.businessID]
                ).first?.decode(Int64?.self, at: 0) ?? 0
                if change.pledgeKZT > budget {
                    throw DomainError.invalid([FieldIssue(
                        field: "pledge_kzt", code: "over_budget", message: "The pledge exceeds the sponsor's declared budget of \(budget) KZT."
                    )])
                }
            }
            let outcome = change.outcome
            do {
                try connection.query(
                    """
                    UPDATE partnerships SET state = $2, ngo_consent = $3, business_consent = $4, government_consent = $5,
                        pledge_kzt = $6, in_kind = $7, version = version + 1, updated_at = clock_timestamp(),
                        reporting_period_days = coalesce($8, reporting_period_days),
                        activated_at = CASE WHEN $2 = 'active' AND state <> 'active' THEN clock_timestamp() ELSE activated_at END,
                        submitted_at = CASE WHEN $2 = 'under_review' AND state <> 'under_review' THEN clock_timestamp() ELSE submitted_at END,
                        decided_at = CASE WHEN $2 IN ('approved', 'rejected') AND state = 'under_review' THEN clock_timestamp() ELSE decided_at END
                    WHERE id = $1
                    """,
                    [id, outcome.state.rawValue, outcome.consents.contains(.ngo), outcome.consents.contains(.business),
                     outcome.consents.contains(.governmentBody), change.pledgeKZT, change.inKind, change.framework?.reportingPeriodDays]
                )
            } catch let error as PostgresError where error.isCheckViolation && error.constraint == "partnerships_within_budget" {
                throw DomainError.conflict(
                    code: "budget_exceeded",
                    message: "Approving this would take the sponsor's pledges past its declared budget."
                )
            }
            if let framework = change.framework {
                try Self.replaceIndicators(of: id, with: framework.indicators, on: connection)
            }
            if let report = change.report {
                try Self.insertReport(report, final: action == .complete, on: id, by: change.actor, on: connection)
            }
            var terms = action == .amend ? ["pledge_kzt": String(change.pledgeKZT), "in_kind": change.inKind.joined(separator: "; ")] : [:]
            if let framework = change.framework {
                terms["indicators"] = framework.indicators.map(\.name).joined(separator: "; ")
                terms["reporting_period_days"] = String(framework.reportingPeriodDays)
            }
            try Self.record(event: action.rawValue, on: id, from: current.state, to: outcome.state, by: change.actor, comment: change.comment, data: terms, on: connection)
            return try Self.find(id, on: connection, lock: false)
        }
    }

    /// A report and its indicator values; a value must name one of the framework's indicators.
    private static func insertReport(_ report: ReportDraft, final: Bool, on id: UUID, by actor: Actor, on connection: Connection) throws {
        let count = try connection.query(
            "SELECT count(*)::int FROM partnership_indicators WHERE partnership_id = $1", [id]
        ).first?.decode(Int.self, at: 0) ?? 0
        let unknown = report.values.enumerated().filter { !(1...max(1, count)).contains($0.element.position) || count == 0 }
        if !unknown.isEmpty {
            throw DomainError.invalid(unknown.map { offset, _ in
                FieldIssue(field: "indicator_values[\(offset)].indicator", code: "unknown_indicator",
                           message: "The results framework has \(count) indicator(s); this names none of them.")
            })
        }
        guard let reportID = try connection.query(
            """
            INSERT INTO partnership_reports (partnership_id, kind, amount_disbursed_kzt, beneficiaries_reached, text, rating, author_organization_id, lessons)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id
            """,
            [id, final ? "final" : "milestone", report.amountDisbursedKZT, report.beneficiariesReached,
             report.text, report.rating, actor.organizationID, report.lessons]
        ).first?.decode(UUID.self, at: 0) else { return }
        if !report.values.isEmpty {
            try connection.query(
                "INSERT INTO partnership_report_values (report_id, position, actual) SELECT $1, * FROM unnest($2::smallint[], $3::float8[])",
                [reportID, report.values.map { Int64($0.position) }, report.values.map(\.actual)]
            )
        }
    }

    static func replaceIndicators(of id: UUID, with indicators: [Indicator], on connection: Connection) throws {
        try connection.query("DELETE FROM partnership_indicators WHERE partnership_id = $1", [id])
        guard !indicators.isEmpty else { return }
        try connection.query(
            """
            INSERT INTO partnership_indicators (partnership_id, position, name, unit, baseline, target)
            SELECT $1, * FROM unnest($2::smallint[], $3::text[], $4::text[], $5::float8[], $6::float8[])
            """,
            [id, indicators.indices.map { Int64($0 + 1) }, indicators.map { $0.name.trimmingCharacters(in: .whitespacesAndNewlines) },
             indicators.map { $0.unit.trimmingCharacters(in: .whitespacesAndNewlines) }, indicators.map(\.baseline), indicators.map(\.target)]
        )
    }

    /// Approval and activation need three active, verified parties and a project still in play.
    private static func requireEligible(_ partnership: Partnership, on connection: Connection) throws {
        let unverified = try connection.query(
            "SELECT kind FROM organizations WHERE id = ANY ($1::uuid[]) AND (verification <> 'verified' OR NOT active) ORDER BY kind",
            [[partnership.ngoID, partnership.businessID, partnership.governmentBodyID]]
        ).rows.map { try $0.decode(String.self, at: 0) }
        guard unverified.isEmpty else {
            throw DomainError.conflict(
                code: "not_verified",
                message: "Only active, verified organizations can take part in an approved partnership; not so: \(unverified.joined(separator: ", "))."
            )
        }
        let status = try connection.query("SELECT status FROM projects WHERE id = $1", [partnership.projectID]).first?.decode(String.self, at: 0)
        guard status == ProjectStatus.open.rawValue || status == ProjectStatus.funded.rawValue else {
            throw DomainError.conflict(code: "project_not_open", message: "The project is \(status ?? "gone"), so it cannot go ahead.")
        }
    }

    /// The `propose` events of many new partnerships, in their order, in one statement.
    static func recordProposals(_ proposals: [(partnership: UUID, actor: Actor)], on connection: Connection) throws {
        guard !proposals.isEmpty else { return }
        try connection.query("SELECT pg_advisory_xact_lock($1)", [eventOrderLock])
        try connection.query(
            """
            INSERT INTO partnership_events (partnership_id, action, from_state, to_state, actor_organization_id, actor_is_admin, data)
            SELECT made.partnership, 'propose', NULL, 'proposed', made.actor, made.is_admin, '{}'::jsonb
            FROM unnest($1::uuid[], $2::uuid[], $3::bool[]) WITH ORDINALITY AS made (partnership, actor, is_admin, position)
            ORDER BY made.position
            """,
            [proposals.map(\.partnership), proposals.map(\.actor.organizationID), proposals.map(\.actor.isAdmin)]
        )
    }

    /// `data` keeps what a move changed beyond the state (new terms), as strings.
    static func record(
        event action: String, on id: UUID, from: PartnershipState?, to: PartnershipState,
        by actor: Actor, comment: String?, data: [String: String] = [:], on connection: Connection
    ) throws {
        try connection.query("SELECT pg_advisory_xact_lock($1)", [eventOrderLock])
        let keys = data.keys.sorted()
        try connection.query(
            """
            INSERT INTO partnership_events (partnership_id, action, from_state, to_state, actor_organization_id, actor_is_admin, comment, data)
            VALUES ($1, $2, $3, $4, $5, $6, $7, jsonb_object($8::text[], $9::text[]))
            """,
            [id, action, from?.rawValue, to.rawValue, actor.organizationID, actor.isAdmin, comment,
             keys, keys.map { data[$0] ?? "" }]
        )
    }

    // MARK: - Rows

    static let selectedColumns = """
        SELECT p.id, p.project_id, pr.regions AS project_regions, p.ngo_id, p.business_id, p.government_body_id,
            p.pledge_kzt, p.in_kind, p.state, p.ngo_consent, p.business_consent, p.government_consent, p.proposed_by, p.consent_deadline,
            p.version, p.submitted_at, p.decided_at, p.created_at, p.updated_at,
            coalesce(r.disbursed, 0) AS disbursed, coalesce(r.reached, 0) AS reached,
            coalesce(r.milestones, 0) AS milestones, coalesce(r.finals, 0) AS finals,
            p.reporting_period_days, p.activated_at, r.last_report_at, p.call_id,
            coalesce(f.ids, '{}') AS funder_ids, coalesce(f.roles, '{}') AS funder_roles, coalesce(f.amounts, '{}') AS funder_amounts
        FROM partnerships p
        JOIN projects pr ON pr.id = p.project_id
        LEFT JOIN LATERAL (
            SELECT array_agg(organization_id ORDER BY role = 'state' DESC, amount_kzt DESC, organization_id) AS ids,
                array_agg(role ORDER BY role = 'state' DESC, amount_kzt DESC, organization_id) AS roles,
                array_agg(amount_kzt ORDER BY role = 'state' DESC, amount_kzt DESC, organization_id) AS amounts
            FROM partnership_funders WHERE partnership_id = p.id
        ) f ON true
        LEFT JOIN LATERAL (
            SELECT sum(amount_disbursed_kzt) AS disbursed, sum(beneficiaries_reached) AS reached, max(created_at) AS last_report_at,
                count(*) FILTER (WHERE kind = 'milestone') AS milestones, count(*) FILTER (WHERE kind = 'final') AS finals
            FROM partnership_reports WHERE partnership_id = p.id
        ) r ON true
        """

    static let eventColumns = """
        SELECT id, partnership_id, action, from_state, to_state, actor_organization_id, actor_is_admin, comment, at
        FROM partnership_events
        """

    static func find(_ id: UUID, on connection: Connection, lock: Bool) throws -> Partnership {
        guard let row = try connection.query(byID(lock: lock), [id]).first else { throw DomainError.notFound(resource: "partnership") }
        return try decode(row)
    }

    private static func byID(lock: Bool) -> String {
        "\(selectedColumns) WHERE p.id = $1" + (lock ? " FOR UPDATE OF p" : "")
    }

    static func decode(_ row: Row) throws -> Partnership {
        guard let state = PartnershipState(rawValue: try row.decode(String.self, "state")) else {
            throw PostgresError(.decoding, message: "unknown partnership state")
        }
        var consents: Set<PartyRole> = []
        if try row.decode(Bool.self, "ngo_consent") { consents.insert(.ngo) }
        if try row.decode(Bool.self, "business_consent") { consents.insert(.business) }
        if try row.decode(Bool.self, "government_consent") { consents.insert(.governmentBody) }
        let funderRoles = try row.decode([String].self, "funder_roles")
        let funders = try zip(row.decode([UUID].self, "funder_ids"), zip(funderRoles, row.decode([Int64].self, "funder_amounts"))).map { id, entry in
            guard let role = PartnershipFunder.Role(rawValue: entry.0) else { throw PostgresError(.decoding, message: "unknown funder role") }
            return PartnershipFunder(organizationID: id, role: role, amountKZT: entry.1)
        }
        var partnership = Partnership(
            id: try row.decode(UUID.self, "id"),
            projectID: try row.decode(UUID.self, "project_id"),
            projectRegions: try row.decode([String].self, "project_regions"),
            ngoID: try row.decode(UUID.self, "ngo_id"),
            businessID: try row.decode(UUID?.self, "business_id"),
            governmentBodyID: try row.decode(UUID.self, "government_body_id"),
            pledgeKZT: try row.decode(Int64.self, "pledge_kzt"),
            inKind: try row.decode([String].self, "in_kind"),
            state: state,
            consents: consents,
            proposedBy: try row.decode(UUID?.self, "proposed_by"),
            consentDeadline: try row.decode(Date?.self, "consent_deadline"),
            version: try row.decode(Int.self, "version"),
            submittedAt: try row.decode(Date?.self, "submitted_at"),
            decidedAt: try row.decode(Date?.self, "decided_at"),
            createdAt: try row.decode(Date.self, "created_at"),
            updatedAt: try row.decode(Date.self, "updated_at"),
            totals: ReportTotals(
                amountDisbursedKZT: try row.decode(Int64.self, "disbursed"),
                beneficiariesReached: try row.decode(Int.self, "reached"),
                milestoneReports: try row.decode(Int.self, "milestones"),
                hasFinalEvaluation: try row.decode(Int.self, "finals") > 0
            ),
            reportingPeriodDays: try row.decode(Int.self, "reporting_period_days"),
            activatedAt: try row.decode(Date?.self, "activated_at"),
            lastReportAt: try row.decode(Date?.self, "last_report_at")
        )
        partnership.callID = try row.decode(UUID?.self, "call_id")
        partnership.funders = funders
        return partnership
    }

    /// An event from the nine columns of `eventColumns` starting at `from`.
    static func decodeEvent(_ row: Row, from start: Int) throws -> PartnershipEvent {
        PartnershipEvent(
            id: try row.decode(Int64.self, at: start),
            partnershipID: try row.decode(UUID.self, at: start + 1),
            action: try row.decode(String.self, at: start + 2),
            fromState: try row.decode(String?.self, at: start + 3).flatMap(PartnershipState.init(rawValue:)),
            toState: PartnershipState(rawValue: try row.decode(String.self, at: start + 4)) ?? .proposed,
            actorOrganizationID: try row.decode(UUID?.self, at: start + 5),
            actorIsAdmin: try row.decode(Bool.self, at: start + 6),
            comment: try row.decode(String?.self, at: start + 7),
            at: try row.decode(Date.self, at: start + 8)
        )
    }

    static func decodeEvent(_ row: Row) throws -> PartnershipEvent {
        try decodeEvent(row, from: 0)
    }
}

/// What deciding on a proposal needs to know about its project.
public struct ProposalSubject: Sendable {
    public let ngoID: UUID
    public let projectStatus: ProjectStatus
}

/// Who proposes: the parties whose consent proposing implies, and who is recorded.
public struct Proposer: Sendable {
    public let consents: Set<PartyRole>
    public let proposedBy: UUID?
    public let actor: Actor

    public init(consents: Set<PartyRole>, proposedBy: UUID?, actor: Actor) {
        self.consents = consents
        self.proposedBy = proposedBy
        self.actor = actor
    }
}

/// One decided move of a partnership, as the repository writes it.
public struct PartnershipChange: Sendable {
    public var action: PartnershipLifecycle.Action
    public var outcome: PartnershipLifecycle.Outcome
    public var pledgeKZT: Int64
    public var inKind: [String]
    public var report: ReportDraft?
    public var comment: String?
    public var actor: Actor
    /// A new results framework (amending a proposal).
    public var framework: ResultsFramework?

    public init(
        action: PartnershipLifecycle.Action, outcome: PartnershipLifecycle.Outcome, pledgeKZT: Int64, inKind: [String],
        report: ReportDraft?, comment: String?, actor: Actor, framework: ResultsFramework? = nil
    ) {
        self.framework = framework
        self.action = action
        self.outcome = outcome
        self.pledgeKZT = pledgeKZT
        self.inKind = inKind
        self.report = report
        self.comment = comment
        self.actor = actor
    }
}

/// Which partnerships a listing covers: all of them, or those an organization takes part in or reviews.
public enum PartnershipScope: Sendable, Equatable {
    case everything
    /// Partnerships `organizationID` is a party to, and (for a reviewer) those whose project lies
    /// in `reviewJurisdiction`, or anywhere when it reviews nationally.
    case involving(organizationID: UUID?, reviewJurisdiction: String?, reviewsNationally: Bool)

    var parameters: [any PostgresEncodable] {
        switch self {
        case .everything:
            return [true, nil as UUID?, nil as String?, false]
        case .involving(let organizationID, let jurisdiction, let national):
            let reviews: String? = national ? "" : jurisdiction
            return [false, organizationID, reviews, national]
        }
    }
}
