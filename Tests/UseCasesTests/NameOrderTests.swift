import Domain
import Storage
import Testing
import TestSupport
import UseCases

/// Places and focus areas listed as a reader of each language expects, not by code point.
@Suite struct NameOrderTests {
    @Test func placesFollowEachLanguagesAlphabet() async throws {
        try await TestDatabase.with { database in
            let snapshot = try await ReferenceData(repository: ReferenceRepository(pool: database.pool)).snapshot()
            func names(_ language: Language) -> [String] {
                snapshot.regions.sorted { snapshot.placeRank($0.kato, in: language) < snapshot.placeRank($1.kato, in: language) }
                    .map { $0.name.preferred(language) }
            }
            let kazakh = names(.kk)
            // Қ after К and before Л, Ұ after У, Ә/Ө/Ғ where Kazakh puts them: not at the end, after я.
            #expect(Array(kazakh.prefix(3)) == ["Абай облысы", "Ақмола облысы", "Ақтөбе облысы"], "\(kazakh)")
            #expect(kazakh.firstIndex(of: "Қарағанды облысы")! < kazakh.firstIndex(of: "Маңғыстау облысы")!, "\(kazakh)")
            #expect(kazakh.firstIndex(of: "Ұлытау облысы")! < kazakh.firstIndex(of: "Шығыс Қазақстан облысы")!, "\(kazakh)")
            #expect(kazakh.firstIndex(of: "Шығыс Қазақстан облысы")! < kazakh.firstIndex(of: "Шымкент қаласы")!, "ғ before м: \(kazakh)")
            // A Russian place is found under its own name, not under "г." or "область".
            let russian = names(.ru)
            #expect(Array(russian.prefix(3)) == ["область Абай", "Акмолинская область", "Актюбинская область"], "\(russian)")
            #expect(russian.firstIndex(of: "г. Алматы")! < russian.firstIndex(of: "Атырауская область")!, "\(russian)")
            #expect(russian.firstIndex(of: "область Ұлытау")! > russian.firstIndex(of: "Туркестанская область")!, "\(russian)")
            let english = names(.en)
            #expect(english == english.sorted(), "\(english)")
            // Every unit has a rank in every language, districts included.
            for language in Language.allCases {
                let ranks = snapshot.regionCodes.map { snapshot.placeRank($0, in: language) }
                #expect(Set(ranks).count == snapshot.regionCodes.count && ranks.allSatisfy { $0 < snapshot.regionCodes.count })
            }
        }
    }
}
