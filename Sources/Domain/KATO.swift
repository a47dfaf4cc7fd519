/// KATO codes: nine digits AB CD EF HIJ (region, district, rural okrug, settlement). A unit's own
/// code is its prefix padded with zeros, so a prefix identifies a whole subtree.
public enum KATO {
    /// 1 for a region or city of republican significance, 2 district, 3 rural okrug, 4 settlement.
    public static func level(_ code: String) -> Int {
        // Read in place: matching asks this of candidates' places, and copying the digits into an
        // array was a tenth of a government body list's time, profiled.
        var count = 0
        var lastNonZero = -1
        for digit in code.utf8 {
            if digit != UInt8(ascii: "0") { lastNonZero = count }
            count += 1
        }
        guard count == 9 else { return 0 }
        return lastNonZero < 2 ? 1 : lastNonZero < 4 ? 2 : lastNonZero < 6 ? 3 : 4
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
        // Codes are digits, so bytes compare as characters do, without Unicode normalization.
        code.utf8.starts(with: prefix(ancestor).utf8)
    }

    /// The district (level 2) a code lies in, or nil for a top-level code.
    public static func district(_ code: String) -> String? {
        level(code) >= 2 ? String(code.prefix(4)) + "00000" : nil
    }
}
