import Foundation

extension UUID {
    /// The canonical lowercase form (RFC 9562) used in every URL and body. Written by hand:
    /// `uuidString` formats with `snprintf`, which was a thirtieth of a match list's time, profiled.
    public var lowercasedString: String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(36)
        let u = uuid
        let bytes = [u.0, u.1, u.2, u.3, u.4, u.5, u.6, u.7, u.8, u.9, u.10, u.11, u.12, u.13, u.14, u.15]
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

extension UUID {
    /// Whether this id comes before `other` byte by byte: the order of `uuidString` (fixed-width
    /// uppercase hex) and of PostgreSQL's `uuid`, without formatting either (`uuidString` calls
    /// `snprintf`, twice a comparison when sorting by it).
    public func precedes(_ other: UUID) -> Bool {
        Self.orderKey(uuid) < Self.orderKey(other.uuid)
    }

    private static func orderKey(_ bytes: uuid_t) -> (UInt64, UInt64) {
        withUnsafeBytes(of: bytes) { raw in
            (UInt64(bigEndian: raw.loadUnaligned(as: UInt64.self)), UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        }
    }
}
