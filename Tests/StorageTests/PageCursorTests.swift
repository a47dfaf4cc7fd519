import Domain
import Foundation
import Postgres
import Testing
import TestSupport
@testable import Storage

@Suite struct PageCursorTests {
    @Test func microsecondsAgreeWithPostgresForEveryOffsetAndPrecision() async throws {
        try await TestDatabase.with { database in
            let rows = try await database.pool.withConnection { connection in
                try connection.query(
                    """
                    SELECT t::text, (extract(epoch FROM t) * 1000000)::bigint FROM (VALUES
                        (timestamptz '2026-12-01 05:08:54.123456+00'), (timestamptz '2026-12-01 05:08:54+00'),
                        (timestamptz '1999-02-28 23:59:59.5+05'), (timestamptz '2024-02-29 00:00:00.000001-03:30'),
                        (timestamptz '1970-01-01 00:00:00+00'), (clock_timestamp())
                    ) AS v(t)
                    """
                ).rows.map { (try $0.decode(String.self, at: 0), try $0.decode(Int64.self, at: 1)) }
            }
            #expect(rows.count == 6)
            for (text, expected) in rows {
                #expect(PageCursor.microseconds(postgresTimestamp: text) == expected, "\(text)")
            }
        }
    }

    @Test func everyStringOfTheDeclaredShapeIsACursorAndNothingElse() throws {
        let regex = try Regex(PageCursor.pattern)
        for text in ["0.00000000-0000-0000-0000-000000000000", "1764565734123456.3f2a0c1e-9b7d-4c1a-8e2f-0a1b2c3d4e5f"] {
            #expect(text.wholeMatch(of: regex) != nil)
            #expect(PageCursor(encoded: text)?.encoded == text)
        }
        for text in ["0", "", "garbage", "12.3F2A0C1E-9B7D-4C1A-8E2F-0A1B2C3D4E5F", "-1.00000000-0000-0000-0000-000000000000",
                     "12345678901234567.00000000-0000-0000-0000-000000000000", "1.00000000-0000-0000-0000-00000000000"] {
            #expect(text.wholeMatch(of: regex) == nil)
            #expect(PageCursor(encoded: text) == nil, "\(text)")
        }
    }
}
