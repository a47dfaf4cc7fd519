import Foundation
import Postgres

/// One page of a listing, newest first, with the cursor for the next page if there is one.
public struct Page<Item: Sendable>: Sendable {
    public let items: [Item]
    public let nextCursor: String?
}

/// Where a listing resumes: the last row's creation time and id, which are unique together.
///
/// Keyset pagination over an index on (created_at, id) neither skips nor repeats existing rows,
/// whatever is inserted meanwhile.
public struct PageCursor: Sendable, Equatable {
    let createdAt: String
    let id: UUID

    /// Parses an opaque cursor; nil when it was not made by `encoded`.
    public init?(encoded: String) {
        var base64 = encoded.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard encoded.count <= 200, let data = Data(base64Encoded: base64),
              let text = String(data: data, encoding: .utf8) else { return nil }
        let parts = text.split(separator: "|", omittingEmptySubsequences: false)
        guard parts.count == 2, let id = UUID(uuidString: String(parts[1])),
              (try? Date(postgresText: String(parts[0]))) != nil else { return nil }
        self.createdAt = String(parts[0])
        self.id = id
    }

    init(createdAt: String, id: UUID) {
        self.createdAt = createdAt
        self.id = id
    }

    public var encoded: String {
        Data("\(createdAt)|\(id.uuidString.lowercased())".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

extension QueryBuilder {
    mutating func resume(after cursor: PageCursor?) {
        guard let cursor else { return }
        require("(created_at, id) < ($::timestamptz, $::uuid)", cursor.createdAt, cursor.id)
    }

    /// Full-text match over the `search` column: Russian and English stems, or Kazakh (and any
    /// language) word prefixes, since Kazakh has no stemmer and its words take long suffixes.
    mutating func matchText(_ query: TextQuery?) {
        guard let query else { return }
        require(
            "search @@ (websearch_to_tsquery('russian', $) || websearch_to_tsquery('english', $) || to_tsquery('simple', $))",
            query.text, query.text, query.prefixQuery
        )
    }
}

/// Reads the rows of a listing fetched with one row more than the limit.
func page<Item>(_ rows: [Row], limit: Int, decode: (Row) throws -> Item) throws -> Page<Item> {
    let items = try rows.prefix(limit).map(decode)
    var next: String?
    if rows.count > limit, let last = rows.prefix(limit).last,
       let createdAt = last.text(at: 0) {
        next = PageCursor(createdAt: createdAt, id: try last.decode(UUID.self, at: 1)).encoded
    }
    return Page(items: items, nextCursor: next)
}

/// A search phrase reduced to its words.
public struct TextQuery: Sendable, Equatable {
    public let text: String
    let prefixQuery: String

    /// Nil when the phrase holds no word.
    public init?(_ phrase: String) {
        let words = phrase.lowercased()
            .split { !($0.isLetter || $0.isNumber) }
            .prefix(8)
            .map { String($0.prefix(64)) }
        guard !words.isEmpty else { return nil }
        self.text = String(phrase.prefix(512))
        self.prefixQuery = words.map { "\($0):*" }.joined(separator: " & ")
    }
}
