import Foundation
import Testing

@testable import API

/// ResponseEncoder must write what Foundation's JSONEncoder wrote under the service's settings.
@Suite struct ResponseEncoderTests {
    struct Inner: Encodable {
        let fundingNeededKzt: Int64
        let shareOfBudget: Double
        let myURLProperty: URL
        let sdg2030Target: [Int16]
        let isOpen: Bool
    }

    struct Sample: Encodable {
        let id: UUID
        let title: String
        let optionalMissing: String?
        let optionalPresent: String?
        let createdAt: Date
        let inner: Inner
        let inners: [Inner]
        let names: [String: String]
        let nested: [[String?]]
        let empty: [String]
        let page: PageResource<String>
        let lastPage: PageResource<Int>
    }

    /// Encodes an explicit null and a nested container the way hand-written encoders may.
    struct HandWritten: Encodable {
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encodeNil(forKey: .explicitNull)
            var nested = container.nestedContainer(keyedBy: Keys.self, forKey: .nestedObject)
            try nested.encode("inside", forKey: .textValue)
            var list = container.nestedUnkeyedContainer(forKey: .nestedList)
            try list.encode(1)
            try list.encodeNil()
            try list.encode("two")
            try container.encode(Int8(-5), forKey: .afterNested)
        }

        enum Keys: String, CodingKey {
            case explicitNull, nestedObject, textValue, nestedList, afterNested
        }
    }

    struct Nothing: Encodable {}

    static let inner = Inner(
        fundingNeededKzt: 9_000_000_000, shareOfBudget: 0.125,
        myURLProperty: URL(string: "https://asar.kz/a/b?c=d")!, sdg2030Target: [1, 4, 17], isOpen: true
    )

    static let samples: [any Encodable & Sendable] = [
        "plain",
        "quotes \" backslash \\ slash / newline \n tab \t nul \u{0} bell \u{7} delete \u{7F}",
        "Қазақстан — Республика Казахстан 🇰🇿",
        42, -7, Int64.max, 0.1, 1e-7, 12.0, 1e300, -0.5, 1e15, 9_007_199_254_740_992.0, -0.0, 123_456_789_012.5,
        Float(0.1), Float(3),
        Date(timeIntervalSince1970: -86_400 * 365.25 * 30 + 0.5), Date(timeIntervalSince1970: 1_700_000_000),
        true, false,
        [1, 2, 3], [String](), ["a": 1, "bB": 2],
    ]

    @Test(arguments: 0..<samples.count)
    func scalarsAndCollections(_ index: Int) throws {
        try expectSameJSON(Self.samples[index])
        // One key at most, so key order cannot differ: the bytes must be the same.
        let ours = String(decoding: try ResponseEncoder.encode(Self.samples[index]), as: UTF8.self)
        let reference = String(decoding: try JSONBody.referenceEncoder.encode(Self.samples[index]), as: UTF8.self)
        if !(Self.samples[index] is [String: Int]) {
            #expect(ours == reference)
        }
    }

    @Test func structsOptionalsDatesAndKeys() throws {
        let sample = Sample(
            id: UUID(), title: "Жаңа жоба", optionalMissing: nil, optionalPresent: "here",
            createdAt: Date(timeIntervalSince1970: 1_764_000_000.123_456),
            inner: Self.inner, inners: [Self.inner, Self.inner],
            names: ["kk": "Қамқор", "ru": "Камкор", "en": "Kamkor"],
            nested: [["a", nil], [], [nil]], empty: [],
            page: PageResource(items: ["x", "y"], nextCursor: "abc"),
            lastPage: PageResource(items: [], nextCursor: nil)
        )
        try expectSameJSON(sample)
        let text = String(decoding: try ResponseEncoder.encode(sample), as: UTF8.self)
        #expect(!text.contains("optional_missing"), "an absent optional is left out, as JSONEncoder does")
        #expect(text.contains(#""next_cursor":null"#), "an explicit null stays")
        #expect(text.contains(#""created_at":"2025-11-24T16:00:00.123Z""#))
        #expect(text.contains(#""my_url_property":"https://asar.kz/a/b?c=d""#))
    }

    @Test func handWrittenEncodersAndEmptyValues() throws {
        try expectSameJSON(HandWritten())
        try expectSameJSON([HandWritten(), HandWritten()])
        try expectSameJSON(Nothing())
    }

    @Test func nonFiniteNumbersAreRefused() {
        #expect(throws: EncodingError.self) { try ResponseEncoder.encode([Double.nan]) }
        #expect(throws: EncodingError.self) { try ResponseEncoder.encode(["x": Double.infinity]) }
    }

    /// A keyed container with one arbitrary key, so the key strategy applies (it skips dictionaries).
    struct KeyProbe: Encodable {
        let key: String
        struct AnyKey: CodingKey {
            let stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: AnyKey.self)
            try container.encode(1, forKey: AnyKey(stringValue: key))
        }
    }

    @Test(arguments: [
        "fundingNeededKzt", "myURLProperty", "id", "URL", "sdg2030Target", "aB", "already_snake", "ABCdef", "x", "",
        "HTTPStatus", "organizationID", "a1B2", "ÄpfelÖl", "nameKk", "Id", "X", "É",
    ])
    func snakeCaseMatchesJSONEncoder(_ key: String) throws {
        let reference = try JSONSerialization.jsonObject(with: JSONBody.referenceEncoder.encode(KeyProbe(key: key))) as? [String: Int]
        #expect(JSONOutput.snakeCase(key) == reference?.keys.first)
        try expectSameJSON(KeyProbe(key: key))
    }

    @Test func knownKeys() {
        #expect(JSONOutput.snakeCase("fundingNeededKzt") == "funding_needed_kzt")
        #expect(JSONOutput.snakeCase("myURLProperty") == "my_url_property")
    }

    private func expectSameJSON(_ value: some Encodable) throws {
        let ours = Data(try ResponseEncoder.encode(value))
        let reference = try JSONBody.referenceEncoder.encode(value)
        let oursParsed = try JSONSerialization.jsonObject(with: ours, options: .fragmentsAllowed)
        let referenceParsed = try JSONSerialization.jsonObject(with: reference, options: .fragmentsAllowed)
        #expect(
            NSArray(array: [oursParsed]).isEqual(NSArray(array: [referenceParsed])),
            "ours: \(String(decoding: ours, as: UTF8.self))\nJSONEncoder: \(String(decoding: reference, as: UTF8.self))"
        )
    }
}
