/// Kazakhstan business (BIN) and individual (IIN) identification numbers.
public enum BIN {
    /// True when `text` is 12 digits whose last digit is the check digit of the first eleven.
    public static func isValid(_ text: String) -> Bool {
        let digits = text.utf8.map { Int($0) - 48 }
        guard digits.count == 12, digits.allSatisfy({ (0...9).contains($0) }) else { return false }
        guard let check = checkDigit(Array(digits.prefix(11))) else { return false }
        return check == digits[11]
    }

    /// The check digit for eleven digits, or nil when no valid number starts with them.
    public static func checkDigit(_ digits: [Int]) -> Int? {
        precondition(digits.count == 11, "a check digit covers eleven digits")
        let first = zip(digits, 1...11).reduce(0) { $0 + $1.0 * $1.1 } % 11
        if first != 10 { return first }
        let secondWeights = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]
        let second = zip(digits, secondWeights).reduce(0) { $0 + $1.0 * $1.1 } % 11
        return second == 10 ? nil : second
    }
}

/// What a 12-digit identification number says of its holder, read from its digits alone (the
/// layout in ../shared/reference/identifiers.md): a legal entity's registration month, residency
/// and unit, or an individual's birth date.
public enum BINReading: Sendable, Equatable {
    case legalEntity(registeredYear: Int, registeredMonth: Int, holder: Holder, unit: Unit)
    /// An IIN: an individual entrepreneur works under their personal number.
    case individual(birthYear: Int, birthMonth: Int, birthDay: Int)

    public enum Holder: String, Sendable, CaseIterable {
        case resident, nonResident = "non_resident", jointEntrepreneurship = "joint_entrepreneurship"
    }

    public enum Unit: String, Sendable, CaseIterable {
        case headUnit = "head_unit", branch, representativeOffice = "representative_office", peasantFarm = "peasant_farm"
    }

    /// Nil when the number is not a valid BIN or IIN, or its date digits name no date.
    /// `currentYear` settles the century of a BIN's two-digit year.
    public static func read(_ number: String, currentYear: Int) -> BINReading? {
        guard BIN.isValid(number) else { return nil }
        let d = number.utf8.map { Int($0) - 48 }
        let yy = d[0] * 10 + d[1], mm = d[2] * 10 + d[3]
        guard (1...12).contains(mm) else { return nil }
        let holders: [Int: Holder] = [4: .resident, 5: .nonResident, 6: .jointEntrepreneurship]
        if let holder = holders[d[4]] {
            let units: [Int: Unit] = [0: .headUnit, 1: .branch, 2: .representativeOffice, 3: .peasantFarm]
            guard let unit = units[d[5]] else { return nil }
            // Numbers were first issued in the 1990s; a two-digit year past this one is last century's.
            let year = 2000 + yy > currentYear ? 1900 + yy : 2000 + yy
            return .legalEntity(registeredYear: year, registeredMonth: mm, holder: holder, unit: unit)
        }
        let day = d[4] * 10 + d[5]
        let centuries = [1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000]
        guard let century = centuries[d[6]], (1...31).contains(day) else { return nil }
        return .individual(birthYear: century + yy, birthMonth: mm, birthDay: day)
    }
}
