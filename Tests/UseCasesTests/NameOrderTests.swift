import Domain
import Storage
import Testing
import TestSupport
import UseCases

/// Places and focus areas listed as a reader of each language expects, not by code point.
@Suite struct NameOrderTests {
    @Test func placesAndFocusAreasFollowEachLanguagesAlphabet() async throws {
        try await TestDatabase.with { database in
            let snapshot = try await ReferenceData(repository: ReferenceRepository(pool: database.pool)).snapshot()
            func names(_ units: [Region], _ language: Language) -> [String] {
                units.sorted { snapshot.placeRank($0.kato, in: language) < snapshot.placeRank($1.kato, in: language) }
                    .map { $0.name.preferred(language) }
            }
            func position(_ name: String, in list: [String]) throws -> Int {
                try #require(list.firstIndex(of: name), "\(name) is not in \(list)")
            }
            let kazakh = names(snapshot.regions, .kk)
            // Қ after К and before Л, Ұ after У, ғ before м: not after я, where their code points are.
            #expect(Array(kazakh.prefix(3)) == ["Абай облысы", "Ақмола облысы", "Ақтөбе облысы"], "\(kazakh)")
            #expect(try position("Қарағанды облысы", in: kazakh) < position("Маңғыстау облысы", in: kazakh), "\(kazakh)")
            #expect(try position("Ұлытау облысы", in: kazakh) < position("Шығыс Қазақстан облысы", in: kazakh), "\(kazakh)")
            #expect(try position("Шығыс Қазақстан облысы", in: kazakh) < position("Шымкент қаласы", in: kazakh), "\(kazakh)")
            // A Russian place is found under its own name, not under "г." or "область".
            let russian = names(snapshot.regions, .ru)
            #expect(Array(russian.prefix(3)) == ["область Абай", "Акмолинская область", "Актюбинская область"], "\(russian)")
            #expect(try position("г. Алматы", in: russian) < position("Атырауская область", in: russian), "\(russian)")
            // Districts too: Pavlodar Region's, where code points would put every Ақ… after Ш….
            let pavlodar = names(snapshot.districts(of: "550000000"), .kk)
            #expect(Array(pavlodar.prefix(4)) == ["Аққулы ауданы", "Ақсу қаласы", "Ақтоғай ауданы", "Баянауыл ауданы"], "\(pavlodar)")
            // Focus areas: in Kazakh, a name starting with Ә comes right after those starting with А.
            let focus = snapshot.focusAreas.sorted { snapshot.focusRank($0.code, in: .kk) < snapshot.focusRank($1.code, in: .kk) }
                .map { $0.name.preferred(.kk) }
            let firstLetters = focus.compactMap(\.first).map(String.init)
            let kazakhAlphabet = "АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯ".map(String.init)
            let letterPositions = firstLetters.map { kazakhAlphabet.firstIndex(of: $0.uppercased()) ?? -1 }
            #expect(!letterPositions.contains(-1) && letterPositions == letterPositions.sorted(), "\(focus)")
            // Every unit and focus area has a rank in every language.
            for language in Language.allCases {
                let ranks = snapshot.regionCodes.map { snapshot.placeRank($0, in: language) }
                #expect(Set(ranks).count == snapshot.regionCodes.count && ranks.allSatisfy { $0 < snapshot.regionCodes.count })
                #expect(Set(snapshot.focusAreaCodes.map { snapshot.focusRank($0, in: language) }).count == snapshot.focusAreaCodes.count)
            }
        }
    }
}
