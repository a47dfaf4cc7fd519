import Foundation

/// One map drawn as SVG: a path and a label point for each unit, in a viewBox of `width` × `height`.
public struct RegionMap: Sendable {
    public struct Point: Sendable, Equatable {
        public let x: Double
        public let y: Double
    }

    public struct Shape: Sendable {
        /// The unit's KATO code, as the reference tables spell it.
        public let kato: String
        /// SVG path data, coordinates rounded to 0.1.
        public let d: String
        /// Where a label or marker sits: the centroid of the unit's largest polygon.
        public let label: Point
    }

    public let width: Double
    public let height: Double
    /// In KATO code order.
    public let shapes: [Shape]

    /// For the `viewBox` attribute of the `svg` element.
    public var viewBox: String { "0 0 \(MapGeometry.format(width)) \(MapGeometry.format(height))" }

    /// The source must be credited wherever a map is shown.
    public static let credit = "Boundaries: geokz (A. Rodionov), CC BY 4.0"

    public func shape(_ kato: String) -> Shape? {
        shapes.first { $0.kato == kato }
    }

    /// Projects `features` (lon/lat polygons) with an equirectangular projection scaled by the cosine
    /// of their mean latitude, and fits them to `width` (the height follows) with `margin` around.
    init(features: [MapGeometry.Feature], width: Double = 1000, margin: Double = 8) {
        let points = features.flatMap { $0.polygons.flatMap { $0.flatMap { $0 } } }
        let minLon = points.map(\.lon).min() ?? 0, maxLon = points.map(\.lon).max() ?? 1
        let minLat = points.map(\.lat).min() ?? 0, maxLat = points.map(\.lat).max() ?? 1
        let stretch = cos((minLat + maxLat) / 2 * .pi / 180)
        let spanX = max((maxLon - minLon) * stretch, 1e-9), spanY = max(maxLat - minLat, 1e-9)
        let scale = (width - 2 * margin) / spanX
        let height = (spanY * scale + 2 * margin).rounded(.up)
        func project(_ point: MapGeometry.LonLat) -> Point {
            Point(x: margin + (point.lon - minLon) * stretch * scale, y: margin + (maxLat - point.lat) * scale)
        }
        self.width = width
        self.height = height
        self.shapes = features.map { feature in
            let polygons = feature.polygons.map { $0.map { $0.map(project) } }
            return Shape(kato: feature.kato, d: MapGeometry.path(polygons), label: MapGeometry.label(polygons))
        }.sorted { $0.kato < $1.kato }
    }
}

/// The country map and every region's district map, built once from the bundled geojson.
public final class RegionMaps: Sendable {
    /// The 20 top-level regions.
    public let country: RegionMap
    private let districtMaps: [String: RegionMap]

    /// Codes the boundary file gives differently from districts.tsv (see the doubts noted there).
    static let districtAliases = ["101010000": "104100000", "622010000": "622000000"]

    /// Built on first use from the Web target's resources; nil if they cannot be read.
    public static let bundled: RegionMaps? = {
        guard let regions = Bundle.module.url(forResource: "kz-regions", withExtension: "geojson", subdirectory: "Assets/geo"),
              let districts = Bundle.module.url(forResource: "kz-districts", withExtension: "geojson", subdirectory: "Assets/geo"),
              let regionData = try? Data(contentsOf: regions), let districtData = try? Data(contentsOf: districts) else { return nil }
        return try? RegionMaps(regions: regionData, districts: districtData)
    }()

    public init(regions: Data, districts: Data) throws {
        country = RegionMap(features: try MapGeometry.features(regions))
        let all = try MapGeometry.features(districts).map { feature in
            MapGeometry.Feature(kato: Self.districtAliases[feature.kato] ?? feature.kato, polygons: feature.polygons)
        }
        districtMaps = Dictionary(grouping: all) { String($0.kato.prefix(2)) + "0000000" }
            .mapValues { RegionMap(features: $0) }
    }

    /// The districts of a top-level region (by its KATO code), fitted to the region.
    public func districts(of region: String) -> RegionMap? {
        districtMaps[region]
    }
}

/// Reading geojson and writing SVG path data.
enum MapGeometry {
    struct LonLat: Sendable {
        let lon: Double
        let lat: Double
    }

    /// A unit's polygons, each an outer ring followed by its holes.
    struct Feature: Sendable {
        let kato: String
        let polygons: [[[LonLat]]]
    }

    enum MapError: Error {
        case malformed(String)
    }

    static func features(_ data: Data) throws -> [Feature] {
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let features = root["features"] as? [[String: Any]] else { throw MapError.malformed("not a FeatureCollection") }
        return try features.map { feature in
            guard let kato = (feature["properties"] as? [String: Any])?["KATO"] as? String,
                  let geometry = feature["geometry"] as? [String: Any], let type = geometry["type"] as? String,
                  let coordinates = geometry["coordinates"] else { throw MapError.malformed("a feature without KATO or geometry") }
            func ring(_ value: Any) throws -> [LonLat] {
                guard let pairs = value as? [[Double]] else { throw MapError.malformed("ring of \(kato)") }
                return pairs.compactMap { $0.count >= 2 ? LonLat(lon: $0[0], lat: $0[1]) : nil }
            }
            func polygon(_ value: Any) throws -> [[LonLat]] {
                guard let rings = value as? [Any] else { throw MapError.malformed("polygon of \(kato)") }
                return try rings.map(ring)
            }
            switch type {
            case "Polygon": return Feature(kato: kato, polygons: [try polygon(coordinates)])
            case "MultiPolygon":
                guard let list = coordinates as? [Any] else { throw MapError.malformed("multipolygon of \(kato)") }
                return Feature(kato: kato, polygons: try list.map(polygon))
            default: throw MapError.malformed("geometry \(type) of \(kato)")
            }
        }
    }

    /// "M x,y L x,y ... Z" per ring, rounded to 0.1, repeated points after rounding dropped.
    static func path(_ polygons: [[[RegionMap.Point]]]) -> String {
        var d = ""
        for ring in polygons.joined() {
            var last: (Int, Int)?
            var count = 0
            var piece = ""
            for point in ring {
                let rounded = (Int((point.x * 10).rounded()), Int((point.y * 10).rounded()))
                if let last, last == rounded { continue }
                piece += (count == 0 ? "M" : "L") + tenths(rounded.0) + "," + tenths(rounded.1)
                last = rounded
                count += 1
            }
            if count >= 3 { d += piece + "Z" }
        }
        return d
    }

    /// The area-weighted centroid of the outer ring of the largest polygon.
    static func label(_ polygons: [[[RegionMap.Point]]]) -> RegionMap.Point {
        func centroid(_ ring: [RegionMap.Point]) -> (area: Double, point: RegionMap.Point) {
            var area = 0.0, x = 0.0, y = 0.0
            for (a, b) in zip(ring, ring.dropFirst() + ring.prefix(1)) {
                let cross = a.x * b.y - b.x * a.y
                area += cross
                x += (a.x + b.x) * cross
                y += (a.y + b.y) * cross
            }
            guard abs(area) > 1e-9 else {
                let n = Double(max(ring.count, 1))
                return (0, RegionMap.Point(x: ring.map(\.x).reduce(0, +) / n, y: ring.map(\.y).reduce(0, +) / n))
            }
            return (abs(area) / 2, RegionMap.Point(x: x / (3 * area), y: y / (3 * area)))
        }
        let outer = polygons.compactMap(\.first).map(centroid)
        let point = outer.max { $0.area < $1.area }?.point ?? RegionMap.Point(x: 0, y: 0)
        return RegionMap.Point(x: (point.x * 10).rounded() / 10, y: (point.y * 10).rounded() / 10)
    }

    /// A number of tenths written with at most one decimal: 123 → "12.3", 120 → "12", -5 → "-0.5".
    static func tenths(_ value: Int) -> String {
        let sign = value < 0 ? "-" : ""
        let magnitude = abs(value)
        return magnitude % 10 == 0 ? "\(sign)\(magnitude / 10)" : "\(sign)\(magnitude / 10).\(magnitude % 10)"
    }

    static func format(_ value: Double) -> String {
        tenths(Int((value * 10).rounded()))
    }
}
