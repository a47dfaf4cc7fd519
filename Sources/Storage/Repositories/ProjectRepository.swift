import Domain
import Foundation
import Postgres

public struct ProjectFilter: Sendable {
    public var organizationID: UUID?
    public var status: ProjectStatus?
    /// A KATO code: matches projects in it or anywhere under it.
    public var region: String?
    public var focusAreas: [String] = []
    public var text: TextQuery?
    public var minFundingKZT: Int64?
    public var maxFundingKZT: Int64?
    /// Drafts are private: listed only for their own organization (nil: for nobody), unless `allDrafts`.
    public var draftsOf: UUID?
    public var allDrafts = false

    public init() {}
}

public struct ProjectRepository: Sendable {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    public func create(_ draft: ProjectDraft) async throws -> Project {
        try await pool.withTransaction { connection in
            try Self.validate(draft, on: connection)
            let row = try connection.query(
                """
                INSERT INTO projects (\(Self.writableColumns))
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
                RETURNING \(Self.selectedColumns)
                """,
                Self.parameters(of: draft)
            ).rows[0]
            return try Self.decode(row)
        }
    }

    public func find(_ id: UUID) async throws -> Project {
        try Self.decode(try await lookUpRow(table: "projects", columns: Self.selectedColumns, id: id, resource: "project", in: pool))
    }

    /// The projects with these ids that exist, in no particular order.
    public func find(_ ids: [UUID]) async throws -> [Project] {
        guard !ids.isEmpty else { return [] }
        return try await pool.withConnection { connection in
            try connection.query("SELECT \(Self.selectedColumns) FROM projects WHERE id = ANY ($1::uuid[])", [ids]).rows.map(Self.decode)
        }
    }

    /// Applies `change` under a row lock, validates the result and saves it.
    public func update(_ id: UUID, _ change: @escaping @Sendable (inout ProjectDraft) throws -> Void) async throws -> Project {
        try await pool.withTransaction { connection in
            let current = try Self.find(id, on: connection, lock: true)
            var draft = current.fields
            try change(&draft)
            if draft.organizationID != current.fields.organizationID {
                throw DomainError.invalid([FieldIssue(
                    field: "organization_id", code: "immutable", message: "A project cannot move to another organization."
                )])
            }
            if current.fields.status == .closed && draft.status != .closed {
                throw DomainError.conflict(code: "project_closed", message: "A closed project cannot be reopened.")
            }
            // Partnerships in progress rest on where the project runs and on it staying public.
            let movesAway = draft.regions != current.fields.regions || draft.status == .draft || draft.status == .closed
            if movesAway, draft.regions != current.fields.regions || draft.status != current.fields.status {
                let open = try connection.query(
                    "SELECT count(*) FROM partnerships WHERE project_id = $1 AND state IN ('proposed', 'under_review', 'approved', 'active')",
                    [id]
                ).rows[0].decode(Int.self, at: 0)
                if open > 0 {
                    throw DomainError.conflict(
                        code: "partnerships_in_progress",
                        message: "\(open) partnership(s) in progress rest on this project's regions and status; conclude or withdraw them first."
                    )
                }
            }
            // What partnerships pledged stays covered: a smaller need would make them fund more than it.
            var issues: [FieldIssue] = []
            if draft.fundingNeededKZT < current.fields.fundingNeededKZT {
                let pledged = try connection.query(
                    "SELECT coalesce(sum(pledge_kzt), 0)::bigint FROM partnerships WHERE project_id = $1 AND state IN ('approved', 'active', 'completed')",
                    [id]
                ).rows[0].decode(Int64.self, at: 0)
                if draft.fundingNeededKZT < pledged {
                    issues.append(FieldIssue(
                        field: "funding_needed_kzt", code: "below_pledged",
                        message: "Partnerships have pledged \(pledged) KZT to this project; its need cannot be less."
                    ))
                }
            }
            // Every problem is reported at once.
            do {
                try Self.validate(draft, on: connection)
            } catch DomainError.invalid(let found) {
                issues = found + issues
            }
            if !issues.isEmpty { throw DomainError.invalid(issues) }
            let row = try connection.query(
                """
                UPDATE projects SET (\(Self.writableColumns), updated_at) =
                    ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, clock_timestamp())
                WHERE id = $15
                RETURNING \(Self.selectedColumns)
                """,
                Self.parameters(of: draft) + [id]
            ).rows[0]
            return try Self.decode(row)
        }
    }

    /// Closes a project: it stays readable but leaves open listings and matching.
    public func close(_ id: UUID) async throws -> Project {
        try await update(id) { $0.status = .closed }
    }

    public func list(_ filter: ProjectFilter, after cursor: PageCursor?, limit: Int) async throws -> Page<Project> {
        var query = QueryBuilder()
        if let organizationID = filter.organizationID { query.require("organization_id = $", organizationID) }
        if let status = filter.status { query.require("status = $", status.rawValue) }
        if let region = filter.region { query.require("region_scope @> ARRAY[$::text]", region) }
        if !filter.focusAreas.isEmpty { query.require("focus_areas && $::text[]", filter.focusAreas) }
        if let minimum = filter.minFundingKZT { query.require("funding_needed_kzt >= $", minimum) }
        if let maximum = filter.maxFundingKZT { query.require("funding_needed_kzt <= $", maximum) }
        if !filter.allDrafts {
            if let owner = filter.draftsOf {
                query.require("(status <> 'draft' OR organization_id = $)", owner)
            } else {
                query.require("status <> 'draft'")
            }
        }
        query.resume(after: cursor)
        let filters = query
        return try await pool.withConnection { connection in
            let rows = try listingRows(
                table: "projects", columns: Self.selectedColumns, filters: filters, text: filter.text, limit: limit + 1, on: connection
            )
            return try page(rows, limit: limit, decode: Self.decode)
        }
    }

    // MARK: - Rows

    /// The columns a draft writes, in the order `parameters(of:)` gives them; bulk loaders use both.
    public static let writableColumns = """
        organization_id, title_kk, title_ru, title_en, summary_kk, summary_ru, summary_en, \
        focus_areas, regions, funding_needed_kzt, in_kind_needs, duration_months, beneficiaries, status
        """

    // created_at and id come first: listings read their cursor from them.
    static let selectedColumns = "created_at, id, \(writableColumns), updated_at"

    public static func parameters(of draft: ProjectDraft) -> [any PostgresEncodable] {
        [
            draft.organizationID, draft.title.kk, draft.title.ru, draft.title.en,
            draft.summary.kk, draft.summary.ru, draft.summary.en,
            draft.focusAreas, draft.regions, draft.fundingNeededKZT, draft.inKindNeeds,
            draft.durationMonths, draft.beneficiaries, draft.status.rawValue,
        ]
    }

    static func decode(_ row: Row) throws -> Project {
        guard let status = ProjectStatus(rawValue: try row.decode(String.self, "status")) else {
            throw PostgresError(.decoding, message: "unknown project status")
        }
        var fields = ProjectDraft(
            organizationID: try row.decode(UUID.self, "organization_id"),
            title: LocalizedText(
                kk: try row.decode(String?.self, "title_kk"),
                ru: try row.decode(String?.self, "title_ru"),
                en: try row.decode(String?.self, "title_en")
            ),
            fundingNeededKZT: try row.decode(Int64.self, "funding_needed_kzt"),
            durationMonths: try row.decode(Int.self, "duration_months")
        )
        fields.summary = LocalizedText(
            kk: try row.decode(String?.self, "summary_kk"),
            ru: try row.decode(String?.self, "summary_ru"),
            en: try row.decode(String?.self, "summary_en")
        )
        fields.focusAreas = try row.decode([String].self, "focus_areas")
        fields.regions = try row.decode([String].self, "regions")
        fields.inKindNeeds = try row.decode([String].self, "in_kind_needs")
        fields.beneficiaries = try row.decode(Int.self, "beneficiaries")
        fields.status = status
        return Project(
            id: try row.decode(UUID.self, "id"),
            fields: fields,
            createdAt: try row.decode(Date.self, "created_at"),
            updatedAt: try row.decode(Date.self, "updated_at")
        )
    }

    static func find(_ id: UUID, on connection: Connection, lock: Bool) throws -> Project {
        try decode(findRow(table: "projects", columns: selectedColumns, id: id, lock: lock, resource: "project", on: connection))
    }

    static func validate(_ draft: ProjectDraft, on connection: Connection) throws {
        var issues: [FieldIssue] = []
        if draft.title.isEmpty {
            issues.append(FieldIssue(field: "title", code: "required", message: "Give the title in at least one of kk, ru, en."))
        }
        if draft.regions.isEmpty {
            issues.append(FieldIssue(field: "regions", code: "required", message: "List at least one region where the project runs."))
        }
        let owner = try connection.query(
            "SELECT kind, active FROM organizations WHERE id = $1 FOR SHARE",
            [draft.organizationID]
        ).first
        if let owner {
            if try owner.decode(String.self, at: 0) != OrganizationKind.ngo.rawValue {
                issues.append(FieldIssue(field: "organization_id", code: "not_an_ngo", message: "Projects are proposed by NGOs."))
            } else if try !owner.decode(Bool.self, at: 1), draft.status != .closed {
                // A deactivated NGO's projects can still be closed.
                issues.append(FieldIssue(field: "organization_id", code: "inactive", message: "The organization is deactivated."))
            }
        } else {
            issues.append(FieldIssue(field: "organization_id", code: "unknown_organization", message: "No organization has this id."))
        }
        var codes = ReferenceCheck.Codes()
        codes.regions = draft.regions
        codes.focusAreas = [("focus_areas", draft.focusAreas)]
        issues += try ReferenceCheck.issues(for: codes, on: connection)
        if !issues.isEmpty { throw DomainError.invalid(issues) }
    }
}
