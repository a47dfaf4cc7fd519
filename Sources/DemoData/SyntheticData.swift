import Domain
import Postgres
import Matching
import Storage
import Foundation

/// Generated rows for benchmarks. Every row is a function of (seed, index) alone, so rows can be
/// streamed one at a time and a project can rebuild what it needs of its owner.
enum SyntheticData {
    /// Registration months of 2001-2009 times serials per month: the BINs this scheme can issue.
    static let capacity = registrationMonths * SeedBIN.serialsPerMonth

    private static let registrationMonths = 9 * 12
    private static let organizationStream: UInt64 = 1
    private static let projectStream: UInt64 = 2

    // MARK: - Kinds

    /// Each block of 20 rows holds 9 NGOs, 9 businesses and 2 government bodies (45/45/10).
    private static let kindPattern: [OrganizationKind] =
        Array(repeating: [OrganizationKind.ngo, .business], count: 9).flatMap { $0 } + [.governmentBody, .governmentBody]
    private static let ngoSlots: [Int] = kindPattern.indices.filter { kindPattern[$0] == .ngo }

    static func kind(at index: Int) -> OrganizationKind {
        kindPattern[index % kindPattern.count]
    }

    static func ngoCount(among count: Int) -> Int {
        let fullBlocks = count / kindPattern.count
        let rest = count % kindPattern.count
        return fullBlocks * ngoSlots.count + ngoSlots.filter { $0 < rest }.count
    }

    /// The organization index of the `ordinal`-th NGO.
    static func organizationIndex(ofNGO ordinal: Int) -> Int {
        (ordinal / ngoSlots.count) * kindPattern.count + ngoSlots[ordinal % ngoSlots.count]
    }

    // MARK: - Organizations

    /// What projects need to know about their owner; drawn first, so the rest of the row follows from the same generator.
    struct Profile {
        let id: UUID
        let kind: OrganizationKind
        let regions: [String]
        let focusAreas: [String]
    }

    static func profile(_ index: Int, random: inout SeedRandom) -> Profile {
        let kind = kind(at: index)
        let id = random.uuid()
        let regions: [String] = switch kind {
        case .governmentBody: [random.pick(SeedRegion.katos)]
        case .business where random.chance(0.15): []
        case .business, .ngo: random.sample(random.int(in: 1...3), from: SeedRegion.katos)
        }
        let focusAreas = random.sample(random.int(in: 1...3), from: SeedFocusArea.codes)
        return Profile(id: id, kind: kind, regions: regions, focusAreas: focusAreas)
    }

    static func organization(_ index: Int, seed: UInt64) -> SeedOrganization {
        var random = SeedRandom(seed: seed, stream: organizationStream, index: index)
        let profile = profile(index, random: &random)
        let number = index + 1
        var draft: OrganizationDraft = switch profile.kind {
        case .ngo: ngo(number, profile, &random)
        case .business: business(number, profile, &random)
        case .governmentBody: governmentBody(number, profile)
        }
        draft.regions = profile.regions
        draft.nationwide = profile.regions.isEmpty
        draft.focusAreas = profile.focusAreas
        draft.seeking = random.sample(random.int(in: 1...3), from: SeedFocusArea.codes)
        draft.contactPhone = SeedContact.mobilePhone(&random)
        return SeedOrganization(id: profile.id, createdAt: SeedClock.time(SeedClock.synthetic, plusSeconds: index), fields: draft)
    }

    /// Spreads rows over the registration months first, so BIN dates vary from the first rows on.
    private static func bin(_ index: Int) -> String {
        let month = index % registrationMonths
        return SeedBIN.make(year: 2001 + month / 12, month: month % 12 + 1, serial: index / registrationMonths)
    }

    private static func ngo(_ number: Int, _ profile: Profile, _ random: inout SeedRandom) -> OrganizationDraft {
        let form = random.weighted(SeedLegalForm.ngo)
        var draft = OrganizationDraft(
            kind: .ngo, bin: bin(number - 1), legalForm: form.code,
            name: LocalizedText(kk: "Синтетикалық қор \(number)", ru: "Синтетический фонд \(number)", en: "NGO \(number)")
        )
        let area = SeedFocusArea.named(profile.focusAreas[0])
        let region = SeedRegion.named(profile.regions[0])
        draft.description = random.chance(0.8)
            ? "\(form.subject.ru ?? "") \(area.activity.ru ?? "") \(region.inRu)."
            : "\(form.subject.kk ?? "") \(region.inKk) \(area.activity.kk ?? "")."
        draft.contactEmail = "ngo\(number)@example.org"
        draft.annualBudgetKZT = random.logSpread(2_000_000...200_000_000, roundedTo: 100_000)
        draft.staffCount = random.int(in: 2...80)
        draft.foundedYear = random.int(in: 1995...2023)
        return draft
    }

    private static func business(_ number: Int, _ profile: Profile, _ random: inout SeedRandom) -> OrganizationDraft {
        let form = random.weighted(SeedLegalForm.business)
        let sector = random.pick(SeedSector.all)
        var draft = OrganizationDraft(
            kind: .business, bin: bin(number - 1), legalForm: form.code,
            name: LocalizedText(kk: "Синтетикалық компания \(number)", ru: "Синтетическая компания \(number)", en: "Company \(number)")
        )
        let place = profile.regions.first.map { SeedRegion.named($0).inRu } ?? "по всему Казахстану"
        draft.description = "Компания \(sector.activity.ru ?? "") \(place)."
        draft.contactEmail = "company\(number)@example.org"
        draft.annualCSRBudgetKZT = random.logSpread(5_000_000...500_000_000, roundedTo: 1_000_000)
        draft.maxActivePartnerships = random.int(in: 1...10)
        return draft
    }

    private static func governmentBody(_ number: Int, _ profile: Profile) -> OrganizationDraft {
        let region = SeedRegion.named(profile.regions[0])
        var draft = OrganizationDraft(
            kind: .governmentBody, bin: bin(number - 1), legalForm: region.isCity ? "akimat_city" : "akimat_region",
            name: LocalizedText(kk: "Синтетикалық әкімдік \(number)", ru: "Синтетический акимат \(number)", en: "Synthetic akimat \(number)")
        )
        draft.description = "Местный исполнительный орган \(region.genitiveRu) (синтетическая запись)."
        draft.jurisdiction = region.kato
        draft.level = region.isCity ? .city : .region
        return draft
    }

    // MARK: - Projects

    /// Project `index` of a load of `organizationCount` organizations, owned by one of its NGOs.
    static func project(_ index: Int, organizationCount: Int, seed: UInt64) -> SeedProject {
        var random = SeedRandom(seed: seed, stream: projectStream, index: index)
        let id = random.uuid()
        let ownerIndex = organizationIndex(ofNGO: random.below(ngoCount(among: organizationCount)))
        var ownerRandom = SeedRandom(seed: seed, stream: organizationStream, index: ownerIndex)
        let owner = profile(ownerIndex, random: &ownerRandom)
        let areas = random.sample(random.int(in: 1...min(2, owner.focusAreas.count)), from: owner.focusAreas)
        let regions = random.sample(random.int(in: 1...min(2, owner.regions.count)), from: owner.regions)
        let idea = random.pick(SeedFocusArea.named(areas[0]).ideas)
        let number = index + 1
        var draft = ProjectDraft(
            organizationID: owner.id,
            title: LocalizedText(ru: "\(idea.title.ru ?? "") №\(number)", en: "\(idea.title.en ?? "") #\(number)"),
            fundingNeededKZT: random.logSpread(1_000_000...80_000_000, roundedTo: 50_000),
            durationMonths: random.int(in: 3...24)
        )
        draft.summary = LocalizedText(ru: "\(idea.summary.ru ?? "") \(SeedRegion.named(regions[0]).inRu).")
        draft.focusAreas = areas
        draft.regions = regions
        draft.inKindNeeds = random.sample(random.int(in: 0...2), from: SeedInKind.items)
        draft.beneficiaries = random.int(in: 20...5_000)
        draft.status = random.weighted([(ProjectStatus.open, 80), (.draft, 8), (.funded, 8), (.closed, 4)])
        // After every synthetic organization, so projects never predate their owners.
        let createdAt = SeedClock.time(SeedClock.synthetic, plusSeconds: organizationCount + index)
        return SeedProject(id: id, createdAt: createdAt, fields: draft)
    }
}
