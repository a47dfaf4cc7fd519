import Domain
import Foundation
import Postgres

/// Filters for listing organizations; nil means no filter.
public struct OrganizationFilter: Sendable {
    public var kind: OrganizationKind?
    /// A KATO code: matches organizations working in it or anywhere under it.
    public var region: String?
    /// Matches organizations working on any of these focus areas.
    public var focusAreas: [String] = []
    public var text: TextQuery?
    public var includeInactive = false

    public init() {}
}

public struct OrganizationRepository: Sendable {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    public func create(_ draft: OrganizationDraft) async throws -> Organization {
        try await pool.withTransaction { connection in
            try Self.validate(draft, on: connection)
            let parameters = Self.parameters(of: draft)
            let rows = try Self.mapUniqueBIN {
                try connection.query(
                    """
                    INSERT INTO organizations (\(Self.writableColumns))
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
                    RETURNING \(Self.selectedColumns)
                    """,
                    parameters
                )
            }
            return try Self.decode(rows.rows[0])
        }
    }

    public func find(_ id: UUID) async throws -> Organization {
        try Self.decode(try await lookUpRow(table: "organizations", columns: Self.selectedColumns, id: id, resource: "organization", in: pool))
    }

    /// The organizations with these ids that exist, in no particular order.
    public func find(_ ids: [UUID]) async throws -> [Organization] {
        guard !ids.isEmpty else { return [] }
        return try await pool.withConnection { connection in
            try connection.query("SELECT \(Self.selectedColumns) FROM organizations WHERE id = ANY ($1::uuid[])", [ids]).rows.map(Self.decode)
        }
    }

    /// The organizations with these BINs, by BIN; a BIN nobody has is absent.
    public func ids(byBIN bins: [String]) async throws -> [String: UUID] {
        guard !bins.isEmpty else { return [:] }
        return try await pool.withConnection { connection in
            var found: [String: UUID] = [:]
            for row in try connection.query("SELECT bin, id FROM organizations WHERE bin = ANY ($1::text[])", [bins]).rows {
                found[try row.decode(String.self, at: 0)] = try row.decode(UUID.self, at: 1)
            }
            return found
        }
    }

    /// Applies `change` to the current fields under a row lock, validates the result and saves it.
    public func update(
        _ id: UUID,
        _ change: @escaping @Sendable (inout OrganizationDraft) throws -> Void
    ) async throws -> Organization {
        try await pool.withTransaction { connection in
            let current = try Self.find(id, on: connection, lock: true)
            var draft = current.fields
            try change(&draft)
            if draft.kind != current.fields.kind {
                throw DomainError.invalid([FieldIssue(field: "kind", code: "immutable", message: "The kind of an organization cannot change.")])
            }
            try Self.validate(draft, on: connection)
            let rows = try Self.mapUniqueBIN {
                try connection.query(
                    """
                    UPDATE organizations SET (\(Self.writableColumns), updated_at) =
                        ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, clock_timestamp())
                    WHERE id = $22
                    RETURNING \(Self.selectedColumns)
                    """,
                    Self.parameters(of: draft) + [id]
                )
            }
            return try Self.decode(rows.rows[0])
        }
    }

    /// Marks an organization inactive; it stays readable but leaves listings and matching.
    public func deactivate(_ id: UUID) async throws -> Organization {
        try await pool.withConnection { connection in
            let result = try connection.query(
                """
                UPDATE organizations
                SET active = false, deactivated_at = coalesce(deactivated_at, clock_timestamp()), updated_at = clock_timestamp()
                WHERE id = $1
                RETURNING \(Self.selectedColumns)
                """,
                [id]
            )
            guard let row = result.first else { throw DomainError.notFound(resource: "organization") }
            return try Self.decode(row)
        }
    }

    /// Sets an organization's verification (an admin's decision).
    public func setVerification(_ id: UUID, to verification: Verification) async throws -> Organization {
        try await pool.withConnection { connection in
            guard let row = try connection.query(
                "UPDATE organizations SET verification = $2, updated_at = clock_timestamp() WHERE id = $1 RETURNING \(Self.selectedColumns)",
                [id, verification.rawValue]
            ).first else { throw DomainError.notFound(resource: "organization") }
            return try Self.decode(row)
        }
    }

    public func list(_ filter: OrganizationFilter, after cursor: PageCursor?, limit: Int) async throws -> Page<Organization> {
        var query = QueryBuilder()
        if let kind = filter.kind { query.require("kind = $", kind.rawValue) }
        if let region = filter.region { query.require("region_scope @> ARRAY[$::text]", region) }
        if !filter.focusAreas.isEmpty { query.require("focus_areas && $::text[]", filter.focusAreas) }
        if !filter.includeInactive { query.require("active") }
        query.resume(after: cursor)
        let filters = query
        return try await pool.withConnection { connection in
            let rows = try listingRows(
                table: "organizations", columns: Self.selectedColumns, filters: filters, text: filter.text, limit: limit + 1, on: connection
            )
            return try page(rows, limit: limit, decode: Self.decode)
        }
    }

    // MARK: - Rows

    /// The columns a draft writes, in the order `parameters(of:)` gives them; bulk loaders use both.
    public static let writableColumns = """
        kind, bin, legal_form, name_kk, name_ru, name_en, description, website, contact_email, contact_phone, \
        nationwide, regions, focus_areas, seeking, annual_csr_budget_kzt, max_active_partnerships, \
        annual_budget_kzt, staff_count, founded_year, jurisdiction, level
        """

    // created_at and id come first: listings read their cursor from them.
    static let selectedColumns = "created_at, id, \(writableColumns), verification, active, deactivated_at, updated_at"

    public static func parameters(of draft: OrganizationDraft) -> [any PostgresEncodable] {
        [
            draft.kind.rawValue, draft.bin, draft.legalForm, draft.name.kk, draft.name.ru, draft.name.en,
            draft.description, draft.website, draft.contactEmail, draft.contactPhone,
            draft.nationwide, draft.regions, draft.focusAreas, draft.seeking,
            draft.annualCSRBudgetKZT, draft.maxActivePartnerships,
            draft.annualBudgetKZT, draft.staffCount, draft.foundedYear,
            draft.jurisdiction, draft.level?.rawValue,
        ]
    }

    static func decode(_ row: Row) throws -> Organization {
        guard let kind = OrganizationKind(rawValue: try row.decode(String.self, "kind")) else {
            throw PostgresError(.decoding, message: "unknown organization kind")
        }
        var fields = OrganizationDraft(
            kind: kind,
            bin: try row.decode(String.self, "bin"),
            legalForm: try row.decode(String.self, "legal_form"),
            name: LocalizedText(
                kk: try row.decode(String?.self, "name_kk"),
                ru: try row.decode(String?.self, "name_ru"),
                en: try row.decode(String?.self, "name_en")
            )
        )
        fields.description = try row.decode(String.self, "description")
        fields.website = try row.decode(String?.self, "website")
        fields.contactEmail = try row.decode(String?.self, "contact_email")
        fields.contactPhone = try row.decode(String?.self, "contact_phone")
        fields.nationwide = try row.decode(Bool.self, "nationwide")
        fields.regions = try row.decode([String].self, "regions")
        fields.focusAreas = try row.decode([String].self, "focus_areas")
        fields.seeking = try row.decode([String].self, "seeking")
        fields.annualCSRBudgetKZT = try row.decode(Int64?.self, "annual_csr_budget_kzt")
        fields.maxActivePartnerships = try row.decode(Int?.self, "max_active_partnerships")
        fields.annualBudgetKZT = try row.decode(Int64?.self, "annual_budget_kzt")
        fields.staffCount = try row.decode(Int?.self, "staff_count")
        fields.foundedYear = try row.decode(Int?.self, "founded_year")
        fields.jurisdiction = try row.decode(String?.self, "jurisdiction")
        fields.level = try row.decode(String?.self, "level").flatMap(GovernmentLevel.init(rawValue:))
        return Organization(
            id: try row.decode(UUID.self, "id"),
            fields: fields,
            verification: Verification(rawValue: try row.decode(String.self, "verification")) ?? .unverified,
            active: try row.decode(Bool.self, "active"),
            deactivatedAt: try row.decode(Date?.self, "deactivated_at"),
            createdAt: try row.decode(Date.self, "created_at"),
            updatedAt: try row.decode(Date.self, "updated_at")
        )
    }

    static func find(_ id: UUID, on connection: Connection, lock: Bool) throws -> Organization {
        try decode(findRow(table: "organizations", columns: selectedColumns, id: id, lock: lock, resource: "organization", on: connection))
    }

    // MARK: - Rules

    /// Rules that need the reference tables or span fields; single-field formats are the API's job.
    static func validate(_ draft: OrganizationDraft, on connection: Connection) throws {
        var issues = OrganizationRules.issues(draft)
        var codes = ReferenceCheck.Codes()
        codes.regions = draft.regions
        codes.focusAreas = [("focus_areas", draft.focusAreas), ("seeking", draft.seeking)]
        codes.legalForm = (draft.legalForm, draft.kind)
        codes.jurisdiction = draft.jurisdiction
        issues += try ReferenceCheck.issues(for: codes, on: connection)
        if !issues.isEmpty { throw DomainError.invalid(issues) }
    }

    private static func mapUniqueBIN(_ body: () throws -> QueryResult) throws -> QueryResult {
        do {
            return try body()
        } catch let error as PostgresError where error.isUniqueViolation && error.constraint == "organizations_bin_key" {
            throw DomainError.conflict(code: "duplicate_bin", message: "An organization with this BIN is already registered.")
        } catch let error as PostgresError where error.isCheckViolation && error.constraint == "organizations_budget_covers_pledges" {
            throw DomainError.conflict(
                code: "budget_below_pledges",
                message: "The CSR budget cannot drop below what approved and active partnerships already pledge."
            )
        }
    }
}
