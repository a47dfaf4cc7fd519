import Domain
import Foundation

/// Numbers, money and dates as Kazakhstan's public portals write them: 1 250 000 ₸, 01.12.2026.
enum Format {
    /// A narrow no-break space groups digits, so amounts never wrap inside.
    static let groupSeparator = "\u{202F}"
    /// Kazakhstan keeps one time zone, UTC+5, since March 2024.
    static let timeZone = TimeZone(secondsFromGMT: 5 * 3600)!

    static func integer(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var groups: [Substring] = []
        var end = digits.endIndex
        while end > digits.startIndex {
            let start = digits.index(end, offsetBy: -3, limitedBy: digits.startIndex) ?? digits.startIndex
            groups.insert(digits[start..<end], at: 0)
            end = start
        }
        return (value < 0 ? "−" : "") + groups.joined(separator: groupSeparator)
    }

    static func integer(_ value: Int) -> String { integer(Int64(value)) }

    static func money(_ value: Int64) -> String { integer(value) + "\u{00A0}₸" }

    /// A match score in [0, 1] as points out of 100.
    static func score(_ value: Double) -> String { integer(Int((value * 100).rounded())) }

    static func date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.day, .month, .year], from: date)
        return String(format: "%02d.%02d.%04d", parts.day ?? 0, parts.month ?? 0, parts.year ?? 0)
    }

    static func dateTime(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return Self.date(date) + String(format: " %02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
    }

    /// ISO 8601 for `<time datetime>`.
    static func machineDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.day, .month, .year], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    /// A score or mark with at most one decimal, as 72 or 72,5.
    static func number(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        return tenths.truncatingRemainder(dividingBy: 10) == 0 ? integer(Int64(tenths / 10)) : String(format: "%.1f", tenths / 10).replacingOccurrences(of: ".", with: ",")
    }

    /// A moment to the millisecond, for a form to send back exactly what it was shown.
    static func instant(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)) }

    static func instant(_ text: String) -> Date? { try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) }

    /// A percentage 0…100 for progress bars, clamped.
    static func percent(_ part: Int64, of whole: Int64) -> Int {
        guard whole > 0 else { return 0 }
        return Int(min(100, max(0, (Double(part) / Double(whole) * 100).rounded())))
    }
}

/// A text in the reader's language when present, otherwise in another, marked with its `lang`.
struct ShownText {
    let text: String
    /// Set when the text is in a language other than the page's.
    let lang: String?

    init(_ localized: LocalizedText, _ language: Language) {
        let order: [Language] = switch language {
        case .kk: [.kk, .ru, .en]
        case .ru: [.ru, .kk, .en]
        case .en: [.en, .ru, .kk]
        }
        for candidate in order {
            let value: String? = switch candidate {
            case .kk: localized.kk
            case .ru: localized.ru
            case .en: localized.en
            }
            if let value, !value.isEmpty {
                text = value
                lang = candidate == language ? nil : candidate.rawValue
                return
            }
        }
        text = ""
        lang = nil
    }

    init(plain: String) {
        text = plain
        lang = nil
    }
}
