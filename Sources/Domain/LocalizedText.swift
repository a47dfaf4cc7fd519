/// Text in Kazakh, Russian and English; any of them may be missing, but not all.
public struct LocalizedText: Sendable, Equatable, Hashable {
    public var kk: String?
    public var ru: String?
    public var en: String?

    public init(kk: String? = nil, ru: String? = nil, en: String? = nil) {
        self.kk = kk
        self.ru = ru
        self.en = en
    }

    /// Text given in one language only.
    public init(_ language: Language, _ text: String) {
        switch language {
        case .kk: self.init(kk: text)
        case .ru: self.init(ru: text)
        case .en: self.init(en: text)
        }
    }

    public var isEmpty: Bool { kk == nil && ru == nil && en == nil }

    /// The text in exactly `language`, if given.
    public func value(_ language: Language) -> String? {
        switch language {
        case .kk: kk
        case .ru: ru
        case .en: en
        }
    }

    /// This text with `language`'s replaced.
    public func setting(_ language: Language, _ text: String?) -> LocalizedText {
        var copy = self
        switch language {
        case .kk: copy.kk = text
        case .ru: copy.ru = text
        case .en: copy.en = text
        }
        return copy
    }

    /// The text in `language`, falling back to Russian, Kazakh, then English.
    public func preferred(_ language: Language) -> String {
        let ordered: [String?] = switch language {
        case .kk: [kk, ru, en]
        case .ru: [ru, kk, en]
        case .en: [en, ru, kk]
        }
        return ordered.lazy.compactMap { $0 }.first ?? ""
    }
}

/// The languages ASAR speaks.
public enum Language: String, Sendable, CaseIterable {
    case kk, ru, en
}
