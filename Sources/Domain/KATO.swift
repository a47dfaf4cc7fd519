/// KATO codes: nine digits AB CD EF HIJ (region, district, rural okrug, settlement). A unit's own
/// code is its prefix padded with zeros, so a prefix identifies a whole subtree.
public enum KATO {
    /// 1 for a region or city of republican significance, 2 district, 3 rural okrug, 4 settlement.
    public static func level(_ code: String) -> Int {
        let digits = Array(code.utf8)
        guard digits.count == 9 else { return 0 }
        func zeros(from index: Int) -> Bool { digits[index...].allSatisfy { $0 == UInt8(ascii: "0") } }
        if zeros(from: 2) { return 1 }
        if zeros(from: 4) { return 2 }
        if zeros(from: 6) { return 3 }
        return 4
    }

    /// The top-level unit (region or city) a code lies in.
    public static func topLevel(_ code: String) -> String {
        String(code.prefix(2)) + "0000000"
    }

    /// The significant prefix of a code: what every code under it starts with.
    public static func prefix(_ code: String) -> Substring {
        switch level(code) {
        case 1: code.prefix(2)
        case 2: code.prefix(4)
        case 3: code.prefix(6)
        default: code.prefix(9)
        }
    }

    /// True when `code` is `ancestor` or lies under it.
    public static func covers(_ ancestor: String, _ code: String) -> Bool {
        code.hasPrefix(prefix(ancestor))
    }

    /// The district (level 2) a code lies in, or nil for a top-level code.
    public static func district(_ code: String) -> String? {
        level(code) >= 2 ? String(code.prefix(4)) + "00000" : nil
    }
}
