/// The words of one side's text as a prefix query for the other side's `search` vector. Kept in the candidate index for every subject, so a match
/// request needs no read of the subject's texts.
public struct TextSignature: Sendable, Equatable {
    public let prefixQuery: String

    /// Prefixes stand in for stems: the same query finds Russian and Kazakh word forms.
    public init(texts: [String?]) {
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
    }

    public static let empty = TextSignature(texts: [])
}
