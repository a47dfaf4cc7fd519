import Foundation
import Testing
@testable import Web

@Suite struct MapTests {
    static let migrations = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("SQL/migrations")

    /// (kato, parent) of every unit the migrations insert into regions.
    static func units() throws -> [(kato: String, parent: String?)] {
        var units: [(String, String?)] = []
        for name in ["0002_reference_data.sql", "0009_districts_and_portal.sql"] {
            let text = try String(contentsOf: migrations.appendingPathComponent(name), encoding: .utf8)
            for match in text.matches(of: /\('([0-9]{9})', (NULL|'([0-9]{9})'), '[a-z_]+'/) {
                units.append((String(match.1), match.3.map(String.init)))
            }
        }
        return units
    }

    static var pathShape: Regex<AnyRegexOutput> { try! Regex(#"(M-?[0-9]+(\.[0-9])?,-?[0-9]+(\.[0-9])?(L-?[0-9]+(\.[0-9])?,-?[0-9]+(\.[0-9])?){2,}Z)+"#) }

    static func numbers(_ d: String) -> [Double] {
        d.split(whereSeparator: { "MLZ,".contains($0) }).compactMap { Double($0) }
    }

    @Test func everyRegionHasAPathInsideTheViewBox() throws {
        let maps = try #require(RegionMaps.bundled)
        let regions = try Self.units().filter { $0.parent == nil }.map(\.kato)
        #expect(regions.count == 20)
        #expect(maps.country.shapes.map(\.kato) == regions.sorted())
        #expect(maps.country.viewBox.hasPrefix("0 0 1000 "))
        for shape in maps.country.shapes {
            #expect(shape.d.wholeMatch(of: Self.pathShape) != nil, "\(shape.kato)")
            let values = Self.numbers(shape.d)
            #expect(values.allSatisfy { $0 >= 0 && $0 <= max(maps.country.width, maps.country.height) })
            #expect((0...maps.country.width).contains(shape.label.x) && (0...maps.country.height).contains(shape.label.y))
        }
        // Compact: the whole country in well under the 57 kB of its geojson.
        #expect(maps.country.shapes.reduce(0) { $0 + $1.d.utf8.count } < 40_000)
        // Astana lies north of Almaty: y grows southward.
        let astana = try #require(maps.country.shape("710000000")), almaty = try #require(maps.country.shape("750000000"))
        #expect(astana.label.y < almaty.label.y)
    }

    @Test func everyRegionHasADistrictMapOfItsOwnDistricts() throws {
        let maps = try #require(RegionMaps.bundled)
        let units = try Self.units()
        let districts = units.filter { $0.parent != nil }
        var drawn = 0
        for region in units.filter({ $0.parent == nil }).map(\.kato) {
            let map = try #require(maps.districts(of: region), "\(region)")
            #expect(!map.shapes.isEmpty)
            #expect(map.shapes.allSatisfy { $0.kato.prefix(2) == region.prefix(2) && $0.d.wholeMatch(of: Self.pathShape) != nil })
            let known = Set(districts.filter { $0.parent == region }.map(\.kato))
            drawn += map.shapes.filter { known.contains($0.kato) }.count
        }
        // A few units created since 2024 have no boundary yet (districts.tsv lists them).
        #expect(drawn >= districts.count - 5, "\(drawn) of \(districts.count) districts drawn")
        #expect(maps.districts(of: "100000000")?.shape("104100000") != nil, "Zhanasemey, coded 101010000 in the boundary file")
    }

    @Test func choroplethSplitsByQuantiles() {
        let choropleth = Choropleth(values: (1...10).map(Int64.init))
        #expect(choropleth.upperBounds == [2, 4, 6, 8, 10])
        #expect([1, 2, 3, 6, 7, 10, 11].map { choropleth.classIndex(of: $0) } == [0, 0, 1, 2, 3, 4, 4])
        let classes = Choropleth.classes(["a": 0, "b": 0, "c": 0, "d": 5, "e": 100])
        #expect(classes["a"] == 0 && classes["e"] == 4 && classes["d"] == 3)
        #expect(Choropleth(values: [Int64]()).classIndex(of: 0) == 0)
        #expect(Choropleth(values: [7, 7, 7]).classIndex(of: 7) == 0)
    }

    @Test func pathDataIsRoundedToTenths() {
        #expect(MapGeometry.tenths(123) == "12.3" && MapGeometry.tenths(120) == "12" && MapGeometry.tenths(-5) == "-0.5")
        let square = [[[RegionMap.Point(x: 0, y: 0), RegionMap.Point(x: 10.04, y: 0), RegionMap.Point(x: 10.04, y: 10.06),
                        RegionMap.Point(x: 10.03, y: 10.06), RegionMap.Point(x: 0, y: 10)]]]
        #expect(MapGeometry.path(square) == "M0,0L10,0L10,10.1L0,10Z")
        #expect(MapGeometry.label(square) == RegionMap.Point(x: 5, y: 5))
    }
}
