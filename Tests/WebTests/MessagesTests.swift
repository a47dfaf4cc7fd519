import Domain
import Foundation
import Testing
@testable import Web

@Suite struct MessagesTests {
    let messages: Messages

    init() throws {
        messages = try Messages.bundled()
    }

    @Test func everyKeyExistsInAllThreeLanguages() {
        let keys = Language.allCases.map { Set(messages.table($0).keys) }
        let all = keys.reduce(Set<String>()) { $0.union($1) }
        #expect(all.count > 50)
        for language in Language.allCases {
            let missing = all.subtracting(messages.table(language).keys).sorted()
            #expect(missing.isEmpty, "\(language.rawValue).json lacks \(missing)")
            let empty = messages.table(language).filter { $0.value.trimmingCharacters(in: .whitespaces).isEmpty }.keys.sorted()
            #expect(empty.isEmpty, "\(language.rawValue).json has empty texts for \(empty)")
        }
    }

    /// A key a template or the code names but no file has would show as the bare key on a page.
    @Test func everyKeyTheTemplatesAndCodeUseExists() throws {
        let known = Set(messages.table(.en).keys)
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/Web").standardized
        var used: Set<String> = []
        let templatePattern = try Regex(#"\{\{[#^/]?t\.([a-z0-9_]+)\}\}"#)
        let codePattern = try Regex(#"\b(?:t|text)\("([a-z0-9_]+)""#)
        let keyPattern = try Regex(#"messageKey: "([a-z0-9_]+)""#)
        let files = FileManager.default.enumerator(atPath: sources.path)?.compactMap { $0 as? String } ?? []
        for file in files where file.hasSuffix(".mustache") || file.hasSuffix(".swift") {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for pattern in [templatePattern, codePattern, keyPattern] {
                for match in text.matches(of: pattern) {
                    if let key = match.output[1].substring { used.insert(String(key)) }
                }
            }
        }
        #expect(used.count > 50)
        let missing = used.subtracting(known).sorted()
        #expect(missing.isEmpty, "used but not in the message files: \(missing)")
    }

    @Test func argumentsAreFilledIn() {
        #expect(messages.text("error_title", .en, "404") == "Error 404")
        #expect(messages.text("error_title", .kk, "404") == "Қате 404")
    }
}

@Suite struct FormatTests {
    @Test func amountsGroupDigitsWithNarrowSpaces() {
        #expect(Format.money(1_250_000) == "1\u{202F}250\u{202F}000\u{00A0}₸")
        #expect(Format.integer(999) == "999")
        #expect(Format.integer(-1000) == "−1\u{202F}000")
    }

    @Test func datesAreWrittenDayMonthYearInKazakhstanTime() {
        // 2026-11-30 20:00 UTC is already 1 December in Kazakhstan (UTC+5).
        #expect(Format.date(Date(timeIntervalSince1970: 1_796_068_800)) == "01.12.2026")
    }

    @Test func textInAnotherLanguageIsMarked() {
        let text = ShownText(LocalizedText(ru: "Школа"), .kk)
        #expect(text.text == "Школа")
        #expect(text.lang == "ru")
        #expect(ShownText(LocalizedText(kk: "Мектеп", ru: "Школа"), .kk).lang == nil)
    }
}
