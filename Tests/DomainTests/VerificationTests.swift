import Domain
import Foundation
import Testing

@Suite struct BINReadingTests {
    @Test func legalEntitiesGiveTheirRegistrationMonthHolderAndUnit() {
        #expect(BINReading.read("940140000385", currentYear: 2026) == .legalEntity(registeredYear: 1994, registeredMonth: 1, holder: .resident, unit: .headUnit))
        #expect(BINReading.read("011140001654", currentYear: 2026) == .legalEntity(registeredYear: 2001, registeredMonth: 11, holder: .resident, unit: .headUnit))
    }

    @Test func individualsGiveTheirBirthDate() {
        #expect(BINReading.read("061211600012", currentYear: 2026) == .individual(birthYear: 2006, birthMonth: 12, birthDay: 11))
        #expect(BINReading.read("791028302728", currentYear: 2026) == .individual(birthYear: 1979, birthMonth: 10, birthDay: 28))
    }

    @Test func branchesNonResidentsAndFarmsAreToldApart() throws {
        // Valid numbers made for the test: the check digit completes eleven chosen digits.
        func number(_ first: String) throws -> String {
            let digits = first.utf8.map { Int($0) - 48 }
            return first + String(try #require(BIN.checkDigit(digits)))
        }
        #expect(BINReading.read(try number("15034100123"), currentYear: 2026) == .legalEntity(registeredYear: 2015, registeredMonth: 3, holder: .resident, unit: .branch))
        #expect(BINReading.read(try number("20065200077"), currentYear: 2026) == .legalEntity(registeredYear: 2020, registeredMonth: 6, holder: .nonResident, unit: .representativeOffice))
        #expect(BINReading.read(try number("18094300010"), currentYear: 2026) == .legalEntity(registeredYear: 2018, registeredMonth: 9, holder: .resident, unit: .peasantFarm))
        #expect(BINReading.read(try number("18136300010"), currentYear: 2026) == nil, "month 13")
        #expect(BINReading.read("940140000386", currentYear: 2026) == nil, "wrong check digit")
    }
}

@Suite struct VerificationCheckTests {
    static func draft(_ kind: OrganizationKind, bin: String, legalForm: String = "llp", founded: Int? = nil) -> OrganizationDraft {
        var draft = OrganizationDraft(kind: kind, bin: bin, legalForm: legalForm, name: LocalizedText(ru: "Тест"))
        draft.foundedYear = founded
        return draft
    }

    static let certificate = OrganizationDocument(
        id: UUID(), organizationID: UUID(), kind: .registrationCertificate, fileName: "c.pdf", contentType: "application/pdf",
        byteCount: 10, sha256: String(repeating: "0", count: 64), uploadedByName: nil, uploadedAt: Date()
    )

    @Test func anNGOUnderAnIndividualsNumberIsAConcernAnEntrepreneurIsNot() {
        let iin = "061211600012"
        let reading = BINReading.read(iin, currentYear: 2026)
        let ngo = VerificationCheck.findings(for: Self.draft(.ngo, bin: iin), reading: reading, documents: [Self.certificate])
        #expect(ngo == [VerificationFinding(code: .individualNumber, isConcern: true)])
        let entrepreneur = VerificationCheck.findings(for: Self.draft(.business, bin: iin, legalForm: "individual_entrepreneur"), reading: reading, documents: [Self.certificate])
        #expect(entrepreneur == [VerificationFinding(code: .individualNumber, isConcern: false)])
        let bin = "940140000385"
        let entity = VerificationCheck.findings(
            for: Self.draft(.business, bin: bin, legalForm: "individual_entrepreneur"), reading: BINReading.read(bin, currentYear: 2026), documents: [Self.certificate]
        )
        #expect(entity == [VerificationFinding(code: .entrepreneurUnderAnEntityNumber, isConcern: true)])
    }

    @Test func aFoundingYearAfterRegistrationAndAMissingCertificateAreConcernsListedFirst() {
        let bin = "940140000385"
        var findings = VerificationCheck.findings(for: Self.draft(.ngo, bin: bin, founded: 1999), reading: BINReading.read(bin, currentYear: 2026), documents: [])
        #expect(findings.map(\.code) == [.foundedAfterRegistration, .noRegistrationDocument])
        #expect(findings.allSatisfy { $0.isConcern })
        findings = VerificationCheck.findings(for: Self.draft(.ngo, bin: bin, founded: 1994), reading: BINReading.read(bin, currentYear: 2026), documents: [Self.certificate])
        #expect(findings.isEmpty)
    }
}

@Suite struct DocumentRulesTests {
    @Test func theContentDecidesTheTypeNotTheName() {
        #expect(DocumentRules.contentType(of: Array("%PDF-1.7\n".utf8)) == "application/pdf")
        #expect(DocumentRules.contentType(of: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0]) == "image/png")
        #expect(DocumentRules.contentType(of: [0xFF, 0xD8, 0xFF, 0xE0]) == "image/jpeg")
        #expect(DocumentRules.contentType(of: Array("<html><script>".utf8)) == nil)
        #expect(DocumentRules.contentType(of: Array(("garbage\n" + "%PDF-1.7").utf8)) == "application/pdf", "a header within the first 1024 bytes")
        #expect(DocumentRules.contentType(of: [UInt8](repeating: 32, count: 1025) + Array("%PDF-1.7".utf8)) == nil)
        #expect(DocumentRules.issues(kind: "charter", bytes: Array("<svg onload=alert(1)>".utf8)).map(\.code) == ["unsupported_type"])
        #expect(DocumentRules.issues(kind: "passport", bytes: []).map(\.code) == ["unknown_kind", "required"])
        #expect(DocumentRules.issues(kind: "charter", bytes: [UInt8](repeating: 0x25, count: DocumentRules.maxBytes + 1)).map(\.code) == ["too_large"])
    }

    @Test func namesLoseTheirPathsQuotesAndControlCharacters() {
        #expect(DocumentRules.fileName("C:\\Users\\a\\Устав.pdf", contentType: "application/pdf") == "Устав.pdf")
        #expect(DocumentRules.fileName("../../etc/\"x\";\r\n.pdf", contentType: "application/pdf") == "x.pdf")
        #expect(DocumentRules.fileName("", contentType: "image/png") == "document.png")
        #expect(DocumentRules.fileName("..", contentType: "image/jpeg") == "document.jpg")
        #expect(DocumentRules.fileName("scan.JPEG", contentType: "image/jpeg") == "scan.jpg")
        #expect(DocumentRules.fileName("invoice.html", contentType: "application/pdf") == "invoice.html.pdf", "the name ends as the content is")
        #expect(DocumentRules.fileName(String(repeating: "я", count: 300), contentType: "application/pdf").unicodeScalars.count == DocumentRules.maxFileNameLength)
        // Flags and families are one character of several code points; the database counts code points.
        let flags = DocumentRules.fileName(String(repeating: "🇰🇿", count: 100) + ".pdf", contentType: "application/pdf")
        #expect(flags.unicodeScalars.count <= DocumentRules.maxFileNameLength && flags.hasSuffix(".pdf"))
    }
}
