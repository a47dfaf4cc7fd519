/// The words of one side's text as a prefix query for the other side's `search` vector, and a
/// short text for trigram similarity. Kept in the candidate index for every subject, so a match
/// request needs no read of the subject's texts.
public struct TextSignature: Sendable, Equatable {
    public let prefixQuery: String
    public let trigramText: String

    /// Prefixes stand in for stems: the same query finds Russian and Kazakh word forms.
    public init(texts: [String?], trigramText: String) {
        var seen = Set<String>()
        var terms: [String] = []
        for text in texts.compactMap({ $0 }) {
            for word in text.lowercased().split(whereSeparator: { !$0.isLetter }) where word.count >= 4 {
                let prefix = String(word.prefix(max(4, min(word.count - 2, 6))))
                if seen.insert(prefix).inserted { terms.append(prefix) }
                if terms.count == 16 { break }
            }
        }
        prefixQuery = terms.map { "\($0):*" }.joined(separator: " | ")
        // Trigram similarity extracts the trigrams of both texts on every row: keep this one short.
        self.trigramText = String(trigramText.prefix(200))
    }

    public static let empty = TextSignature(texts: [], trigramText: "")
}
