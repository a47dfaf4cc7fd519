import Domain
import Foundation
import OneTimePassword

/// What an email, a display name and a password must be; each problem names its field so a page
/// shows it beside the input.
enum AccountRules {
    /// The address trimmed; a problem with it goes into `issues`.
    static func email(_ raw: String, field: String = "email", into issues: inout [FieldIssue]) -> String {
        let (email, issue) = check(email: raw, field: field)
        if let issue { issues.append(issue) }
        return email
    }

    static func displayName(_ raw: String, field: String = "name", into issues: inout [FieldIssue]) -> String {
        let (name, issue) = check(displayName: raw, field: field)
        if let issue { issues.append(issue) }
        return name
    }

    private static func check(email raw: String, field: String) -> (String, FieldIssue?) {
        let email = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard !email.isEmpty else {
            return (email, FieldIssue(field: field, code: "required", message: "Enter an email address."))
        }
        guard email.utf8.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
              !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              email.allSatisfy({ $0.isASCII && !$0.isWhitespace && !"<>()[],;:\"\\".contains($0) }) else {
            return (email, FieldIssue(field: field, code: "invalid", message: "Enter an email address like name@example.kz."))
        }
        return (email, nil)
    }

    private static func check(displayName raw: String, field: String) -> (String, FieldIssue?) {
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty { return (name, FieldIssue(field: field, code: "required", message: "Enter your name.")) }
        if name.count > 200 { return (name, FieldIssue(field: field, code: "too_long", message: "A name may have at most 200 characters.")) }
        if name.contains(where: { $0.isNewline }) {
            return (name, FieldIssue(field: field, code: "invalid", message: "A name is one line."))
        }
        return (name, nil)
    }

    static let minimumPasswordLength = 10

    /// Passwords too common to allow, however long.
    static let commonPasswords: Set<String> = [
        "1234567890", "12345678910", "0123456789", "qwertyuiop", "password12", "password123", "password1234",
        "1q2w3e4r5t", "qwerty1234", "qwerty12345", "asdfghjkl1", "iloveyou12", "kazakhstan", "astana2024",
        "almaty2024", "1111111111", "aaaaaaaaaa", "asar123456", "parol12345", "йцукенгшщз",
    ]

    static func passwordIssues(_ password: String, email: String?, field: String = "password") -> [FieldIssue] {
        if password.count < minimumPasswordLength {
            return [FieldIssue(field: field, code: "too_short", message: "Use at least \(minimumPasswordLength) characters.")]
        }
        // bcrypt reads 72 bytes; anything after them would be ignored without a word.
        if password.utf8.count > 72 {
            return [FieldIssue(field: field, code: "too_long", message: "Use at most 72 bytes (about 36 Cyrillic letters).")]
        }
        let lowered = password.lowercased()
        if commonPasswords.contains(lowered) || Set(password).count < 3 {
            return [FieldIssue(field: field, code: "too_common", message: "This password is too easy to guess; choose another.")]
        }
        if let email, let local = email.lowercased().split(separator: "@").first, local.count >= 4, lowered.contains(local) {
            return [FieldIssue(field: field, code: "contains_email", message: "The password must not contain your email address.")]
        }
        return []
    }

    /// Compares without stopping at the first difference, so time does not tell how much matched.
    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var difference = UInt8(truncatingIfNeeded: x.count ^ y.count)
        for index in 0..<max(x.count, y.count) {
            difference |= (index < x.count ? x[index] : 0) ^ (index < y.count ? y[index] : 0)
        }
        return difference == 0
    }
}

/// TOTP (RFC 6238: SHA-1, 6 digits, 30-second steps), as authenticator apps expect it.
enum SecondFactor {
    static let issuer = "ASAR"

    /// A new shared secret: 32 characters from the secure generator (about 190 bits).
    static func newSecret() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<32).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }

    /// The otpauth:// URL an authenticator app reads (as a QR code or a link).
    static func url(secret: String, account: String) -> String {
        TOTP(secret: Array(secret.utf8)).authenticatorURL(label: "\(issuer):\(account)", issuer: issuer)
    }

    /// The secret as a person types it into an app: the base32 of its bytes.
    static func base32(_ secret: String) -> String { TOTP.base32(Array(secret.utf8)) }

    static func code(secret: String, step: Int64) -> String { TOTP(secret: Array(secret.utf8)).code(step: step) }

    /// The time step whose code `code` is, within one step either side of `now`; every candidate
    /// is compared in full, so the time taken does not depend on which matched.
    static func matchingStep(secret: String, code: String, at now: Date) -> Int64? {
        let typed = code.filter { !$0.isWhitespace }
        let current = TOTP.step(at: now)
        var matched: Int64?
        for candidate in [current - 1, current, current + 1] where AccountRules.constantTimeEquals(Self.code(secret: secret, step: candidate), typed) {
            matched = candidate
        }
        return matched
    }
}
