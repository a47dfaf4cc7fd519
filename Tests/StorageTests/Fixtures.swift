import Domain
import Foundation
import Storage

/// Valid BINs built from a serial, so tests can make as many distinct organizations as they need.
enum Fixtures {
    static func bin(_ serial: Int) -> String {
        // Some serials have no check digit; another registration month gives them one.
        for month in 1...12 {
            let prefix = "20" + String(format: "%02d", month) + "40" + String(format: "%05d", serial % 100_000)
            if let check = BIN.checkDigit(prefix.map { Int(String($0)) ?? 0 }) { return prefix + String(check) }
        }
        fatalError("no month gives serial \(serial) a check digit")
    }

    static func ngo(_ serial: Int, regions: [String] = ["750000000"], focus: [String] = ["education"], description: String = "") -> OrganizationDraft {
        var draft = OrganizationDraft(
            kind: .ngo, bin: bin(serial), legalForm: "public_foundation",
            name: LocalizedText(ru: "Фонд \(serial)", en: "Foundation \(serial)")
        )
        draft.regions = regions
        draft.focusAreas = focus
        draft.description = description
        return draft
    }

    static func business(_ serial: Int, regions: [String] = ["750000000"]) -> OrganizationDraft {
        var draft = OrganizationDraft(kind: .business, bin: bin(serial), legalForm: "llp", name: LocalizedText(en: "Company \(serial)"))
        draft.regions = regions
        draft.annualCSRBudgetKZT = 50_000_000
        return draft
    }
}
