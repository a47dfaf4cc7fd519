/// URL-safe random tokens from the system generator.
enum RandomToken {
    static func make(bytes: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes * 4 / 3 + 1)
        // 6 bits per character from 8-bit draws: 43 characters carry 258 bits.
        let count = (bytes * 8 + 5) / 6
        for _ in 0..<count { out.append(alphabet[Int((generator.next() as UInt8) & 63)]) }
        return String(decoding: out, as: UTF8.self)
    }

    static func isWellFormed(_ token: String) -> Bool {
        token.utf8.count == 43 && token.utf8.allSatisfy { byte in
            (65...90).contains(byte) || (97...122).contains(byte) || (48...57).contains(byte) || byte == 45 || byte == 95
        }
    }

    /// Compares without stopping at the first difference, so timing reveals nothing of the token.
    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<x.count { difference |= x[i] ^ y[i] }
        return difference == 0
    }
}
