import Foundation
import OneTimePassword
import Testing

struct TOTPTests {
    /// RFC 6238 appendix B, SHA-1 (the last six of its eight digits), and RFC 4226 appendix D.
    @Test(arguments: [
        (59, "287082"), (1_111_111_109, "081804"), (1_111_111_111, "050471"), (1_234_567_890, "005924"),
        (2_000_000_000, "279037"), (20_000_000_000, "353130"),
    ])
    func rfc6238TestVectors(seconds: Int, code: String) {
        let totp = TOTP(secret: Array("12345678901234567890".utf8))
        #expect(totp.code(step: TOTP.step(at: Date(timeIntervalSince1970: TimeInterval(seconds)))) == code)
    }

    @Test func rfc4226Counters() {
        let totp = TOTP(secret: Array("12345678901234567890".utf8))
        let expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]
        #expect((0..<10).map { totp.code(step: Int64($0)) } == expected)
    }

    @Test func base32OfRFC4648Vectors() {
        let cases = ["": "", "f": "MY", "fo": "MZXQ", "foo": "MZXW6", "foob": "MZXW6YQ", "fooba": "MZXW6YTB", "foobar": "MZXW6YTBOI"]
        for (text, encoded) in cases { #expect(TOTP.base32(Array(text.utf8)) == encoded) }
    }

    @Test func authenticatorURLCarriesTheSecretAndIssuer() {
        let url = TOTP(secret: Array("foobar".utf8)).authenticatorURL(label: "ASAR:a b@example.kz", issuer: "ASAR")
        #expect(url == "otpauth://totp/ASAR:a%20b@example.kz?secret=MZXW6YTBOI&issuer=ASAR")
    }
}
