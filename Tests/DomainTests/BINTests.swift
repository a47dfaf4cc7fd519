import Domain
import Testing

@Suite struct BINTests {
    @Test(arguments: ["940140000385", "990140004654", "011140001654", "061211600012", "791028302728"])
    func referenceExamplesAreValid(_ bin: String) {
        #expect(BIN.isValid(bin))
    }

    @Test func numberWhoseBothWeightSetsGiveTenIsInvalid() {
        #expect(!BIN.isValid("821214240092"))
    }

    // Only the check digit is guaranteed to catch every single change: a changed body digit can
    // move the first sum to 10, and the second weight set may then accept it (061011600012 is valid).
    @Test(arguments: ["940140000385", "990140004654", "011140001654", "061211600012", "791028302728"])
    func changingTheCheckDigitMakesItInvalid(_ bin: String) {
        let body = bin.dropLast()
        for replacement in "0123456789" where replacement != bin.last {
            #expect(!BIN.isValid(body + String(replacement)), "\(body)\(replacement) should be invalid")
        }
    }

    @Test(arguments: ["940140000385", "990140004654"])
    func changingADigitUnderTheFirstWeightsMakesItInvalid(_ bin: String) {
        // Both examples settle on the first weight set, where weights 1...10 are invertible mod 11.
        let digits = Array(bin)
        for position in 0..<10 {
            for replacement in "0123456789" where replacement != digits[position] {
                var changed = digits
                changed[position] = replacement
                let text = String(changed)
                let firstSum = zip(changed.prefix(11).map { Int(String($0)) ?? 0 }, 1...11).reduce(0) { $0 + $1.0 * $1.1 } % 11
                if firstSum != 10 { #expect(!BIN.isValid(text), "\(text) should be invalid") }
            }
        }
    }

    @Test(arguments: ["", "94014000038", "9401400003850", "94014000038a", " 940140000385", "９４０１４００００３８５"])
    func malformedInputIsInvalid(_ text: String) {
        #expect(!BIN.isValid(text))
    }
}
