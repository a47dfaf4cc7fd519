import Foundation

/// Random secrets handed to a browser or a mailbox; the database keeps only their SHA-256.
public enum SecretToken {
    /// `prefix` and 32 random bytes in base64url: 256 bits from the system's secure generator.
    public static func make(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let encoded = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return prefix + encoded
    }

    /// True when `token` could be one of ours: skips the database for anything else.
    static func isPlausible(_ token: String, prefix: String) -> Bool {
        token.hasPrefix(prefix) && token.utf8.count <= 100
    }
}
