import Testing
@testable import Matching

@Suite struct TextWordsTests {
    let signature = TextSignature(texts: ["Инклюзивное образование для детей"])

    @Test func aWordInANameCountsMoreThanOneInADescriptionAndPrefixesFindOtherForms() {
        let inName = TextWords(titles: ["Образовательный фонд"], bodies: [])
        let inDescription = TextWords(titles: ["Фонд"], bodies: ["Поддерживаем образовательные программы"])
        let unrelated = TextWords(titles: ["Агрохолдинг"], bodies: ["Зерно и мука"])
        #expect(inName.relevance(to: signature) > inDescription.relevance(to: signature))
        #expect(inDescription.relevance(to: signature) > 0)
        #expect(unrelated.relevance(to: signature) == 0)
        #expect(inName.relevance(to: .empty) == 0)
    }

    @Test func moreSharedWordsNeverLowerRelevanceAndItStaysBelowOne() {
        let one = TextWords(titles: ["образование"], bodies: [])
        let two = TextWords(titles: ["образование детей"], bodies: [])
        let all = TextWords(titles: ["Инклюзивное образование для детей"], bodies: [])
        #expect(one.relevance(to: signature) < two.relevance(to: signature))
        #expect(two.relevance(to: signature) <= all.relevance(to: signature))
        #expect(all.relevance(to: signature) < 1)
    }

    /// The hand-written lowercase agrees with Unicode's wherever it answers, and words split the
    /// same as from `String.lowercased()`.
    @Test func lowercaseByHandAgreesWithUnicode() {
        for value in Array(UInt32(0)...0x052F) + Array(0x2000...0x206F) {
            guard let scalar = Unicode.Scalar(value), let lower = TextWords.lowercase(scalar) else { continue }
            #expect(String(scalar).lowercased().unicodeScalars.map(\.value) == [lower.value], "U+\(String(value, radix: 16))")
        }
        let text = "ҚАЗАҚ күресі, Әлеуметтік ӨРКЕНИЕТ — ІСКЕР ҰЛТ; Ёлка Ђ Ѣ İstanbul ΣΟΦΊΑ Ӏ"
        let split = TextWords.words(text).map { String(String.UnicodeScalarView($0)) }
        var expected: [String] = []
        var word = ""
        for scalar in text.lowercased().unicodeScalars {
            if TextWords.words(String(scalar)).count == 1 { word.unicodeScalars.append(scalar) } else if !word.isEmpty {
                expected.append(word)
                word = ""
            }
        }
        if !word.isEmpty { expected.append(word) }
        #expect(split == expected)
    }
}

