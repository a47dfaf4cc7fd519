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
}
