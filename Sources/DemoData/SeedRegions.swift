import Domain
import Foundation
import Postgres
import Matching
import Storage
/// The 20 top-level units (17 regions, 3 cities) with the word forms seed texts need.
struct SeedRegion: Sendable {
    let kato: String
    let isCity: Bool
    let nameEn: String
    let nameKk: String
    /// "Павлодарской области", "города Алматы": after "Акимат".
    let genitiveRu: String
    /// "в Павлодарской области", "в Алматы".
    let inRu: String
    /// The regional centre, or the city itself.
    let centerRu: String
    let centerKk: String
    let centerEn: String
    let areaCode: String

    /// "Павлодар облысында": every Kazakh name ends in облысы/қаласы, which take -нда.
    var inKk: String { nameKk + "нда" }
    var genitiveKk: String { nameKk + "ның" }
    var inEn: String { "in \(nameEn)" }

    static let astana = SeedRegion(
        kato: "710000000", isCity: true, nameEn: "Astana", nameKk: "Астана қаласы",
        genitiveRu: "города Астаны", inRu: "в Астане",
        centerRu: "Астана", centerKk: "Астана", centerEn: "Astana", areaCode: "7172"
    )

    static let all: [SeedRegion] = [
        astana,
        SeedRegion(kato: "750000000", isCity: true, nameEn: "Almaty", nameKk: "Алматы қаласы",
                   genitiveRu: "города Алматы", inRu: "в Алматы",
                   centerRu: "Алматы", centerKk: "Алматы", centerEn: "Almaty", areaCode: "727"),
        SeedRegion(kato: "790000000", isCity: true, nameEn: "Shymkent", nameKk: "Шымкент қаласы",
                   genitiveRu: "города Шымкента", inRu: "в Шымкенте",
                   centerRu: "Шымкент", centerKk: "Шымкент", centerEn: "Shymkent", areaCode: "7252"),
        SeedRegion(kato: "100000000", isCity: false, nameEn: "Abai Region", nameKk: "Абай облысы",
                   genitiveRu: "области Абай", inRu: "в области Абай",
                   centerRu: "Семей", centerKk: "Семей", centerEn: "Semey", areaCode: "7222"),
        SeedRegion(kato: "110000000", isCity: false, nameEn: "Akmola Region", nameKk: "Ақмола облысы",
                   genitiveRu: "Акмолинской области", inRu: "в Акмолинской области",
                   centerRu: "Кокшетау", centerKk: "Көкшетау", centerEn: "Kokshetau", areaCode: "7162"),
        SeedRegion(kato: "150000000", isCity: false, nameEn: "Aktobe Region", nameKk: "Ақтөбе облысы",
                   genitiveRu: "Актюбинской области", inRu: "в Актюбинской области",
                   centerRu: "Актобе", centerKk: "Ақтөбе", centerEn: "Aktobe", areaCode: "7132"),
        SeedRegion(kato: "190000000", isCity: false, nameEn: "Almaty Region", nameKk: "Алматы облысы",
                   genitiveRu: "Алматинской области", inRu: "в Алматинской области",
                   centerRu: "Конаев", centerKk: "Қонаев", centerEn: "Konaev", areaCode: "72772"),
        SeedRegion(kato: "230000000", isCity: false, nameEn: "Atyrau Region", nameKk: "Атырау облысы",
                   genitiveRu: "Атырауской области", inRu: "в Атырауской области",
                   centerRu: "Атырау", centerKk: "Атырау", centerEn: "Atyrau", areaCode: "7122"),
        SeedRegion(kato: "270000000", isCity: false, nameEn: "West Kazakhstan Region", nameKk: "Батыс Қазақстан облысы",
                   genitiveRu: "Западно-Казахстанской области", inRu: "в Западно-Казахстанской области",
                   centerRu: "Уральск", centerKk: "Орал", centerEn: "Oral", areaCode: "7112"),
        SeedRegion(kato: "310000000", isCity: false, nameEn: "Zhambyl Region", nameKk: "Жамбыл облысы",
                   genitiveRu: "Жамбылской области", inRu: "в Жамбылской области",
                   centerRu: "Тараз", centerKk: "Тараз", centerEn: "Taraz", areaCode: "7262"),
        SeedRegion(kato: "330000000", isCity: false, nameEn: "Zhetysu Region", nameKk: "Жетісу облысы",
                   genitiveRu: "области Жетісу", inRu: "в области Жетісу",
                   centerRu: "Талдыкорган", centerKk: "Талдықорған", centerEn: "Taldykorgan", areaCode: "7282"),
        SeedRegion(kato: "350000000", isCity: false, nameEn: "Karaganda Region", nameKk: "Қарағанды облысы",
                   genitiveRu: "Карагандинской области", inRu: "в Карагандинской области",
                   centerRu: "Караганда", centerKk: "Қарағанды", centerEn: "Karaganda", areaCode: "7212"),
        SeedRegion(kato: "390000000", isCity: false, nameEn: "Kostanay Region", nameKk: "Қостанай облысы",
                   genitiveRu: "Костанайской области", inRu: "в Костанайской области",
                   centerRu: "Костанай", centerKk: "Қостанай", centerEn: "Kostanay", areaCode: "7142"),
        SeedRegion(kato: "430000000", isCity: false, nameEn: "Kyzylorda Region", nameKk: "Қызылорда облысы",
                   genitiveRu: "Кызылординской области", inRu: "в Кызылординской области",
                   centerRu: "Кызылорда", centerKk: "Қызылорда", centerEn: "Kyzylorda", areaCode: "7242"),
        SeedRegion(kato: "470000000", isCity: false, nameEn: "Mangystau Region", nameKk: "Маңғыстау облысы",
                   genitiveRu: "Мангистауской области", inRu: "в Мангистауской области",
                   centerRu: "Актау", centerKk: "Ақтау", centerEn: "Aktau", areaCode: "7292"),
        SeedRegion(kato: "550000000", isCity: false, nameEn: "Pavlodar Region", nameKk: "Павлодар облысы",
                   genitiveRu: "Павлодарской области", inRu: "в Павлодарской области",
                   centerRu: "Павлодар", centerKk: "Павлодар", centerEn: "Pavlodar", areaCode: "7182"),
        SeedRegion(kato: "590000000", isCity: false, nameEn: "North Kazakhstan Region", nameKk: "Солтүстік Қазақстан облысы",
                   genitiveRu: "Северо-Казахстанской области", inRu: "в Северо-Казахстанской области",
                   centerRu: "Петропавловск", centerKk: "Петропавл", centerEn: "Petropavl", areaCode: "7152"),
        SeedRegion(kato: "610000000", isCity: false, nameEn: "Turkistan Region", nameKk: "Түркістан облысы",
                   genitiveRu: "Туркестанской области", inRu: "в Туркестанской области",
                   centerRu: "Туркестан", centerKk: "Түркістан", centerEn: "Turkistan", areaCode: "72533"),
        SeedRegion(kato: "620000000", isCity: false, nameEn: "Ulytau Region", nameKk: "Ұлытау облысы",
                   genitiveRu: "области Ұлытау", inRu: "в области Ұлытау",
                   centerRu: "Жезказган", centerKk: "Жезқазған", centerEn: "Zhezkazgan", areaCode: "7102"),
        SeedRegion(kato: "630000000", isCity: false, nameEn: "East Kazakhstan Region", nameKk: "Шығыс Қазақстан облысы",
                   genitiveRu: "Восточно-Казахстанской области", inRu: "в Восточно-Казахстанской области",
                   centerRu: "Усть-Каменогорск", centerKk: "Өскемен", centerEn: "Oskemen", areaCode: "7232"),
    ]

    static let katos: [String] = all.map(\.kato)
    static let byKATO: [String: SeedRegion] = Dictionary(uniqueKeysWithValues: all.map { ($0.kato, $0) })

    static func named(_ kato: String) -> SeedRegion {
        guard let region = byKATO[kato] else { preconditionFailure("unknown seed region \(kato)") }
        return region
    }
}
