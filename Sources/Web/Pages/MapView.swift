import Domain
import Foundation

/// A choropleth map drawn as inline SVG on the server: each unit a link holding its `<title>`
/// (name and figure) and a `<path>` coloured by class (`c0`…`c4`, `cnone` without data), with a
/// legend that gives each class's range in words, not only in colour.
struct MapView {
    /// One unit of the map as the page shows it.
    struct Unit {
        let kato: String
        let name: String
        /// The figure the map is coloured by; nil when there is none for this unit.
        let value: Int64?
        /// `value` written for people (`1 250 000 ₸`, `12`).
        let figure: String
        let href: String
    }

    /// The `<svg>` element, ready to be placed with `{{{ }}}`: every text in it is escaped here.
    let svg: String
    /// Legend rows: `class` (c0…c4, cnone) and `range` (words).
    let legend: [[String: Any]]

    /// - Parameters:
    ///   - titleID: the id of the SVG's `<title>`, unique on the page.
    ///   - title: what the map shows (measure, place), read as the map's name.
    ///   - measureLabel: the measure in words, repeated in each unit's `<title>`.
    ///   - format: writes a value for the legend.
    ///   - noData: the legend's words for units without a figure.
    init(
        map: RegionMap, units: [String: Unit], titleID: String, title: String, measureLabel: String,
        format: (Int64) -> String, noData: String
    ) {
        let shown = map.shapes.compactMap { units[$0.kato]?.value }
        let choropleth = Choropleth(values: shown)
        var members: [Int: [Int64]] = [:]
        var hasNoData = false
        var svg = #"<svg xmlns="http://www.w3.org/2000/svg" viewBox="\#(map.viewBox)" role="group" aria-labelledby="\#(Self.escape(titleID))">"#
        svg += #"<title id="\#(Self.escape(titleID))">\#(Self.escape(title))</title>"#
        for shape in map.shapes {
            let unit = units[shape.kato]
            let cssClass: String
            if let value = unit?.value {
                let index = choropleth.classIndex(of: value)
                members[index, default: []].append(value)
                cssClass = "c\(index)"
            } else {
                hasNoData = true
                cssClass = "cnone"
            }
            let name = unit?.name ?? shape.kato
            let label = unit.map { "\(name) — \(measureLabel): \($0.figure)" } ?? "\(name) — \(noData)"
            let path = #"<path class="\#(cssClass)" d="\#(shape.d)"/>"#
            if let href = unit?.href {
                svg += #"<a href="\#(Self.escape(href))"><title>\#(Self.escape(label))</title>\#(path)</a>"#
            } else {
                svg += #"<g><title>\#(Self.escape(label))</title>\#(path)</g>"#
            }
        }
        svg += "</svg>"
        self.svg = svg
        var legend: [[String: Any]] = (0..<Choropleth.classCount).compactMap { index -> [String: Any]? in
            guard let values = members[index], let low = values.min(), let high = values.max() else { return nil }
            let range = low == high ? format(low) : "\(format(low)) – \(format(high))"
            return ["class": "c\(index)", "range": range]
        }
        if hasNoData { legend.append(["class": "cnone", "range": noData]) }
        self.legend = legend
    }

    /// Escapes text for an XML/HTML text node or a quoted attribute.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
