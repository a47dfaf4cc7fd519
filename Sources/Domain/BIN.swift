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
