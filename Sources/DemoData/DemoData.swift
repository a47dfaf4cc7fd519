import Domain
import Postgres
import Matching
import Storage
import Foundation

/// A few hundred organizations and projects that read like real ones, the same on every run.
struct DemoData: Sendable {
    let organizations: [SeedOrganization]
    let projects: [SeedProject]
    let partnerships: [DemoPartnership]

    static let seed: UInt64 = 0x4153_4152_2025

    static func make() -> DemoData {
        var builder = DemoBuilder(random: SeedRandom(seed: seed))
        builder.addGovernmentBodies()
        builder.addFeaturedNGOs()
        builder.addNGOs(count: 117)
        builder.addBusinesses(count: 120)
        let data = builder.finish(projectCount: 150)
        // Added after everything else, from streams of their own, so the rows drawn before them
        // stay as they were.
        let bodies = DemoGovernment.districtAkimats(for: data.projects, regions: DemoGovernment.regionsWithDistrictAkimats)
            + DemoGovernment.sectorMinistries
        let added = bodies.enumerated().map { offset, draft in
            DemoGovernment.organization(draft, position: data.organizations.count + offset)
        }
        return DemoData(organizations: data.organizations + added, projects: data.projects, partnerships: data.partnerships)
    }
}

private struct DemoBuilder {
    var random: SeedRandom
    private var drafts: [OrganizationDraft] = []
    /// English core names already given out, so no two organizations share a name or an email.
    private var usedNames: Set<String> = []

    init(random: SeedRandom) {
        self.random = random
    }

    // MARK: - Government bodies

    mutating func addGovernmentBodies() {
        for region in SeedRegion.all { addAkimat(of: region) }
        for body in Self.nationalBodies { addNationalBody(body) }
    }

    private mutating func addAkimat(of region: SeedRegion) {
        var draft = OrganizationDraft(
            kind: .governmentBody,
            bin: nextBIN(registeredIn: random.int(in: 2010...2024)),
            legalForm: region.isCity ? "akimat_city" : "akimat_region",
            name: LocalizedText(
                kk: "\(region.genitiveKk) әкімдігі",
                ru: "Акимат \(region.genitiveRu)",
                en: "Akimat of \(region.nameEn)"
            )
        )
        draft.description = "Местный исполнительный орган \(region.genitiveRu). "
            + "Размещает государственный социальный заказ и гранты для НПО, развивает партнёрство с бизнесом \(region.inRu)."
        draft.contactPhone = SeedContact.landline(areaCode: region.areaCode, &random)
        draft.regions = [region.kato]
        draft.focusAreas = random.sample(3, from: SeedFocusArea.codes)
        draft.seeking = random.sample(random.int(in: 2...3), from: draft.focusAreas)
        draft.jurisdiction = region.kato
        draft.level = region.isCity ? .city : .region
        drafts.append(draft)
    }

    private struct NationalBody {
        let legalForm: String
        let name: LocalizedText
        let description: String
        let focusAreas: [String]
    }

    private static let nationalBodies = [
        NationalBody(
            legalForm: "ministry",
            name: LocalizedText(
                kk: "Қазақстан Республикасы Еңбек және халықты әлеуметтік қорғау министрлігі",
                ru: "Министерство труда и социальной защиты населения Республики Казахстан",
                en: "Ministry of Labour and Social Protection of the Population of the Republic of Kazakhstan"
            ),
            description: "Центральный государственный орган в сфере труда, занятости и социальной защиты населения. "
                + "Финансирует программы поддержки людей с инвалидностью и пожилых граждан по всему Казахстану.",
            focusAreas: ["social_protection", "employment", "inclusion"]
        ),
        NationalBody(
            legalForm: "ministry",
            name: LocalizedText(
                kk: "Қазақстан Республикасы Мәдениет және ақпарат министрлігі",
                ru: "Министерство культуры и информации Республики Казахстан",
                en: "Ministry of Culture and Information of the Republic of Kazakhstan"
            ),
            description: "Центральный государственный орган в сфере культуры, информации и гражданского общества. "
                + "Формирует государственный социальный заказ для НПО по всему Казахстану.",
            focusAreas: ["culture", "civic_participation", "public_accord"]
        ),
        NationalBody(
            legalForm: "national_operator",
            name: LocalizedText(
                kk: "«Азаматтық бастамаларды қолдау орталығы» КеАҚ",
                ru: "НАО «Центр поддержки гражданских инициатив»",
                en: "Civil Initiatives Support Center NJSC"
            ),
            description: "Национальный оператор государственных грантов для неправительственных организаций. "
                + "Проводит конкурсы грантов и обучает НПО по всему Казахстану.",
            focusAreas: ["civic_participation", "human_rights", "social_protection"]
        ),
    ]

    private mutating func addNationalBody(_ body: NationalBody) {
        var draft = OrganizationDraft(
            kind: .governmentBody,
            bin: nextBIN(registeredIn: random.int(in: 2010...2024)),
            legalForm: body.legalForm,
            name: body.name
        )
        draft.description = body.description
        draft.contactPhone = SeedContact.landline(areaCode: SeedRegion.astana.areaCode, &random)
        draft.focusAreas = body.focusAreas
        draft.seeking = random.sample(2, from: body.focusAreas)
        // The schema wants a KATO jurisdiction for every government body, and the regions table has
        // no code for the whole republic. Central bodies sit in the capital, so Astana is the closest
        // true answer; nationwide = true (with no regions) is what says they act across the country.
        draft.nationwide = true
        draft.jurisdiction = SeedRegion.astana.kato
        draft.level = .national
        drafts.append(draft)
    }

    // MARK: - NGOs

    /// Hand-written NGOs that tests and demos can rely on finding.
    mutating func addFeaturedNGOs() {
        addFeaturedNGO(
            brand: LocalizedText(kk: "Қамқор", ru: "Камкор", en: "Kamkor"), legalForm: "public_foundation",
            region: "550000000", focusAreas: ["social_protection", "elderly"],
            description: "Фонд «Камкор» оказывает адресную социальную помощь малообеспеченным семьям "
                + "и одиноким пожилым людям в Павлодарской области."
        )
        addFeaturedNGO(
            brand: LocalizedText(kk: "Бірлік", ru: "Бирлик", en: "Birlik"), legalForm: "public_association",
            region: "750000000", focusAreas: ["inclusion", "youth", "education"],
            description: "Помогаем детям с инвалидностью в Алматы: реабилитация, инклюзивное образование "
                + "и поддержка семей, воспитывающих детей с особыми потребностями."
        )
        addFeaturedNGO(
            brand: LocalizedText(kk: "Шапағат", ru: "Шапагат", en: "Shapagat"), legalForm: "public_foundation",
            region: "610000000", focusAreas: ["inclusion", "health"],
            description: "Мүмкіндігі шектеулі балаларға көмек: Түркістан облысында оңалту "
                + "және инклюзивті білім беру бағдарламалары."
        )
    }

    private mutating func addFeaturedNGO(
        brand: LocalizedText, legalForm code: String, region: String, focusAreas: [String], description: String
    ) {
        guard let form = SeedLegalForm.ngo.first(where: { $0.0.code == code })?.0 else {
            preconditionFailure("unknown NGO legal form \(code)")
        }
        _ = claim(brand)
        var draft = ngoDraft(form: form, name: form.name(brand), regions: [region], focusAreas: focusAreas)
        draft.description = description
        draft.contactEmail = "info@\(SeedContact.slug(brand.en ?? "")).kz"
        draft.website = "https://\(SeedContact.slug(brand.en ?? "")).kz"
        drafts.append(draft)
    }

    /// NGOs spread over every region and focus area.
    mutating func addNGOs(count: Int) {
        for number in 0..<count {
            let region = SeedRegion.all[number % SeedRegion.all.count]
            // 7 is coprime to 16, so consecutive NGOs walk through every focus area.
            let primary = SeedFocusArea.all[(number * 7 + 3) % SeedFocusArea.all.count]
            addNGO(region: region, primary: primary)
        }
    }

    private mutating func addNGO(region: SeedRegion, primary: SeedFocusArea) {
        var regions = [region.kato]
        if random.chance(0.25) {
            regions += random.sample(1, from: SeedRegion.katos.filter { $0 != region.kato })
        }
        let others = SeedFocusArea.codes.filter { $0 != primary.code }
        let focusAreas = [primary.code] + random.sample(random.int(in: 0...2), from: others)
        let form = random.weighted(SeedLegalForm.ngo)
        let core = uniqueNGOName(primary: primary, region: region)
        var draft = ngoDraft(form: form, name: form.name(core), regions: regions, focusAreas: focusAreas)
        draft.description = ngoDescription(form: form, focusAreas: focusAreas.map(SeedFocusArea.named), region: region)
        let slug = SeedContact.slug(core.en ?? "")
        draft.contactEmail = "info@\(slug).kz"
        if random.chance(0.55) { draft.website = "https://\(slug).kz" }
        drafts.append(draft)
    }

    private mutating func ngoDraft(form: SeedLegalForm, name: LocalizedText, regions: [String], focusAreas: [String]) -> OrganizationDraft {
        let founded = random.int(in: 1995...2023)
        // NGOs founded before 2010 count as re-registered since: demo BINs stay within 2010-2024.
        var draft = OrganizationDraft(kind: .ngo, bin: nextBIN(registeredIn: max(founded, 2010)), legalForm: form.code, name: name)
        draft.contactPhone = SeedContact.mobilePhone(&random)
        draft.regions = regions
        draft.focusAreas = focusAreas
        draft.seeking = random.sample(random.int(in: 1...focusAreas.count), from: focusAreas)
        draft.annualBudgetKZT = random.logSpread(2_000_000...200_000_000, roundedTo: 100_000)
        draft.staffCount = Int(random.logSpread(2...80))
        draft.foundedYear = founded
        return draft
    }

    private enum NameStyle: CaseIterable {
        case brand, brandAndCity, brandAndDescriptor
    }

    /// A name not given out yet; there are always enough, since each style offers every brand.
    private mutating func uniqueNGOName(primary: SeedFocusArea, region: SeedRegion) -> LocalizedText {
        let brands = SeedNames.ngoBrands
        let styles = NameStyle.allCases
        let firstBrand = random.below(brands.count)
        let firstStyle = random.weighted([(0, 4), (1, 3), (2, 3)])
        for offset in 0..<(brands.count * styles.count) {
            let brand = brands[(firstBrand + offset) % brands.count]
            let style = styles[(firstStyle + offset / brands.count) % styles.count]
            let name = ngoName(brand: brand, style: style, primary: primary, region: region)
            if claim(name) { return name }
        }
        preconditionFailure("the NGO name lists are too short for the demo")
    }

    private func ngoName(brand: LocalizedText, style: NameStyle, primary: SeedFocusArea, region: SeedRegion) -> LocalizedText {
        let kk = brand.kk ?? "", ru = brand.ru ?? "", en = brand.en ?? ""
        switch style {
        case .brand:
            return brand
        case .brandAndCity:
            return LocalizedText(kk: "\(kk)-\(region.centerKk)", ru: "\(ru)-\(region.centerRu)", en: "\(en)-\(region.centerEn)")
        case .brandAndDescriptor:
            let descriptor = primary.descriptor
            return LocalizedText(
                kk: "\(kk) \(descriptor.kk ?? "")", ru: "\(descriptor.ru ?? "") \(ru)", en: "\(en) \(descriptor.en ?? "")"
            )
        }
    }

    private mutating func ngoDescription(form: SeedLegalForm, focusAreas: [SeedFocusArea], region: SeedRegion) -> String {
        let main = focusAreas[0]
        let second = focusAreas.dropFirst().first
        switch random.weighted([(Language.ru, 70), (.kk, 20), (.en, 10)]) {
        case .ru:
            let opening = "\(form.subject.ru ?? "") \(main.activity.ru ?? "") \(region.inRu)."
            if let second { return opening + " Также работаем в сфере \(second.field.ru ?? "")." }
            return opening + random.pick(["", " Работаем с волонтёрами и местными сообществами.", " Ищем партнёров среди бизнеса."])
        case .kk:
            let opening = "\(form.subject.kk ?? "") \(region.inKk) \(main.activity.kk ?? "")."
            guard let second else { return opening }
            return opening + " Сондай-ақ \(second.field.kk ?? "") саласында жұмыс істейміз."
        case .en:
            let opening = "\(form.subject.en ?? "") \(main.activity.en ?? "") \(region.inEn)."
            guard let second else { return opening }
            return opening + " We also work on \(second.field.en ?? "")."
        }
    }

    // MARK: - Businesses

    mutating func addBusinesses(count: Int) {
        var localBusinesses = 0
        for number in 0..<count {
            let sector = SeedSector.all[number % SeedSector.all.count]
            if random.chance(0.2) {
                addBusiness(sector: sector, home: nil)
            } else {
                // Local businesses take the regions in turn, so every region has some.
                addBusiness(sector: sector, home: SeedRegion.all[localBusinesses % SeedRegion.all.count])
                localBusinesses += 1
            }
        }
    }

    /// A business working in `home` (and maybe more regions), or nationwide when `home` is nil.
    private mutating func addBusiness(sector: SeedSector, home: SeedRegion?) {
        let form = random.weighted(SeedLegalForm.business)
        let core = uniqueBusinessName(sector)
        var draft = OrganizationDraft(
            kind: .business, bin: nextBIN(registeredIn: random.int(in: 2010...2024)), legalForm: form.code, name: form.name(core)
        )
        if let home {
            let others = SeedRegion.katos.filter { $0 != home.kato }
            draft.regions = [home.kato] + (random.chance(0.3) ? random.sample(random.int(in: 1...2), from: others) : [])
        } else {
            draft.nationwide = true
        }
        draft.focusAreas = random.sample(random.int(in: 1...3), from: sector.focusAreas)
        let extra = random.pick(SeedFocusArea.codes.filter { !sector.focusAreas.contains($0) })
        draft.seeking = random.sample(random.int(in: 1...3), from: sector.focusAreas + [extra])
        draft.annualCSRBudgetKZT = random.logSpread(5_000_000...500_000_000, roundedTo: 1_000_000)
        draft.maxActivePartnerships = random.int(in: 1...10)
        draft.description = businessDescription(sector: sector, focusAreas: draft.focusAreas.map(SeedFocusArea.named), home: home)
        let slug = SeedContact.slug(core.en ?? "")
        draft.contactEmail = "\(random.pick(["info", "csr", "office"]))@\(slug).kz"
        draft.contactPhone = SeedContact.mobilePhone(&random)
        if random.chance(0.7) { draft.website = "https://\(slug).kz" }
        drafts.append(draft)
    }

    private mutating func uniqueBusinessName(_ sector: SeedSector) -> LocalizedText {
        for _ in 0..<1_000 {
            let name = SeedNames.business(sector, &random)
            let core = LocalizedText(kk: name, ru: name, en: name)
            if claim(core) { return core }
        }
        preconditionFailure("the business name lists are too short for the demo")
    }

    private mutating func businessDescription(sector: SeedSector, focusAreas: [SeedFocusArea], home: SeedRegion?) -> String {
        switch random.weighted([(Language.ru, 75), (.kk, 15), (.en, 10)]) {
        case .ru:
            let fields = focusAreas.prefix(2).compactMap(\.field.ru).joined(separator: " и ")
            return "Компания \(sector.activity.ru ?? "") \(home?.inRu ?? "по всему Казахстану"). "
                + "Поддерживает социальные проекты в сфере \(fields)."
        case .kk:
            let fields = focusAreas.prefix(2).compactMap(\.field.kk).joined(separator: " және ")
            return "Компания \(home?.inKk ?? "бүкіл Қазақстанда") \(sector.activity.kk ?? ""). "
                + "Компания \(fields) салаларындағы әлеуметтік жобаларды қолдайды."
        case .en:
            let fields = focusAreas.prefix(2).compactMap(\.field.en).joined(separator: " and ")
            return "The company \(sector.activity.en ?? "") \(home?.inEn ?? "across Kazakhstan"). "
                + "It supports social projects in \(fields)."
        }
    }

    // MARK: - Rows

    /// Serials follow the order organizations are added in, so no two demo BINs are alike.
    private mutating func nextBIN(registeredIn year: Int) -> String {
        SeedBIN.make(year: year, month: random.int(in: 1...12), serial: drafts.count)
    }

    private mutating func claim(_ name: LocalizedText) -> Bool {
        usedNames.insert((name.en ?? "").lowercased()).inserted
    }

    /// Mixes the kinds so the newest-first listing does not start with a block of akimats.
    mutating func finish(projectCount: Int) -> DemoData {
        random.shuffle(&drafts)
        let organizations = drafts.enumerated().map { position, draft in
            SeedOrganization(
                id: random.uuid(),
                createdAt: SeedClock.time(SeedClock.demoOrganizations, plusSeconds: position * 3_600),
                fields: draft
            )
        }
        let ngos = organizations.filter { $0.fields.kind == .ngo }
        let projects = (0..<projectCount).map { number in
            // Every NGO gets one project before any gets a second.
            let owner = number < ngos.count ? ngos[number] : random.pick(ngos)
            return project(owner: owner, position: number)
        }
        return DemoData(
            organizations: organizations, projects: projects,
            partnerships: DemoData.partnerships(organizations: organizations, projects: projects)
        )
    }

    private mutating func project(owner: SeedOrganization, position: Int) -> SeedProject {
        let areas = random.sample(random.int(in: 1...min(2, owner.fields.focusAreas.count)), from: owner.fields.focusAreas)
        let idea = random.pick(SeedFocusArea.named(areas[0]).ideas)
        var regions = owner.fields.regions.count > 1 && random.chance(0.3)
            ? owner.fields.regions
            : [random.pick(owner.fields.regions)]
        let region = SeedRegion.named(regions[0])
        // Half the projects run in one district of their region. A stream of its own, so the rows
        // drawn before districts existed stay as they were.
        var placing = SeedRandom(seed: DemoData.seed, stream: 7, index: position)
        var place = (ru: region.centerRu, kk: region.centerKk, en: region.centerEn)
        if placing.chance(0.5), let districts = SeedDistrict.byRegion[regions[0]], !districts.isEmpty {
            let district = placing.pick(districts)
            regions[0] = district.kato
            place = (district.nameRu, district.nameKk, district.nameEn)
        }
        let durationMonths = random.int(in: 3...24)
        let beneficiaries = Int(random.logSpread(20...5_000))
        let withKazakh = random.chance(0.6)
        let withEnglish = random.chance(0.5)
        var draft = ProjectDraft(
            organizationID: owner.id,
            title: LocalizedText(
                kk: withKazakh ? "\(idea.title.kk ?? "") — \(place.kk)" : nil,
                ru: "\(idea.title.ru ?? "") — \(place.ru)",
                en: withEnglish ? "\(idea.title.en ?? "") — \(place.en)" : nil
            ),
            fundingNeededKZT: random.logSpread(1_000_000...80_000_000, roundedTo: 50_000),
            durationMonths: durationMonths
        )
        draft.summary = LocalizedText(
            kk: withKazakh ? "\(region.inKk) \(lowercasingFirst(idea.summary.kk ?? "")). Жоба мерзімі: \(durationMonths) ай." : nil,
            ru: "\(idea.summary.ru ?? "") \(region.inRu). Планируемый охват: \(beneficiaries) чел., срок реализации: \(durationMonths) мес.",
            en: withEnglish ? "\(idea.summary.en ?? "") \(region.inEn). Reaches about \(beneficiaries) people over \(durationMonths) months." : nil
        )
        draft.focusAreas = areas
        draft.regions = regions
        draft.inKindNeeds = random.sample(random.int(in: 0...3), from: SeedInKind.items)
        draft.beneficiaries = beneficiaries
        draft.status = random.weighted([(ProjectStatus.open, 75), (.draft, 10), (.funded, 10), (.closed, 5)])
        return SeedProject(
            id: random.uuid(),
            createdAt: SeedClock.time(SeedClock.demoProjects, plusSeconds: position * 3_600),
            fields: draft
        )
    }

    private func lowercasingFirst(_ text: String) -> String {
        text.prefix(1).lowercased() + text.dropFirst()
    }
}
