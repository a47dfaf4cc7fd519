import Foundation
import Domain
import Storage
import UseCases

/// kk/ru/en text as it appears in responses.
struct LocalizedTextResource: Encodable {
    let kk: String?
    let ru: String?
    let en: String?

    init(_ text: LocalizedText) {
        kk = text.kk
        ru = text.ru
        en = text.en
    }
}

struct OrganizationResource: Encodable {
    struct Contact: Encodable {
        let email: String?
        let phone: String?
    }

    let id: String
    let kind: String
    let bin: String
    let legalForm: String
    let name: LocalizedTextResource
    let description: String
    let website: String?
    /// Private: present only for callers allowed to see it.
    let contact: Contact?
    let nationwide: Bool
    let regions: [String]
    let focusAreas: [String]
    let seeking: [String]
    let annualCsrBudgetKzt: Int64?
    let maxActivePartnerships: Int?
    let annualBudgetKzt: Int64?
    let staffCount: Int?
    let foundedYear: Int?
    let jurisdiction: String?
    let level: String?
    let verification: String
    let active: Bool
    let deactivatedAt: Date?
    let createdAt: Date
    let updatedAt: Date

    init(_ view: OrganizationService.View) {
        self.init(view.organization, showContact: view.showsContact)
    }

    init(_ organization: Organization, showContact: Bool) {
        let fields = organization.fields
        id = organization.id.lowercasedString
        kind = fields.kind.rawValue
        bin = fields.bin
        legalForm = fields.legalForm
        name = LocalizedTextResource(fields.name)
        description = fields.description
        website = fields.website
        contact = showContact ? Contact(email: fields.contactEmail, phone: fields.contactPhone) : nil
        nationwide = fields.nationwide
        regions = fields.regions
        focusAreas = fields.focusAreas
        seeking = fields.seeking
        annualCsrBudgetKzt = fields.annualCSRBudgetKZT
        maxActivePartnerships = fields.maxActivePartnerships
        annualBudgetKzt = fields.annualBudgetKZT
        staffCount = fields.staffCount
        foundedYear = fields.foundedYear
        jurisdiction = fields.jurisdiction
        level = fields.level?.rawValue
        verification = organization.verification.rawValue
        active = organization.active
        deactivatedAt = organization.deactivatedAt
        createdAt = organization.createdAt
        updatedAt = organization.updatedAt
    }
}

struct ProjectResource: Encodable {
    let id: String
    let organizationId: String
    let title: LocalizedTextResource
    let summary: LocalizedTextResource
    let focusAreas: [String]
    let regions: [String]
    let fundingNeededKzt: Int64
    let inKindNeeds: [String]
    let durationMonths: Int
    let beneficiaries: Int
    let status: String
    let createdAt: Date
    let updatedAt: Date

    init(_ project: Project) {
        let fields = project.fields
        id = project.id.lowercasedString
        organizationId = fields.organizationID.lowercasedString
        title = LocalizedTextResource(fields.title)
        summary = LocalizedTextResource(fields.summary)
        focusAreas = fields.focusAreas
        regions = fields.regions
        fundingNeededKzt = fields.fundingNeededKZT
        inKindNeeds = fields.inKindNeeds
        durationMonths = fields.durationMonths
        beneficiaries = fields.beneficiaries
        status = fields.status.rawValue
        createdAt = project.createdAt
        updatedAt = project.updatedAt
    }
}

struct RegionResource: Encodable {
    let kato: String
    let parentKato: String?
    let level: Int
    let kind: String
    let isoCode: String?
    let name: LocalizedTextResource
    let center: String?
    let aliases: [String]

    init(_ region: Region) {
        kato = region.kato
        parentKato = region.parentKATO
        level = region.level
        kind = region.kind
        isoCode = region.isoCode
        name = LocalizedTextResource(region.name)
        center = region.center
        aliases = region.aliases
    }
}

struct FocusAreaResource: Encodable {
    let code: String
    let name: LocalizedTextResource
    let sdgs: [Int]

    init(_ area: FocusArea) {
        code = area.code
        name = LocalizedTextResource(area.name)
        sdgs = area.sdgs
    }
}

struct LegalFormResource: Encodable {
    let code: String
    let organizationKind: String
    let name: LocalizedTextResource

    init(_ form: LegalForm) {
        code = form.code
        organizationKind = form.organizationKind.rawValue
        name = LocalizedTextResource(form.name)
    }
}

/// A page of a listing.
struct PageResource<Item: Encodable>: Encodable {
    let items: [Item]
    /// Pass as `cursor` to get the next page; null on the last page.
    let nextCursor: String?

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        // Always present, so clients can test it for null.
        try container.encode(nextCursor, forKey: .nextCursor)
    }

    private enum CodingKeys: String, CodingKey {
        case items, nextCursor
    }
}

struct ListResource<Item: Encodable>: Encodable {
    let items: [Item]
}
