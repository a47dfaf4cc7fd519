import Domain
import Postgres
import Matching
import Storage
import Foundation

/// BINs for seed rows: a resident legal entity's head office (digits 5-6 are "40").
enum SeedBIN {
    /// Distinct serials a single registration month can hold here.
    static let serialsPerMonth = 90_000

    /// The BIN of a head office registered in `year`/`month`; distinct serials in one month give distinct BINs.
    ///
    /// Digits 7-10 are `serial / 9`; digit 11 is the `serial % 9`-th final digit that has a check
    /// digit. Digit 11 weighs 11 in the first check sum, so only the second sum can fail, and that
    /// for at most one of the ten values: nine always remain.
    static func make(year: Int, month: Int, serial: Int) -> String {
        precondition((0..<serialsPerMonth).contains(serial), "serial out of range")
        precondition((1...12).contains(month), "month out of range")
        let group = serial / 9
        let prefix = [year / 10 % 10, year % 10, month / 10, month % 10, 4, 0,
                      group / 1000 % 10, group / 100 % 10, group / 10 % 10, group % 10]
        var usable = 0
        for last in 0...9 {
            let eleven = prefix + [last]
            guard let check = BIN.checkDigit(eleven) else { continue }
            if usable == serial % 9 {
                return String((eleven + [check]).map { Character(String($0)) })
            }
            usable += 1
        }
        preconditionFailure("nine final digits always have a check digit")
    }
}

/// Fixed, strictly increasing creation times, so listings of seed data come out in a stable order.
enum SeedClock {
    static let demoOrganizations = Date(timeIntervalSince1970: 1_735_689_600) // 2025-01-01 00:00 UTC
    static let demoProjects = Date(timeIntervalSince1970: 1_738_368_000) // 2025-02-01 00:00 UTC
    // A year before the demo data, so a database holding both lists the demo rows first.
    static let synthetic = Date(timeIntervalSince1970: 1_704_067_200) // 2024-01-01 00:00 UTC

    static func time(_ base: Date, plusSeconds seconds: Int) -> Date {
        base.addingTimeInterval(TimeInterval(seconds))
    }
}

enum SeedContact {
    private static let mobilePrefixes = [700, 701, 702, 705, 707, 708, 747, 771, 775, 776, 777, 778]

    /// "+7 701 234 56 78"
    static func mobilePhone(_ random: inout SeedRandom) -> String {
        let prefix = random.pick(mobilePrefixes)
        let number = random.int(in: 2_000_000...9_999_999)
        return "+7 \(prefix) \(grouped(String(number)))"
    }

    /// A landline with the city's area code, e.g. "+7 7182 32 45 17" or "+7 727 355 10 20".
    static func landline(areaCode: String, _ random: inout SeedRandom) -> String {
        let length = 10 - areaCode.count
        var digits = String(random.int(in: 2...9))
        for _ in 1..<length { digits += String(random.below(10)) }
        return "+7 \(areaCode) \(grouped(digits))"
    }

    /// "kamkor-pavlodar" from "Kamkor-Pavlodar": lower-case ASCII words joined by hyphens.
    static func slug(_ text: String) -> String {
        var words: [String] = []
        var word = ""
        for character in text.lowercased() {
            if character.isASCII && (character.isLetter || character.isNumber) {
                word.append(character)
            } else if !word.isEmpty {
                words.append(word)
                word = ""
            }
        }
        if !word.isEmpty { words.append(word) }
        return words.joined(separator: "-")
    }

    /// Splits a local number as Kazakh numbers are written: a leading group, then two pairs.
    private static func grouped(_ digits: String) -> String {
        let characters = Array(digits)
        let lead = characters.count - 4
        return "\(String(characters[..<lead])) \(String(characters[lead..<lead + 2])) \(String(characters[(lead + 2)...]))"
    }
}
