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

    public func propose(_ draft: PartnershipDraft, by identity: Identity) async throws -> Partnership {
        try await pool.withTransaction { connection in
            guard let project = try connection.query(
                "SELECT organization_id, status, regions FROM projects WHERE id = $1 FOR SHARE",
                [draft.projectID]
            ).first else {
                throw StorageError.invalid([FieldIssue(field: "project_id", code: "unknown_project", message: "No project has this id.")])
            }
            let ngoID = try project.decode(UUID.self, at: 0)
            let status = try project.decode(String.self, at: 1)
            let regions = try project.decode([String].self, at: 2)
            // Someone else's draft does not exist as far as the caller can tell.
            if status == ProjectStatus.draft.rawValue && !identity.speaksFor(ngoID) {
                throw StorageError.invalid([FieldIssue(field: "project_id", code: "unknown_project", message: "No project has this id.")])
            }
            guard identity.speaksFor(ngoID) || identity.speaksFor(draft.businessID) || identity.speaksFor(draft.governmentBodyID) else {
                throw StorageError.forbidden(message: "Only the project's NGO, the sponsor or the government body may propose this partnership.")
            }
            var issues: [FieldIssue] = []
            if status != ProjectStatus.open.rawValue {
                issues.append(FieldIssue(field: "project_id", code: "project_not_open", message: "The project is \(status), not open."))
            }
            _ = try Self.checkParty(ngoID, kind: .ngo, field: "project_id", on: connection, into: &issues)
            if let sponsor = try Self.checkParty(draft.businessID, kind: .business, field: "business_id", on: connection, into: &issues) {
                let budget = try sponsor.decode(Int64?.self, "annual_csr_budget_kzt") ?? 0
                if draft.pledgeKZT > budget {
                    issues.append(FieldIssue(field: "pledge_kzt", code: "over_budget", message: "The pledge exceeds the sponsor's declared budget of \(budget) KZT."))
                }
            }
            if let row = try Self.checkParty(draft.governmentBodyID, kind: .governmentBody, field: "government_body_id", on: connection, into: &issues) {
                let level = try row.decode(String?.self, "level")
                let jurisdiction = try row.decode(String?.self, "jurisdiction") ?? ""
                if level != GovernmentLevel.national.rawValue && !regions.contains(where: { KATO.covers(jurisdiction, $0) }) {
                    issues.append(FieldIssue(
                        field: "government_body_id", code: "outside_jurisdiction",
                        message: "The project does not lie in this government body's jurisdiction."
                    ))
                }
            }
            if !issues.isEmpty { throw StorageError.invalid(issues) }

            var consents: [PartyRole] = []
            if let member = identity.member {
                if member.organizationID == ngoID { consents.append(.ngo) }
                if member.organizationID == draft.businessID { consents.append(.business) }
                if member.organizationID == draft.governmentBodyID { consents.append(.governmentBody) }
            }
            let id: UUID
            do {
                id = try connection.query(
                    """
                    INSERT INTO partnerships (project_id, ngo_id, business_id, government_body_id, pledge_kzt, in_kind,
                        ngo_consent, business_consent, government_consent, proposed_by, round_id, consent_deadline)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                    RETURNING id
                    """,
                    [draft.projectID, ngoID, draft.businessID, draft.governmentBodyID, draft.pledgeKZT, draft.inKind,
                     consents.contains(.ngo), consents.contains(.business), consents.contains(.governmentBody),
                     identity.member?.organizationID, draft.roundID, draft.consentDeadline]
                ).rows[0].decode(UUID.self, at: 0)
            } catch let error as PostgresError where error.isUniqueViolation && error.constraint == "partnerships_open_triple" {
                throw StorageError.conflict(
                    code: "duplicate_partnership",
                    message: "These three already have an open partnership on this project."
                )
            }
            try Self.record(event: "propose", on: id, from: nil, to: .proposed, by: identity, comment: nil, on: connection)
            return try Self.find(id, on: connection, lock: false)
        }
    }

    /// `propose`'s checks and insert on a connection whose transaction the caller owns, for proposals
    /// made together (a round's acceptance); the caller records each `propose` event with `record`.
    /// Throws the `StorageError` that `propose` would, and only after statements that succeeded, so the
    /// transaction stays usable: a triple already open is found by `ON CONFLICT`, not by an error.
    // Keep in step with `propose`, which does the same in a transaction of its own.
    static func insertProposal(_ draft: PartnershipDraft, by identity: Identity, on connection: Connection) throws -> UUID {
        guard let project = try connection.query(
            "SELECT organization_id, status, regions FROM projects WHERE id = $1 FOR SHARE",
            [draft.projectID]
        ).first else {
            throw StorageError.invalid([FieldIssue(field: "project_id", code: "unknown_project", message: "No project has this id.")])
        }
        let ngoID = try project.decode(UUID.self, at: 0)
        let status = try project.decode(String.self, at: 1)
        let regions = try project.decode([String].self, at: 2)
        if status == ProjectStatus.draft.rawValue && !identity.speaksFor(ngoID) {
            throw StorageError.invalid([FieldIssue(field: "project_id", code: "unknown_project", message: "No project has this id.")])
        }
        guard identity.speaksFor(ngoID) || identity.speaksFor(draft.businessID) || identity.speaksFor(draft.governmentBodyID) else {
            throw StorageError.forbidden(message: "Only the project's NGO, the sponsor or the government body may propose this partnership.")
        }
        var issues: [FieldIssue] = []
        if status != ProjectStatus.open.rawValue {
            issues.append(FieldIssue(field: "project_id", code: "project_not_open", message: "The project is \(status), not open."))
        }
        _ = try checkParty(ngoID, kind: .ngo, field: "project_id", on: connection, into: &issues)
        if let sponsor = try checkParty(draft.businessID, kind: .business, field: "business_id", on: connection, into: &issues) {
            let budget = try sponsor.decode(Int64?.self, "annual_csr_budget_kzt") ?? 0
            if draft.pledgeKZT > budget {
                issues.append(FieldIssue(field: "pledge_kzt", code: "over_budget", message: "The pledge exceeds the sponsor's declared budget of \(budget) KZT."))
            }
        }
        if let row = try checkParty(draft.governmentBodyID, kind: .governmentBody, field: "government_body_id", on: connection, into: &issues) {
            let level = try row.decode(String?.self, "level")
            let jurisdiction = try row.decode(String?.self, "jurisdiction") ?? ""
            if level != GovernmentLevel.national.rawValue && !regions.contains(where: { KATO.covers(jurisdiction, $0) }) {
                issues.append(FieldIssue(
                    field: "government_body_id", code: "outside_jurisdiction",
                    message: "The project does not lie in this government body's jurisdiction."
                ))
            }
        }
        if !issues.isEmpty { throw StorageError.invalid(issues) }

        let member = identity.member?.organizationID
        guard let id = try connection.query(
            """
            INSERT INTO partnerships (project_id, ngo_id, business_id, government_body_id, pledge_kzt, in_kind,
                ngo_consent, business_consent, government_consent, proposed_by, round_id, consent_deadline)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            ON CONFLICT (project_id, business_id, government_body_id)
                WHERE state IN ('proposed', 'under_review', 'approved', 'active') DO NOTHING
            RETURNING id
            """,
            [draft.projectID, ngoID, draft.businessID, draft.governmentBodyID, draft.pledgeKZT, draft.inKind,
             member == ngoID, member == draft.businessID, member == draft.governmentBodyID,
             member, draft.roundID, draft.consentDeadline]
        ).first?.decode(UUID.self, at: 0) else {
            throw StorageError.conflict(
                code: "duplicate_partnership",
                message: "These three already have an open partnership on this project."
            )
        }
        return id
    }

    /// The party's row when it exists, is of the right kind and is active; otherwise an issue.
    private static func checkParty(
        _ id: UUID, kind: OrganizationKind, field: String, on connection: Connection, into issues: inout [FieldIssue]
    ) throws -> Row? {
        guard let row = try connection.query(
            "SELECT kind, active, annual_csr_budget_kzt, jurisdiction, level FROM organizations WHERE id = $1",
            [id]
        ).first else {
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

    /// A partnership the caller may read; others are reported as not found, so hidden ones stay hidden.
    public func find(_ id: UUID, for identity: Identity?) async throws -> Partnership {
        try await pool.withConnection { connection in
            let partnership = try Self.find(id, on: connection, lock: false)
            guard Self.standing(of: identity, in: partnership).isInvolved || partnership.state.isPublic else {
                throw StorageError.notFound(resource: "partnership")
            }
            return partnership
        }
    }

    /// Partnerships the caller takes part in or reviews (admin: all), newest first.
    public func list(for identity: Identity, state: PartnershipState?, limit: Int) async throws -> [Partnership] {
        let sql = """
            \(Self.selectedColumns)
            WHERE ($1::bool OR p.ngo_id = $2 OR p.business_id = $2 OR p.government_body_id = $2
                   OR ($3::text IS NOT NULL AND (pr.region_scope @> ARRAY[$3::text] OR $4::bool)))
              AND ($5::text IS NULL OR p.state = $5)
            ORDER BY p.created_at DESC, p.id DESC
            LIMIT $6
            """
        let scope = identity.reviewScope
        let parameters: [any PostgresEncodable] = [
            identity.isAdmin, identity.member?.organizationID, scope.map { $0.jurisdiction ?? "" }, scope?.isNational ?? false,
            state?.rawValue, limit,
        ]
        return try await pool.withConnection { connection in
            try connection.query(sql, parameters).rows.map(Self.decode)
        }
    }

    /// Partnerships waiting for this government body's review, oldest first.
    public func reviewQueue(for identity: Identity, limit: Int) async throws -> [Partnership] {
        guard identity.isAdmin || identity.reviewScope != nil else { return [] }
        let jurisdiction = identity.isAdmin ? nil : identity.reviewScope?.jurisdiction
        return try await pool.withConnection { connection in
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

    public func events(of id: UUID, for identity: Identity?) async throws -> [PartnershipEvent] {
        _ = try await find(id, for: identity)
        return try await pool.withConnection { connection in
            try connection.query(
                "\(Self.eventColumns) WHERE partnership_id = $1 ORDER BY id",
                [id]
            ).rows.map(Self.decodeEvent)
        }
    }

    public func reports(of id: UUID, for identity: Identity?) async throws -> [PartnershipReport] {
        _ = try await find(id, for: identity)
        return try await pool.withConnection { connection in
            try connection.query(
                """
                SELECT id, kind, amount_disbursed_kzt, beneficiaries_reached, text, rating, author_organization_id, created_at
                FROM partnership_reports WHERE partnership_id = $1 ORDER BY created_at, id
                """,
                [id]
            ).rows.map { row in
                PartnershipReport(
                    id: try row.decode(UUID.self, at: 0),
                    kind: PartnershipReport.Kind(rawValue: try row.decode(String.self, at: 1)) ?? .milestone,
                    amountDisbursedKZT: try row.decode(Int64.self, at: 2),
                    beneficiariesReached: try row.decode(Int.self, at: 3),
                    text: try row.decode(String.self, at: 4),
                    rating: try row.decode(Int?.self, at: 5),
                    authorOrganizationID: try row.decode(UUID?.self, at: 6),
                    createdAt: try row.decode(Date.self, at: 7)
                )
            }
        }
    }

    /// Events after `cursor` that the caller may see, in commit order.
    public func feed(after cursor: Int64, limit: Int, for identity: Identity) async throws -> [PartnershipEvent] {
        let scope = identity.reviewScope
        return try await pool.withConnection { connection in
            try connection.query(
                """
                SELECT e.id, e.partnership_id, e.action, e.from_state, e.to_state, e.actor_organization_id, e.actor_is_admin, e.comment, e.at
                FROM partnership_events e
                JOIN partnerships p ON p.id = e.partnership_id
                JOIN projects pr ON pr.id = p.project_id
                WHERE e.id > $1
                  AND ($2::bool OR p.ngo_id = $3 OR p.business_id = $3 OR p.government_body_id = $3
                       OR ($4::text IS NOT NULL AND (pr.region_scope @> ARRAY[$4::text] OR $5::bool)))
                ORDER BY e.id
                LIMIT $6
                """,
                [cursor, identity.isAdmin, identity.member?.organizationID, scope.map { $0.jurisdiction ?? "" }, scope?.isNational ?? false, limit]
            ).rows.map(Self.decodeEvent)
        }
    }

    // MARK: - Moving

    /// Makes one move of the lifecycle under a row lock. `expectedVersions` come from `If-Match`:
    /// nil makes the move unconditionally; otherwise the current version must be one of them.
    public func perform(
        _ action: PartnershipLifecycle.Action, on id: UUID, by identity: Identity,
        expectedVersions: Set<Int>?, comment: String?, report: ReportDraft? = nil,
        amendment: (pledgeKZT: Int64?, inKind: [String]?)? = nil
    ) async throws -> Partnership {
        try await pool.withTransaction { connection in
            let current = try Self.find(id, on: connection, lock: true)
            let standing = Self.standing(of: identity, in: current)
            guard standing.isInvolved || current.state.isPublic else { throw StorageError.notFound(resource: "partnership") }
            if let expectedVersions, !expectedVersions.contains(current.version) {
                throw StorageError.preconditionFailed(currentVersion: current.version)
            }
            let outcome: PartnershipLifecycle.Outcome
            switch PartnershipLifecycle.apply(action, by: standing, state: current.state, consents: current.consents) {
            case .success(let next): outcome = next
            case .failure(.forbidden(let message)): throw StorageError.forbidden(message: message)
            case .failure(.conflict(let message)): throw StorageError.conflict(code: "invalid_transition", message: message)
            }
            if action == .consent, let deadline = current.consentDeadline, deadline < Date() {
                throw StorageError.conflict(code: "consent_deadline_passed", message: "Consent was due by \(deadline); this proposal has lapsed.")
            }
            if PartnershipLifecycle.needsComment(action), (comment ?? "").isEmpty {
                throw StorageError.invalid([FieldIssue(field: "comment", code: "required", message: "Say why: \(action.rawValue) needs a comment.")])
            }
            if action == .approve || action == .activate { try Self.requireEligible(current, on: connection) }
            if let report, action == .report || action == .complete {
                let disbursed = current.totals.amountDisbursedKZT
                if report.amountDisbursedKZT > current.pledgeKZT - disbursed {
                    throw StorageError.invalid([FieldIssue(
                        field: "amount_disbursed_kzt", code: "over_pledge",
                        message: "Disbursements would pass the pledge: \(disbursed) of \(current.pledgeKZT) KZT reported so far."
                    )])
                }
            }
            var pledge = current.pledgeKZT
            var inKind = current.inKind
            if let amendment {
                pledge = amendment.pledgeKZT ?? pledge
                inKind = amendment.inKind ?? inKind
            }
            do {
                try connection.query(
                    """
                    UPDATE partnerships SET state = $2, ngo_consent = $3, business_consent = $4, government_consent = $5,
                        pledge_kzt = $6, in_kind = $7, version = version + 1, updated_at = clock_timestamp(),
                        submitted_at = CASE WHEN $2 = 'under_review' AND state <> 'under_review' THEN clock_timestamp() ELSE submitted_at END,
                        decided_at = CASE WHEN $2 IN ('approved', 'rejected') AND state = 'under_review' THEN clock_timestamp() ELSE decided_at END
                    WHERE id = $1
                    """,
                    [id, outcome.state.rawValue, outcome.consents.contains(.ngo), outcome.consents.contains(.business),
                     outcome.consents.contains(.governmentBody), pledge, inKind]
                )
            } catch let error as PostgresError where error.isCheckViolation && error.constraint == "partnerships_within_budget" {
                throw StorageError.conflict(
                    code: "budget_exceeded",
                    message: "Approving this would take the sponsor's pledges past its declared budget."
                )
            }
            if let report {
                try connection.query(
                    """
                    INSERT INTO partnership_reports (partnership_id, kind, amount_disbursed_kzt, beneficiaries_reached, text, rating, author_organization_id)
                    VALUES ($1, $2, $3, $4, $5, $6, $7)
                    """,
                    [id, action == .complete ? "final" : "milestone", report.amountDisbursedKZT, report.beneficiariesReached,
                     report.text, report.rating, identity.member?.organizationID]
                )
            }
            let terms = action == .amend ? ["pledge_kzt": String(pledge), "in_kind": inKind.joined(separator: "; ")] : [:]
            try Self.record(event: action.rawValue, on: id, from: current.state, to: outcome.state, by: identity, comment: comment, data: terms, on: connection)
            return try Self.find(id, on: connection, lock: false)
        }
    }

    /// Approval and activation need three active, verified parties and a project still in play.
    private static func requireEligible(_ partnership: Partnership, on connection: Connection) throws {
        let unverified = try connection.query(
            "SELECT kind FROM organizations WHERE id = ANY ($1::uuid[]) AND (verification <> 'verified' OR NOT active) ORDER BY kind",
            [[partnership.ngoID, partnership.businessID, partnership.governmentBodyID]]
        ).rows.map { try $0.decode(String.self, at: 0) }
        guard unverified.isEmpty else {
            throw StorageError.conflict(
                code: "not_verified",
                message: "Only active, verified organizations can take part in an approved partnership; not so: \(unverified.joined(separator: ", "))."
            )
        }
        let status = try connection.query("SELECT status FROM projects WHERE id = $1", [partnership.projectID]).first?.decode(String.self, at: 0)
        guard status == ProjectStatus.open.rawValue || status == ProjectStatus.funded.rawValue else {
            throw StorageError.conflict(code: "project_not_open", message: "The project is \(status ?? "gone"), so it cannot go ahead.")
        }
    }

    /// `data` keeps what a move changed beyond the state (new terms), as strings.
    static func record(
        event action: String, on id: UUID, from: PartnershipState?, to: PartnershipState,
        by identity: Identity, comment: String?, data: [String: String] = [:], on connection: Connection
    ) throws {
        try connection.query("SELECT pg_advisory_xact_lock($1)", [eventOrderLock])
        let keys = data.keys.sorted()
        try connection.query(
            """
            INSERT INTO partnership_events (partnership_id, action, from_state, to_state, actor_organization_id, actor_is_admin, comment, data)
            VALUES ($1, $2, $3, $4, $5, $6, $7, jsonb_object($8::text[], $9::text[]))
            """,
            [id, action, from?.rawValue, to.rawValue, identity.member?.organizationID, identity.isAdmin, comment,
             keys, keys.map { data[$0] ?? "" }]
        )
    }

    // MARK: - Rows

    static func standing(of identity: Identity?, in partnership: Partnership) -> PartnershipLifecycle.Standing {
        guard let identity else { return PartnershipLifecycle.Standing() }
        return PartnershipLifecycle.Standing(
            roles: identity.member.map { partnership.roles(of: $0.organizationID) } ?? [],
            isReviewer: identity.governs(partnership.projectRegions),
            isAdmin: identity.isAdmin
        )
    }

    static let selectedColumns = """
        SELECT p.id, p.project_id, pr.regions AS project_regions, p.ngo_id, p.business_id, p.government_body_id,
            p.pledge_kzt, p.in_kind, p.state, p.ngo_consent, p.business_consent, p.government_consent, p.proposed_by, p.consent_deadline,
            p.version, p.submitted_at, p.decided_at, p.created_at, p.updated_at,
            coalesce(r.disbursed, 0) AS disbursed, coalesce(r.reached, 0) AS reached,
            coalesce(r.milestones, 0) AS milestones, coalesce(r.finals, 0) AS finals
        FROM partnerships p
        JOIN projects pr ON pr.id = p.project_id
        LEFT JOIN LATERAL (
            SELECT sum(amount_disbursed_kzt) AS disbursed, sum(beneficiaries_reached) AS reached,
                count(*) FILTER (WHERE kind = 'milestone') AS milestones, count(*) FILTER (WHERE kind = 'final') AS finals
            FROM partnership_reports WHERE partnership_id = p.id
        ) r ON true
        """

    static let eventColumns = """
        SELECT id, partnership_id, action, from_state, to_state, actor_organization_id, actor_is_admin, comment, at
        FROM partnership_events
        """

    static func find(_ id: UUID, on connection: Connection, lock: Bool) throws -> Partnership {
        let sql = lock ? "\(selectedColumns) WHERE p.id = $1 FOR UPDATE OF p" : "\(selectedColumns) WHERE p.id = $1"
        guard let row = try connection.query(sql, [id]).first else { throw StorageError.notFound(resource: "partnership") }
        return try decode(row)
    }

    static func decode(_ row: Row) throws -> Partnership {
        guard let state = PartnershipState(rawValue: try row.decode(String.self, "state")) else {
            throw PostgresError(.decoding, message: "unknown partnership state")
        }
        var consents: Set<PartyRole> = []
        if try row.decode(Bool.self, "ngo_consent") { consents.insert(.ngo) }
        if try row.decode(Bool.self, "business_consent") { consents.insert(.business) }
        if try row.decode(Bool.self, "government_consent") { consents.insert(.governmentBody) }
        return Partnership(
            id: try row.decode(UUID.self, "id"),
            projectID: try row.decode(UUID.self, "project_id"),
            projectRegions: try row.decode([String].self, "project_regions"),
            ngoID: try row.decode(UUID.self, "ngo_id"),
            businessID: try row.decode(UUID.self, "business_id"),
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
            )
        )
    }

    static func decodeEvent(_ row: Row) throws -> PartnershipEvent {
        PartnershipEvent(
            id: try row.decode(Int64.self, at: 0),
            partnershipID: try row.decode(UUID.self, at: 1),
            action: try row.decode(String.self, at: 2),
            fromState: try row.decode(String?.self, at: 3).flatMap(PartnershipState.init(rawValue:)),
            toState: PartnershipState(rawValue: try row.decode(String.self, at: 4)) ?? .proposed,
            actorOrganizationID: try row.decode(UUID?.self, at: 5),
            actorIsAdmin: try row.decode(Bool.self, at: 6),
            comment: try row.decode(String?.self, at: 7),
            at: try row.decode(Date.self, at: 8)
        )
    }
}
