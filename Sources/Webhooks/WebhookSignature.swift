import CLibCrypto
import Foundation

/// How a receiver knows a delivery came from ASAR and is fresh: the header
/// `ASAR-Signature: t=<unix seconds>,v1=<hex HMAC-SHA-256 of "<t>.<body>" under the webhook's secret>`,
/// as Stripe signs its webhooks. The timestamp inside the signed text lets a receiver refuse
/// replays older than a few minutes.
public enum WebhookSignature {
    public static let header = "ASAR-Signature"

    public static func value(secret: String, timestamp: Int64, body: [UInt8]) -> String {
        "t=\(timestamp),v1=\(hex(hmacSHA256(key: Array(secret.utf8), message: Array("\(timestamp).".utf8) + body)))"
    }

    /// Whether `header` signs `body` under `secret` within `tolerance` seconds of `now`.
    public static func verify(_ header: String, secret: String, body: [UInt8], now: Date, tolerance: TimeInterval = 300) -> Bool {
        var timestamp: Int64?
        var signatures: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = Int64(pair[1]) }
            if pair[0] == "v1" { signatures.append(pair[1]) }
        }
        guard let timestamp, abs(now.timeIntervalSince1970 - Double(timestamp)) <= tolerance else { return false }
        let expected = value(secret: secret, timestamp: timestamp, body: body).split(separator: "=").last.map(String.init) ?? ""
        return signatures.contains { constantTimeEquals($0, expected) }
    }

    static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var mac = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let done = key.withUnsafeBufferPointer { key in
            message.withUnsafeBufferPointer { data in
                HMAC(EVP_sha256(), key.baseAddress, Int32(key.count), data.baseAddress, data.count, &mac, &length)
            }
        }
        // HMAC fails only without memory or with an unknown digest; neither can be handled here.
        precondition(done != nil && length == 32, "libcrypto HMAC-SHA256 failed")
        return Array(mac.prefix(32))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
