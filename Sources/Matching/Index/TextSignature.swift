/// The words of one side's text as prefix terms, compared with the other side's `TextWords`.
/// Kept in the candidate index for every subject, so a match request needs no read of the
/// subject's texts.
public struct TextSignature: Sendable, Equatable {
    /// Hashes of up to 16 distinct word prefixes.
    public let terms: [UInt32]

    /// Prefixes stand in for stems: the same term finds Russian and Kazakh word forms.
    public init(texts: [String?]) {
        self.init(splitTexts: texts.compactMap { $0 }.map(TextWords.words))
    }

    init(splitTexts: [[[Unicode.Scalar]]]) {
        var seen = Set<UInt32>()
        var terms: [UInt32] = []
        words: for words in splitTexts {
            for word in words where word.count >= 4 {
                let term = TextWords.hash(word.prefix(max(4, min(word.count - 2, 6))))
                if seen.insert(term).inserted { terms.append(term) }
                if terms.count == 16 { break words }
            }
        }
        self.terms = terms
    }

    public static let empty = TextSignature(texts: [])
}

/// Which word prefixes (4 to 6 letters) one side's texts contain, its names or titles apart from
/// its descriptions: how relevant it is to another side's signature is answered in memory.
public struct TextWords: Sendable, Equatable {
    /// Sorted hashes.
    private let titles: [UInt32]
    private let bodies: [UInt32]

    public init(titles: [String?], bodies: [String?]) {
        self.init(splitTitles: titles.compactMap { $0 }.map(Self.words), splitBodies: bodies.compactMap { $0 }.map(Self.words))
    }

    init(splitTitles: [[[Unicode.Scalar]]], splitBodies: [[[Unicode.Scalar]]]) {
        titles = Self.prefixes(splitTitles)
        bodies = Self.prefixes(splitBodies)
    }

    /// The signature of titles and bodies (in that order) and their words, splitting each text once.
    public static func signatureAndWords(titles: [String?], bodies: [String?]) -> (signature: TextSignature, words: TextWords) {
        let splitTitles = titles.compactMap { $0 }.map(words)
        let splitBodies = bodies.compactMap { $0 }.map(words)
        return (TextSignature(splitTexts: splitTitles + splitBodies), TextWords(splitTitles: splitTitles, splitBodies: splitBodies))
    }

    /// Every prefix once, with what finding it is worth to `relevance(to:)`: 1 in a title, 0.4
    /// only in a body. What the index's `TermPostings` are built from.
    var weightedTerms: [(term: UInt32, weight: Double)] {
        titles.map { ($0, 1) } + bodies.filter { !Self.contains(titles, $0) }.map { ($0, 0.4) }
    }

    public static let empty = TextWords(titles: [], bodies: [])

    /// PostgreSQL's `ts_rank` of an OR query as the service used it before: each term found counts
    /// its weight (1 in a name or title, 0.4 in a description: weights A and B), divided by the
    /// number of terms, then squashed into [0, 1) as `rank / (rank + 0.1)`.
    public func relevance(to signature: TextSignature) -> Double {
        guard !signature.terms.isEmpty else { return 0 }
        var found = 0.0
        for term in signature.terms {
            if Self.contains(titles, term) { found += 1 } else if Self.contains(bodies, term) { found += 0.4 }
        }
        return Self.squashed(found: found, of: signature.terms.count)
    }

    /// `found` is the sum over the signature's terms of what each is worth, in the signature's order.
    static func squashed(found: Double, of count: Int) -> Double {
        let rank = found / Double(count)
        return rank / (rank + 0.1)
    }

    private static func prefixes(_ splitTexts: [[[Unicode.Scalar]]]) -> [UInt32] {
        var hashes = Set<UInt32>()
        for words in splitTexts {
            for word in words where word.count >= 4 {
                for length in 4...min(6, word.count) {
                    hashes.insert(hash(word.prefix(length)))
                }
            }
        }
        return hashes.sorted()
    }

    private static func contains(_ sorted: [UInt32], _ value: UInt32) -> Bool {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low < sorted.count && sorted[low] == value
    }

    /// The lowercased words of a text: runs of letters. Loading the index splits the texts of every
    /// organization and project, so the letters of Kazakh, Russian and English are told apart and
    /// lowercased without a Unicode property lookup (which took a third of the load, and
    /// `String.lowercased()` another quarter, profiled).
    static func words(_ text: String) -> [[Unicode.Scalar]] {
        var words: [[Unicode.Scalar]] = []
        var word: [Unicode.Scalar] = []
        func take(_ scalar: Unicode.Scalar) {
            if isLetter(scalar) {
                word.append(scalar)
            } else if !word.isEmpty {
                words.append(word)
                word.removeAll(keepingCapacity: true)
            }
        }
        for scalar in text.unicodeScalars {
            if let lower = lowercase(scalar) {
                take(lower)
            } else {
                for lower in scalar.properties.lowercaseMapping.unicodeScalars { take(lower) }
            }
        }
        if !word.isEmpty { words.append(word) }
        return words
    }

    /// The lowercase of Latin and Cyrillic letters (Kazakh's included) and of anything already
    /// lowercase or caseless in those blocks; nil elsewhere, where Unicode's mapping decides.
    static func lowercase(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        let value = scalar.value
        let lower: UInt32? = switch value {
        case 0x41...0x5A: value + 0x20
        // ASCII's other characters, Latin-1's punctuation and signs, and general punctuation have no case.
        case 0...0x7F, 0x80...0xBF, 0x2000...0x206F, 0x0430...0x045F: value
        case 0x0400...0x040F: value + 0x50
        case 0x0410...0x042F: value + 0x20
        // Pairs with the capital first: Cyrillic's historic letters and most of Kazakh's (Ғ Қ Ң Ү Ұ Һ Ә Ө).
        case 0x0460...0x0481, 0x048A...0x04BF, 0x04D0...0x04FF: value | 1
        default: nil
        }
        return lower.flatMap(Unicode.Scalar.init)
    }

    private static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x61...0x7A, 0x0430...0x045F, 0x0460...0x04FF: true
        case 0...0x7F, 0x2000...0x206F: false
        default: scalar.properties.isAlphabetic
        }
    }

    /// FNV-1a over the scalars: stable within a process, which is all an in-memory index needs.
    static func hash(_ scalars: some Sequence<Unicode.Scalar>) -> UInt32 {
        var hash: UInt32 = 2_166_136_261
        for scalar in scalars {
            hash = (hash ^ scalar.value) &* 16_777_619
        }
        return hash
    }
}
