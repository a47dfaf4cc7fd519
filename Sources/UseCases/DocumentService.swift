import Domain
import Foundation
import Storage

/// An organization waiting for verification, with what an admin decides on: what its number
/// says, what looks wrong, the documents it gave and who registered it.
public struct VerificationCase: Sendable {
    public let organization: Organization
    /// Nil when the number's digits name no date or holder.
    public let reading: BINReading?
    public let findings: [VerificationFinding]
    public let documents: [OrganizationDocument]
    /// Its owners: the people who registered it or were made owners since.
    public let owners: [Person]
}

/// An organization's documents with what the caller may do to them.
public struct DocumentShelf: Sendable {
    public let documents: [OrganizationDocument]
    public let mayUpload: Bool
    /// False for owners once the organization is verified: what it was verified on stays.
    public let mayRemove: Bool
}

/// The documents an organization gives for its verification: its owners upload and remove them;
/// the organization's people and admins read them.
public struct DocumentService: Sendable {
    let documents: DocumentRepository
    let organizations: OrganizationRepository
    let people: PeopleRepository

    public init(documents: DocumentRepository, organizations: OrganizationRepository, people: PeopleRepository) {
        self.documents = documents
        self.organizations = organizations
        self.people = people
    }

    /// Stores a document after checking its kind, size and the type its content shows; `person`
    /// is the signed-in person behind a page's session.
    public func upload(
        to organization: UUID, kind: String?, fileName: String, content: [UInt8], person: UUID? = nil, by caller: Caller
    ) async throws -> OrganizationDocument {
        try Access.requireSignedIn(caller)
        _ = try await organizations.find(organization)
        try requireUploadRight(to: organization, by: caller)
        let issues = DocumentRules.issues(kind: kind, bytes: content)
        guard issues.isEmpty, let kind = DocumentKind(rawValue: kind ?? ""), let type = DocumentRules.contentType(of: content) else {
            throw DomainError.invalid(issues)
        }
        guard let stored = try await documents.create(
            organization: organization, kind: kind, fileName: DocumentRules.fileName(fileName, contentType: type), contentType: type,
            content: Data(content), by: person, limit: DocumentRules.maxPerOrganization
        ) else {
            throw DomainError.conflict(
                code: "too_many_documents",
                message: "An organization keeps at most \(DocumentRules.maxPerOrganization) documents; remove one first."
            )
        }
        return stored
    }

    /// Refuses (403) anyone who may not upload: a page asks before reading megabytes of body.
    public func requireUploadRight(to organization: UUID, by caller: Caller) throws {
        try Access.requireOwner(caller, organization, to: "upload its documents")
    }

    /// The organization's documents, newest first: for its people and admins.
    public func list(of organization: UUID, by caller: Caller) async throws -> DocumentShelf {
        try Access.requireSignedIn(caller)
        let found = try await organizations.find(organization)
        try Access.requireSpeaksFor(caller, organization, to: "read its documents")
        let mayUpload = caller.isAdmin || caller.isOwner(of: organization)
        return DocumentShelf(
            documents: try await documents.documents(of: organization), mayUpload: mayUpload,
            mayRemove: caller.isAdmin || (mayUpload && found.verification != .verified)
        )
    }

    /// One document with its content; for anyone else it does not exist.
    public func content(_ id: UUID, of organization: UUID, by caller: Caller) async throws -> (document: OrganizationDocument, content: Data) {
        try Access.requireSignedIn(caller)
        guard caller.speaksFor(organization), let found = try await documents.content(id, of: organization) else {
            throw DomainError.notFound(resource: "document")
        }
        return found
    }

    /// Removes a document; once the organization is verified only an admin may, so that what the
    /// verification rested on stays.
    public func delete(_ id: UUID, of organization: UUID, by caller: Caller) async throws {
        try Access.requireSignedIn(caller)
        let found = try await organizations.find(organization)
        try Access.requireOwner(caller, organization, to: "remove its documents")
        if found.verification == .verified && !caller.isAdmin {
            throw DomainError.conflict(
                code: "verified_documents_kept", message: "The organization is verified on these documents; an admin may remove one."
            )
        }
        guard try await documents.delete(id, of: organization) else { throw DomainError.notFound(resource: "document") }
    }

    /// Organizations waiting for verification, oldest first, each with what an admin decides on.
    public func verificationQueue(limit: Int, by caller: Caller) async throws -> [VerificationCase] {
        try Access.requireAdmin(caller, to: "see the verification queue")
        let waiting = try await people.unverifiedOrganizations(limit: max(1, min(limit, 500)))
        let ids = waiting.map(\.id)
        async let documents = documents.documents(of: ids)
        async let owners = people.owners(of: ids)
        let (documentsByOrganization, ownersByOrganization) = try await (documents, owners)
        let year = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date()).year ?? 2026
        return waiting.map { organization in
            let given = documentsByOrganization[organization.id] ?? []
            let reading = BINReading.read(organization.fields.bin, currentYear: year)
            return VerificationCase(
                organization: organization, reading: reading,
                findings: VerificationCheck.findings(for: organization.fields, reading: reading, documents: given),
                documents: given, owners: ownersByOrganization[organization.id] ?? []
            )
        }
    }
}
