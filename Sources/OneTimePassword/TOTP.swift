import CLibCrypto
import Foundation

/// Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP) with HMAC-SHA-1, six digits and
/// 30-second steps: what authenticator apps compute by default. The HMAC is OpenSSL's libcrypto,
/// which libpq already links.
public struct TOTP: Sendable {
    public static let digits = 6
    public static let stepSeconds: TimeInterval = 30

    /// The shared secret's bytes, the HMAC key.
    public let secret: [UInt8]

    public init(secret: [UInt8]) {
        self.secret = secret
    }

    /// The time step `date` falls in.
    public static func step(at date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / stepSeconds).rounded(.down))
    }

    /// The code of time step `step`, zero-padded to six digits.
    public func code(step: Int64) -> String {
        let value = String(Self.truncate(hmacSHA1(counter: UInt64(bitPattern: step))) % 1_000_000)
        return String(repeating: "0", count: Self.digits - value.count) + value
    }

    /// The otpauth:// URL an authenticator app reads: the secret in unpadded base32, with the
    /// defaults (SHA-1, 6 digits, 30 s) left implicit as apps expect.
    public func authenticatorURL(label: String, issuer: String) -> String {
        let path = label.addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? label
        let query = issuer.addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? issuer
        return "otpauth://totp/\(path)?secret=\(Self.base32(secret))&issuer=\(query)"
    }

    /// RFC 4648 base32 without padding: how a person types the secret into an app.
    public static func base32(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var output = "", buffer = 0, bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
            buffer &= (1 << bits) - 1
        }
        if bits > 0 { output.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return output
    }

    // A label's "issuer:account" keeps its colon, which RFC 3986 allows in a path segment.
    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:@")

    /// RFC 4226 section 5.3: four bytes at the offset the last nibble names, without the sign bit.
    static func truncate(_ mac: [UInt8]) -> Int {
        let offset = Int(mac[mac.count - 1] & 0x0F)
        return Int(mac[offset] & 0x7F) << 24 | Int(mac[offset + 1]) << 16 | Int(mac[offset + 2]) << 8 | Int(mac[offset + 3])
    }

    func hmacSHA1(counter: UInt64) -> [UInt8] {
        let message = withUnsafeBytes(of: counter.bigEndian) { Array($0) }
        var mac = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let done = secret.withUnsafeBytes { key in
            message.withUnsafeBufferPointer { data in
                HMAC(EVP_sha1(), key.baseAddress, Int32(key.count), data.baseAddress, data.count, &mac, &length)
            }
        }
        // HMAC fails only without memory or with an unknown digest; neither can be handled here.
        precondition(done != nil && length == 20, "libcrypto HMAC-SHA1 failed")
        return Array(mac.prefix(Int(length)))
    }
}
