import Foundation
import Testing
@testable import Postgres

@Suite struct ValueCodingTests {
    @Test func arrayLiteralsRoundTrip() throws {
        // A quote or backslash followed by a combining mark is one character with it, and must be
        // escaped all the same.
        let values = ["plain", "with space", "quote\"inside", "back\\slash", "comma,here", "", "NULL", "{brace}", "\"\u{301}é", "\\\u{301}", "Қазақ"]
        let literal = try #require(values.postgresText)
        #expect(try [String](postgresText: literal) == values)
    }

    @Test func arrayLiteralsKeepNullDistinctFromTheWordNull() {
        #expect(PostgresArrayLiteral.decode("{a,NULL,\"NULL\"}") == ["a", nil, "NULL"])
        #expect(PostgresArrayLiteral.decode("{}") == [])
        #expect(PostgresArrayLiteral.decode("not an array") == nil)
    }

    @Test func timestampsParseWithAndWithoutFraction() throws {
        let whole = try Date(postgresText: "2026-11-25 00:34:40+00")
        #expect(whole.timeIntervalSince1970 == 1_795_566_880)
        let fraction = try Date(postgresText: "2026-11-25 00:34:40.25+00")
        #expect(fraction.timeIntervalSince1970 == 1_795_566_880.25)
        let offset = try Date(postgresText: "2026-11-25 05:34:40+05")
        #expect(offset == whole)
        #expect(throws: PostgresError.self) { try Date(postgresText: "yesterday") }
    }

    @Test func timestampsFormatToMicroseconds() throws {
        let date = Date(timeIntervalSince1970: 1_795_566_880.123456)
        let text = try #require(date.postgresText)
        #expect(text == "2026-11-25 00:34:40.123456+00")
        #expect(abs(try Date(postgresText: text).timeIntervalSince1970 - date.timeIntervalSince1970) < 0.000_001)
    }

    @Test func uuidsAreWrittenAndReadAsFoundationDoes() throws {
        for _ in 0..<5_000 {
            let id = UUID()
            #expect(id.postgresText == id.uuidString.lowercased())
            #expect(try UUID(postgresText: id.uuidString) == id)
            #expect(try UUID(postgresText: id.uuidString.lowercased()) == id)
        }
        let texts = [
            "00000000-0000-0000-0000-000000000000", "FFFFFFFF-ffff-FfFf-0123-456789abcdef", "0123456g-0000-0000-0000-000000000000",
            "01234567-0000-0000-0000-00000000000", "01234567-0000-0000-0000-0000000000000", "012345670-000-0000-0000-000000000000",
            "01234567+0000-0000-0000-000000000000", "{01234567-0000-0000-0000-000000000000}", "0123456789abcdef0123456789abcdef", "",
            "01234567-0000-0000-0000-00000000000é",
        ]
        for text in texts {
            #expect((try? UUID(postgresText: text)) == UUID(uuidString: text), "\(text)")
        }
    }

    @Test func malformedNumbersThrow() {
        #expect(throws: PostgresError.self) { try Int(postgresText: "12x") }
        #expect(throws: PostgresError.self) { try Bool(postgresText: "maybe") }
        #expect(throws: PostgresError.self) { try UUID(postgresText: "not-a-uuid") }
    }
}
