import Domain
import Foundation
import Postgres

/// One page of a listing, newest first, with the cursor for the next page if there is one.
public struct Page<Item: Sendable>: Sendable {
    public let items: [Item]
    public let nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

/// Where a listing resumes: the last row's creation time and id, which are unique together.
///
/// Keyset pagination over an index on (created_at, id) neither skips nor repeats existing rows,
/// whatever is inserted meanwhile. Written as `<microseconds since 1970>.<uuid>`, so that every
/// string of that shape is a cursor: the OpenAPI pattern states exactly what the service accepts.
public struct PageCursor: Sendable, Equatable {
    let microseconds: Int64
    let id: UUID

    /// The pattern every cursor matches, and every match is a cursor.
    public static let pattern = "^[0-9]{1,16}\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"

    /// Parses a cursor; nil when it does not have the shape `encoded` gives.
    public init?(encoded: String) {
        let parts = encoded.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...16).contains(parts[0].utf8.count), parts[0].utf8.allSatisfy({ (48...57).contains($0) }),
              let microseconds = Int64(parts[0]),
              parts[1].utf8.count == 36, parts[1].utf8.allSatisfy({ $0 == 45 || (48...57).contains($0) || (97...102).contains($0) }),
              let id = UUID(uuidString: String(parts[1])) else { return nil }
        self.microseconds = microseconds
        self.id = id
    }

    /// From a row's `created_at` as PostgreSQL writes it (`2026-12-01 05:08:54.123456+00`).
    init?(createdAt text: String, id: UUID) {
        guard let microseconds = Self.microseconds(postgresTimestamp: text) else { return nil }
        self.microseconds = microseconds
        self.id = id
    }

    public var encoded: String {
        "\(microseconds).\(id.lowercasedString)"
    }

    /// Exact: a Double would lose the microseconds that tell rows of one instant apart.
    static func microseconds(postgresTimestamp text: String) -> Int64? {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int64? {
            guard range.upperBound <= bytes.count, !range.isEmpty else { return nil }
            var value: Int64 = 0
            for byte in bytes[range] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            return value
        }
        guard bytes.count >= 22, bytes[4] == 45, bytes[7] == 45, bytes[10] == 32, bytes[13] == 58, bytes[16] == 58,
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19) else { return nil }
        var index = 19
        var fraction: Int64 = 0
        if bytes[index] == 46 {
            index += 1
            var digits = 0
            while index < bytes.count, (48...57).contains(bytes[index]) {
                if digits < 6 { fraction = fraction * 10 + Int64(bytes[index] - 48) }
                digits += 1
                index += 1
            }
            for _ in digits..<max(digits, 6) { fraction *= 10 }
        }
        guard index < bytes.count, bytes[index] == 43 || bytes[index] == 45 else { return nil }
        let sign: Int64 = bytes[index] == 43 ? 1 : -1
        guard let offsetHours = number((index + 1)..<(index + 3)) else { return nil }
        var offsetMinutes: Int64 = 0
        if index + 3 < bytes.count {
            guard bytes[index + 3] == 58, let minutes = number((index + 4)..<(index + 6)) else { return nil }
            offsetMinutes = minutes
        }
        // Days from 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - sign * (offsetHours * 3_600 + offsetMinutes * 60)
        return seconds * 1_000_000 + fraction
    }
}

extension QueryBuilder {
    mutating func resume(after cursor: PageCursor?) {
        guard let cursor else { return }
        require("(created_at, id) < (timestamptz 'epoch' + $::bigint * interval '1 microsecond', $::uuid)", cursor.microseconds, cursor.id)
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

/// Up to `limit` rows of a listing, newest first: `columns` of `table` where `filters` hold and,
/// when given, `text` matches.
///
/// With a text the planner cannot tell how many rows match: it guesses 0.5% for every prefix term
/// whatever the word, and either plan alone is slow for some words at 100,000 rows. Walking the
/// newest-first index reads the whole table for a word only a few rows hold; reading every match
/// through the text index reads half the table for a word in every name. So the newest
/// `textSearchWindow` rows are searched first, which finds a page of any word at least 2% of rows
/// hold; only when they hold less than a page are all matches read through the text index, and
/// then they are few. BENCHMARKS.md, "Public pages", has the figures.
func listingRows(
    table: StaticString, columns: String, filters: QueryBuilder, text: TextQuery?, limit: Int, on connection: Connection
) throws -> [Row] {
    let order = "ORDER BY created_at DESC, id DESC"
    guard let text else {
        var query = filters
        let limitPlaceholder = query.placeholder(for: limit)
        return try connection.query("SELECT \(columns) FROM \(table) \(query.whereClause) \(order) LIMIT \(limitPlaceholder)", query.parameters).rows
    }
    var recent = filters
    let window = recent.placeholder(for: textSearchWindow)
    var matching = recent.continuing()
    matching.matchText(text)
    let pageLimit = matching.placeholder(for: limit)
    let newest = try connection.query(
        """
        SELECT \(columns) FROM (SELECT \(columns), search FROM \(table) \(recent.whereClause) \(order) LIMIT \(window)) recent
        \(matching.whereClause) \(order) LIMIT \(pageLimit)
        """,
        matching.parameters
    ).rows
    if newest.count == limit { return newest }
    var all = filters
    all.matchText(text)
    let allLimit = all.placeholder(for: limit)
    // MATERIALIZED keeps the sort outside, so the planner reads the matches through the text index
    // instead of walking the listing index for them.
    return try connection.query(
        "WITH matches AS MATERIALIZED (SELECT \(columns) FROM \(table) \(all.whereClause)) SELECT * FROM matches \(order) LIMIT \(allLimit)",
        all.parameters
    ).rows
}

/// How many of the newest rows `listingRows` searches before it reads every match of a text.
let textSearchWindow = 500

/// Reads the rows of a listing fetched with one row more than the limit.
func page<Item>(_ rows: [Row], limit: Int, decode: (Row) throws -> Item) throws -> Page<Item> {
    let items = try rows.prefix(limit).map(decode)
    var next: String?
    if rows.count > limit, let last = rows.prefix(limit).last,
       let createdAt = last.text(at: 0) {
        next = PageCursor(createdAt: createdAt, id: try last.decode(UUID.self, at: 1))?.encoded
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
