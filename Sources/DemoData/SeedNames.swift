import Domain
import Foundation
import Postgres
import Matching
import Storage
/// How a legal form shows up in names and descriptions.
struct SeedLegalForm: Sendable {
    let code: String
    /// Before the quoted name in Russian: Общественный фонд «…», ТОО «…».
    let prefixRu: String
    /// After the quoted name in Kazakh: «…» қоғамдық қоры.
    let suffixKk: String
    /// After the name in English: … Public Foundation.
    let suffixEn: String
    /// How a description refers to the organization: Фонд / Қор / The foundation.
    let subject: LocalizedText

    func name(_ core: LocalizedText) -> LocalizedText {
        LocalizedText(
            kk: core.kk.map { "«\($0)» \(suffixKk)" },
            ru: core.ru.map { "\(prefixRu) «\($0)»" },
            en: core.en.map { "\($0) \(suffixEn)" }
        )
    }

    // Religious associations and consumer cooperatives are left out: they rarely run social projects.
    static let ngo: [(SeedLegalForm, weight: Int)] = [
        (SeedLegalForm(code: "public_foundation", prefixRu: "Общественный фонд", suffixKk: "қоғамдық қоры",
                       suffixEn: "Public Foundation", subject: LocalizedText(kk: "Қор", ru: "Фонд", en: "The foundation")), 40),
        (SeedLegalForm(code: "public_association", prefixRu: "Общественное объединение", suffixKk: "қоғамдық бірлестігі",
                       suffixEn: "Public Association", subject: LocalizedText(kk: "Бірлестік", ru: "Объединение", en: "The association")), 35),
        (SeedLegalForm(code: "private_institution", prefixRu: "Частное учреждение", suffixKk: "жеке мекемесі",
                       suffixEn: "Private Institution", subject: LocalizedText(kk: "Мекеме", ru: "Учреждение", en: "The institution")), 10),
        (SeedLegalForm(code: "corporate_foundation", prefixRu: "Корпоративный фонд", suffixKk: "корпоративтік қоры",
                       suffixEn: "Corporate Foundation", subject: LocalizedText(kk: "Қор", ru: "Фонд", en: "The foundation")), 10),
        (SeedLegalForm(code: "association_of_legal_entities", prefixRu: "Ассоциация", suffixKk: "қауымдастығы",
                       suffixEn: "Association", subject: LocalizedText(kk: "Қауымдастық", ru: "Ассоциация", en: "The association")), 5),
    ]

    // Individual entrepreneurs carry an IIN and peasant farms a "3" in digit 6, not the head-office
    // BIN the seeder issues, so neither appears in seed data.
    static let business: [(SeedLegalForm, weight: Int)] = [
        (SeedLegalForm(code: "llp", prefixRu: "ТОО", suffixKk: "ЖШС", suffixEn: "LLP", subject: company), 70),
        (SeedLegalForm(code: "jsc", prefixRu: "АО", suffixKk: "АҚ", suffixEn: "JSC", subject: company), 18),
        (SeedLegalForm(code: "additional_liability_partnership", prefixRu: "ТДО", suffixKk: "ҚЖС", suffixEn: "ALP", subject: company), 6),
        (SeedLegalForm(code: "production_cooperative", prefixRu: "ПК", suffixKk: "ӨК", suffixEn: "Production Cooperative", subject: company), 6),
    ]

    private static let company = LocalizedText(kk: "Компания", ru: "Компания", en: "The company")
}

/// Word lists NGO and business names are built from.
enum SeedNames {
    /// Kazakh words NGOs like as names, with their Russian and Latin spellings.
    static let ngoBrands: [LocalizedText] = [
        LocalizedText(kk: "Қамқор", ru: "Камкор", en: "Kamkor"),
        LocalizedText(kk: "Шапағат", ru: "Шапагат", en: "Shapagat"),
        LocalizedText(kk: "Бірлік", ru: "Бирлик", en: "Birlik"),
        LocalizedText(kk: "Мейірім", ru: "Мейирим", en: "Meirim"),
        LocalizedText(kk: "Үміт", ru: "Умит", en: "Umit"),
        LocalizedText(kk: "Жарқын Болашақ", ru: "Жаркын Болашак", en: "Zharkyn Bolashak"),
        LocalizedText(kk: "Ақ Жол", ru: "Ак Жол", en: "Ak Zhol"),
        LocalizedText(kk: "Нұр", ru: "Нур", en: "Nur"),
        LocalizedText(kk: "Шаңырақ", ru: "Шанырак", en: "Shanyrak"),
        LocalizedText(kk: "Аманат", ru: "Аманат", en: "Amanat"),
        LocalizedText(kk: "Достық", ru: "Достык", en: "Dostyk"),
        LocalizedText(kk: "Жасыл Ел", ru: "Жасыл Ел", en: "Zhasyl El"),
        LocalizedText(kk: "Арман", ru: "Арман", en: "Arman"),
        LocalizedText(kk: "Сенім", ru: "Сеним", en: "Senim"),
        LocalizedText(kk: "Тұмар", ru: "Тумар", en: "Tumar"),
        LocalizedText(kk: "Көмек", ru: "Комек", en: "Komek"),
        LocalizedText(kk: "Ақниет", ru: "Акниет", en: "Akniet"),
        LocalizedText(kk: "Жігер", ru: "Жигер", en: "Zhiger"),
        LocalizedText(kk: "Самға", ru: "Самга", en: "Samga"),
        LocalizedText(kk: "Өркен", ru: "Оркен", en: "Orken"),
        LocalizedText(kk: "Алау", ru: "Алау", en: "Alau"),
        LocalizedText(kk: "Кемел", ru: "Кемел", en: "Kemel"),
        LocalizedText(kk: "Бақыт", ru: "Бакыт", en: "Bakyt"),
        LocalizedText(kk: "Мирас", ru: "Мирас", en: "Miras"),
        LocalizedText(kk: "Таза Әлем", ru: "Таза Алем", en: "Taza Alem"),
        LocalizedText(kk: "Береке", ru: "Береке", en: "Bereke"),
        LocalizedText(kk: "Шуақ", ru: "Шуак", en: "Shuak"),
        LocalizedText(kk: "Ізгілік", ru: "Изгилик", en: "Izgilik"),
        LocalizedText(kk: "Сарыарқа", ru: "Сарыарка", en: "Saryarka"),
        LocalizedText(kk: "Бәйтерек", ru: "Байтерек", en: "Baiterek"),
        LocalizedText(kk: "Ақбота", ru: "Акбота", en: "Akbota"),
        LocalizedText(kk: "Жұлдыз", ru: "Жулдыз", en: "Zhuldyz"),
        LocalizedText(kk: "Көктем", ru: "Коктем", en: "Koktem"),
        LocalizedText(kk: "Тілек", ru: "Тилек", en: "Tilek"),
        LocalizedText(kk: "Шырақ", ru: "Шырак", en: "Shyrak"),
        LocalizedText(kk: "Ынтымақ", ru: "Ынтымак", en: "Yntymak"),
        LocalizedText(kk: "Жан Жылуы", ru: "Жан Жылуы", en: "Zhan Zhyluy"),
        LocalizedText(kk: "Қанат", ru: "Канат", en: "Kanat"),
        LocalizedText(kk: "Ақ Ниет", ru: "Ак Ниет", en: "Ak Niet"),
        LocalizedText(kk: "Дала Жүрегі", ru: "Дала Журеги", en: "Dala Zhuregi"),
    ]

    static let businessFirstWords = [
        "Altyn", "Ak", "Kok", "Sary", "Kazyna", "Nur", "Samal", "Aspan", "Zhuldyz", "Tulpar",
        "Kyran", "Beren", "Arna", "Daryn", "Yrys", "Bereke", "Sunkar", "Qazaq", "Eurasia",
        "Steppe", "Caspian", "Altai", "Silk Road", "Ertis", "Esil", "Zhaiyk", "Syr", "Ili",
    ]

    static let businessSecondWords = ["Dala", "Tau", "Kun", "Zhol", "Su", "Orda", "Bulak", "Alem", "Tas", "Kent"]

    /// "Altyn Dala Agro": one or two words and the sector.
    static func business(_ sector: SeedSector, _ random: inout SeedRandom) -> String {
        let first = random.pick(businessFirstWords)
        let second = random.chance(0.5) ? " \(random.pick(businessSecondWords))" : ""
        return "\(first)\(second) \(sector.suffix)"
    }
}

/// A line of business, with what it does and the focus areas its CSR money usually goes to.
struct SeedSector: Sendable {
    let suffix: String
    let activity: LocalizedText
    let focusAreas: [String]

    static let all: [SeedSector] = [
        SeedSector(suffix: "Agro", activity: LocalizedText(
            kk: "астық өсіріп, ауыл шаруашылығы өнімдерін өңдейді",
            ru: "выращивает зерно и перерабатывает сельхозпродукцию",
            en: "grows grain and processes farm produce"
        ), focusAreas: ["rural_development", "environment", "employment"]),
        SeedSector(suffix: "Build", activity: LocalizedText(
            kk: "тұрғын үйлер мен әлеуметтік нысандар салады",
            ru: "строит жилые дома и социальные объекты",
            en: "builds housing and public facilities"
        ), focusAreas: ["social_protection", "inclusion", "rural_development"]),
        SeedSector(suffix: "Logistics", activity: LocalizedText(
            kk: "жүк тасымалдау және қойма логистикасы қызметтерін көрсетеді",
            ru: "оказывает услуги грузоперевозок и складской логистики",
            en: "provides freight and warehousing services"
        ), focusAreas: ["employment", "youth", "civic_participation"]),
        SeedSector(suffix: "Energy", activity: LocalizedText(
            kk: "электр энергиясын өндіріп, таратады",
            ru: "производит и распределяет электроэнергию",
            en: "generates and distributes electricity"
        ), focusAreas: ["environment", "education", "rural_development"]),
        SeedSector(suffix: "Tech", activity: LocalizedText(
            kk: "бағдарламалық қамтамасыз ету мен IT-шешімдер әзірлейді",
            ru: "разрабатывает программное обеспечение и IT-решения",
            en: "develops software and IT solutions"
        ), focusAreas: ["digitalisation", "education", "youth"]),
        SeedSector(suffix: "Mining", activity: LocalizedText(
            kk: "пайдалы қазбаларды өндіріп, байытады",
            ru: "добывает и обогащает полезные ископаемые",
            en: "mines and processes minerals"
        ), focusAreas: ["environment", "health", "sport"]),
        SeedSector(suffix: "Pharm", activity: LocalizedText(
            kk: "дәрілік заттар өндіріп, жеткізеді",
            ru: "производит и поставляет лекарственные средства",
            en: "makes and supplies medicines"
        ), focusAreas: ["health", "elderly", "inclusion"]),
        SeedSector(suffix: "Food", activity: LocalizedText(
            kk: "азық-түлік өнімдерін шығарады",
            ru: "выпускает продукты питания",
            en: "produces food products"
        ), focusAreas: ["social_protection", "health", "family_gender"]),
        SeedSector(suffix: "Telecom", activity: LocalizedText(
            kk: "байланыс және интернет қызметтерін ұсынады",
            ru: "предоставляет услуги связи и интернета",
            en: "provides telecoms and internet services"
        ), focusAreas: ["digitalisation", "education", "rural_development"]),
        SeedSector(suffix: "Retail", activity: LocalizedText(
            kk: "дүкендер желісін басқарады",
            ru: "управляет сетью магазинов",
            en: "runs a chain of shops"
        ), focusAreas: ["social_protection", "family_gender", "elderly"]),
        SeedSector(suffix: "Finance", activity: LocalizedText(
            kk: "қаржылық және сақтандыру қызметтерін көрсетеді",
            ru: "оказывает финансовые и страховые услуги",
            en: "provides financial and insurance services"
        ), focusAreas: ["employment", "education", "human_rights"]),
        SeedSector(suffix: "Textile", activity: LocalizedText(
            kk: "киім мен тоқыма бұйымдарын шығарады",
            ru: "производит одежду и текстиль",
            en: "makes clothing and textiles"
        ), focusAreas: ["employment", "family_gender", "culture"]),
        SeedSector(suffix: "Munai", activity: LocalizedText(
            kk: "мұнай-газ саласына сервистік қызмет көрсетеді",
            ru: "оказывает сервисные услуги нефтегазовой отрасли",
            en: "provides oilfield services"
        ), focusAreas: ["environment", "sport", "youth"]),
        SeedSector(suffix: "Med", activity: LocalizedText(
            kk: "жекеменшік емханалар желісін басқарады",
            ru: "управляет сетью частных клиник",
            en: "runs a network of private clinics"
        ), focusAreas: ["health", "elderly", "inclusion"]),
        SeedSector(suffix: "Tour", activity: LocalizedText(
            kk: "ішкі туризмді дамытады",
            ru: "развивает внутренний туризм",
            en: "develops domestic tourism"
        ), focusAreas: ["culture", "environment", "public_accord"]),
    ]
}
