import Domain
import Foundation

/// The government bodies that complete the demo's state side: district akimats where demo projects
/// run (in several regions), and ministries for the main sectors besides the three `DemoData`
/// starts with. With the regional and city akimats, every project has a body whose jurisdiction
/// covers it and, in these regions, one as close as its district.
enum DemoGovernment {
    /// Regions whose districts with demo projects get their own akimat.
    static let regionsWithDistrictAkimats = ["190000000", "350000000", "610000000", "630000000", "110000000", "310000000"]

    /// Up to three district akimats per region, for the districts demo projects name, by code.
    static func districtAkimats(for projects: [SeedProject], regions: [String]) -> [OrganizationDraft] {
        let districts = Set(projects.flatMap(\.fields.regions).filter { KATO.level($0) == 2 })
        return regions.flatMap { region in
            (SeedDistrict.byRegion[region] ?? [])
                .filter { districts.contains($0.kato) }
                .sorted { $0.kato < $1.kato }
                .prefix(3)
                .map(akimat)
        }
    }

    private static func akimat(of district: SeedDistrict) -> OrganizationDraft {
        let isCity = district.nameRu.hasPrefix("г. ")
        var draft = OrganizationDraft(
            kind: .governmentBody, bin: "", legalForm: isCity ? "akimat_city" : "akimat_district",
            name: LocalizedText(kk: "\(district.nameKk) әкімдігі", ru: "Акимат \(genitive(district.nameRu))", en: "Akimat of \(district.nameEn)")
        )
        draft.description = "Местный исполнительный орган: \(district.nameRu). "
            + "Поддерживает социальные проекты НПО и бизнеса на своей территории, рассматривает партнёрства."
        draft.regions = [district.kato]
        draft.jurisdiction = district.kato
        draft.level = isCity ? .city : .district
        return draft
    }

    /// "Абайский район" → "Абайского района", "район Ақсуат" → "района Ақсуат"; towns stay as they are.
    static func genitive(_ name: String) -> String {
        if name.hasSuffix("ий район") { return String(name.dropLast("ий район".count)) + "ого района" }
        if name.hasPrefix("район ") || name.hasPrefix("Район ") { return "района " + name.dropFirst("район ".count) }
        return name
    }

    static let sectorMinistries: [OrganizationDraft] = [
        ministry(
            kk: "Қазақстан Республикасы Оқу-ағарту министрлігі", ru: "Министерство просвещения Республики Казахстан",
            en: "Ministry of Education of the Republic of Kazakhstan",
            description: "Центральный государственный орган в сфере дошкольного и среднего образования, защиты прав детей.",
            focus: ["education", "youth", "inclusion"]
        ),
        ministry(
            kk: "Қазақстан Республикасы Денсаулық сақтау министрлігі", ru: "Министерство здравоохранения Республики Казахстан",
            en: "Ministry of Health of the Republic of Kazakhstan",
            description: "Центральный государственный орган в сфере охраны здоровья граждан, медицинской помощи и профилактики.",
            focus: ["health", "elderly", "inclusion"]
        ),
        ministry(
            kk: "Қазақстан Республикасы Экология және табиғи ресурстар министрлігі",
            ru: "Министерство экологии и природных ресурсов Республики Казахстан",
            en: "Ministry of Ecology and Natural Resources of the Republic of Kazakhstan",
            description: "Центральный государственный орган в сфере охраны окружающей среды, лесного и водного хозяйства.",
            focus: ["environment", "rural_development"]
        ),
        ministry(
            kk: "Қазақстан Республикасы Туризм және спорт министрлігі", ru: "Министерство туризма и спорта Республики Казахстан",
            en: "Ministry of Tourism and Sports of the Republic of Kazakhstan",
            description: "Центральный государственный орган в сфере физической культуры, спорта и туризма.",
            focus: ["sport", "youth"]
        ),
        ministry(
            kk: "Қазақстан Республикасы Цифрлық даму, инновациялар және аэроғарыш өнеркәсібі министрлігі",
            ru: "Министерство цифрового развития, инноваций и аэрокосмической промышленности Республики Казахстан",
            en: "Ministry of Digital Development, Innovations and Aerospace Industry of the Republic of Kazakhstan",
            description: "Центральный государственный орган в сфере цифровизации, связи и государственных услуг.",
            focus: ["digitalisation", "employment"]
        ),
    ]

    private static func ministry(kk: String, ru: String, en: String, description: String, focus: [String]) -> OrganizationDraft {
        var draft = OrganizationDraft(kind: .governmentBody, bin: "", legalForm: "ministry", name: LocalizedText(kk: kk, ru: ru, en: en))
        draft.description = description + " Работает по всему Казахстану."
        draft.focusAreas = focus
        draft.seeking = focus
        // As for the other national bodies: the capital as jurisdiction, nationwide as reach.
        draft.nationwide = true
        draft.jurisdiction = SeedRegion.astana.kato
        draft.level = .national
        return draft
    }

    /// A body as a demo row: its BIN, focus (for akimats), id and creation time from a stream of its own.
    static func organization(_ draft: OrganizationDraft, position: Int) -> SeedOrganization {
        var random = SeedRandom(seed: DemoData.seed, stream: 11, index: position)
        var draft = draft
        draft.bin = SeedBIN.make(year: random.int(in: 2010...2024), month: random.int(in: 1...12), serial: position)
        if draft.focusAreas.isEmpty {
            draft.focusAreas = random.sample(3, from: SeedFocusArea.codes)
            draft.seeking = random.sample(2, from: draft.focusAreas)
        }
        draft.contactPhone = SeedContact.landline(areaCode: SeedRegion.named(KATO.topLevel(draft.jurisdiction ?? "710000000")).areaCode, &random)
        return SeedOrganization(
            id: random.uuid(),
            createdAt: SeedClock.time(SeedClock.demoOrganizations, plusSeconds: position * 3_600),
            fields: draft
        )
    }
}
