import Foundation

/// What a document an organization gave for its verification is.
public enum DocumentKind: String, Sendable, CaseIterable {
    /// The certificate (or registry extract) of state registration.
    case registrationCertificate = "registration_certificate"
    case charter
    case other
}

/// A document an organization gave, without its content.
public struct OrganizationDocument: Sendable, Equatable {
    public let id: UUID
    public let organizationID: UUID
    public let kind: DocumentKind
    public let fileName: String
    public let contentType: String
    public let byteCount: Int
    /// SHA-256 of the content, lowercase hex: what an admin compares with a copy they were sent.
    public let sha256: String
    public let uploadedByName: String?
    public let uploadedAt: Date

    public init(
        id: UUID, organizationID: UUID, kind: DocumentKind, fileName: String, contentType: String, byteCount: Int, sha256: String,
        uploadedByName: String?, uploadedAt: Date
    ) {
        self.id = id
        self.organizationID = organizationID
        self.kind = kind
        self.fileName = fileName
        self.contentType = contentType
        self.byteCount = byteCount
        self.sha256 = sha256
        self.uploadedByName = uploadedByName
        self.uploadedAt = uploadedAt
    }
}

/// What is accepted as a document: the database enforces the same size and types.
public enum DocumentRules {
    public static let maxBytes = 5 * 1024 * 1024
    public static let maxPerOrganization = 20
    public static let maxFileNameLength = 120

    /// The type the content itself shows (PDF, PNG or JPEG), whatever the sender called it; nil
    /// for anything else, which is refused: an admin opens these files.
    public static func contentType(of bytes: [UInt8]) -> String? {
        // A PDF's header may follow up to 1024 bytes of anything (the PDF specification's allowance).
        let marker = Array("%PDF-".utf8)
        if (0...min(1024, bytes.count)).contains(where: { bytes[$0...].starts(with: marker) }) {
            return "application/pdf"
        }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        return nil
    }

    /// The name a download is offered under: the sender's base name without control characters,
    /// path parts or quotes, ending in the extension of the type the content shows (a PDF sent as
    /// `x.html` is saved as `x.html.pdf`, so no program but a PDF reader opens it), at most
    /// `maxFileNameLength` code points as the database counts them, never empty.
    public static func fileName(_ raw: String, contentType: String) -> String {
        let base = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var stem = String(String.UnicodeScalarView(base.unicodeScalars.filter { scalar in
            !CharacterSet.controlCharacters.contains(scalar) && scalar != "\"" && scalar != ";"
        })).trimmingCharacters(in: .whitespaces)
        let extensions = contentType == "application/pdf" ? ["pdf"] : contentType == "image/png" ? ["png"] : ["jpg", "jpeg"]
        if let dot = stem.lastIndex(of: "."), extensions.contains(stem[stem.index(after: dot)...].lowercased()) {
            stem = String(stem[..<dot])
        }
        stem = stem.trimmingCharacters(in: CharacterSet(charactersIn: ". "))
        if stem.isEmpty { stem = "document" }
        let suffix = "." + extensions[0]
        let room = maxFileNameLength - suffix.unicodeScalars.count
        return String(String.UnicodeScalarView(stem.unicodeScalars.prefix(room))) + suffix
    }

    /// Problems with an upload before it is stored: none, a known kind, a size within limits and
    /// a type the content shows.
    public static func issues(kind: String?, bytes: [UInt8]) -> [FieldIssue] {
        var issues: [FieldIssue] = []
        if DocumentKind(rawValue: kind ?? "") == nil {
            issues.append(FieldIssue(field: "kind", code: "unknown_kind", message: "kind must be one of: registration_certificate, charter, other."))
        }
        if bytes.isEmpty {
            issues.append(FieldIssue(field: "file", code: "required", message: "Choose a file to upload."))
        } else if bytes.count > maxBytes {
            issues.append(FieldIssue(field: "file", code: "too_large", message: "A document may be at most 5 MB."))
        } else if contentType(of: bytes) == nil {
            issues.append(FieldIssue(field: "file", code: "unsupported_type", message: "A document must be a PDF, PNG or JPEG file."))
        }
        return issues
    }
}

/// Something the admin should look at before verifying an organization, read from what it
/// declared and what its number says.
public struct VerificationFinding: Sendable, Equatable {
    public enum Code: String, Sendable, CaseIterable {
        /// An individual's IIN where a legal entity's BIN belongs.
        case individualNumber = "individual_number"
        case branch
        case representativeOffice = "representative_office"
        case nonResident = "non_resident"
        case peasantFarm = "peasant_farm"
        /// The founding year it gave is later than the registration its BIN records.
        case foundedAfterRegistration = "founded_after_registration"
        /// A BIN whose digits are valid but name no month or holder.
        case unreadableNumber = "unreadable_number"
        case noRegistrationDocument = "no_registration_document"
        /// The legal form says individual entrepreneur, who works under an IIN, not a BIN.
        case entrepreneurUnderAnEntityNumber = "entrepreneur_under_an_entity_number"
    }

    public let code: Code
    /// True for what speaks against verifying as is; false for what is only worth knowing.
    public let isConcern: Bool

    public init(code: Code, isConcern: Bool) {
        self.code = code
        self.isConcern = isConcern
    }
}

public enum VerificationCheck {
    /// Every finding for `organization`, concerns first.
    public static func findings(
        for organization: OrganizationDraft, reading: BINReading?, documents: [OrganizationDocument]
    ) -> [VerificationFinding] {
        var found: [VerificationFinding] = []
        let isBusiness = organization.kind == .business
        switch reading {
        case nil:
            found.append(VerificationFinding(code: .unreadableNumber, isConcern: true))
        case .individual:
            // An individual entrepreneur is a business that works under its owner's IIN.
            found.append(VerificationFinding(code: .individualNumber, isConcern: organization.legalForm != "individual_entrepreneur"))
        case let .legalEntity(registeredYear, _, holder, unit):
            if holder == .nonResident { found.append(VerificationFinding(code: .nonResident, isConcern: !isBusiness)) }
            switch unit {
            case .headUnit: break
            case .branch: found.append(VerificationFinding(code: .branch, isConcern: false))
            case .representativeOffice: found.append(VerificationFinding(code: .representativeOffice, isConcern: organization.kind != .ngo))
            case .peasantFarm: found.append(VerificationFinding(code: .peasantFarm, isConcern: organization.legalForm != "peasant_farm"))
            }
            if organization.legalForm == "individual_entrepreneur" && holder != .jointEntrepreneurship {
                found.append(VerificationFinding(code: .entrepreneurUnderAnEntityNumber, isConcern: true))
            }
            if let founded = organization.foundedYear, founded > registeredYear {
                found.append(VerificationFinding(code: .foundedAfterRegistration, isConcern: true))
            }
        }
        if !documents.contains(where: { $0.kind == .registrationCertificate }) {
            found.append(VerificationFinding(code: .noRegistrationDocument, isConcern: organization.kind != .governmentBody))
        }
        return found.filter(\.isConcern) + found.filter { !$0.isConcern }
    }
}
