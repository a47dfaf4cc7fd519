/// Five classes by quantiles, for colouring a map by a figure. The page picks the colours, shows
/// a legend from `upperBounds` and the same figures in a table.
public struct Choropleth: Sendable, Equatable {
    public static let classCount = 5

    /// The largest value of each class, lowest class first; class i holds values above
    /// `upperBounds[i - 1]` up to `upperBounds[i]`. Tied values may leave a class empty
    /// (its bound equals the one before).
    public let upperBounds: [Int64]

    /// Classes of `values` (one figure per region; any order).
    public init(values: some Collection<Int64>) {
        let sorted = values.sorted()
        guard let largest = sorted.last else {
            upperBounds = Array(repeating: 0, count: Self.classCount)
            return
        }
        upperBounds = (1...Self.classCount).map { k in
            // The value at quantile k/5 (nearest rank), the last class ending at the maximum.
            k == Self.classCount ? largest : sorted[max(0, (sorted.count * k + Self.classCount - 1) / Self.classCount - 1)]
        }
    }

    /// 0 (lowest) to 4 (highest).
    public func classIndex(of value: Int64) -> Int {
        upperBounds.firstIndex { value <= $0 } ?? Self.classCount - 1
    }

    /// The class of each code in `values`.
    public static func classes(_ values: [String: Int64]) -> [String: Int] {
        let choropleth = Choropleth(values: values.values)
        return values.mapValues(choropleth.classIndex)
    }
}
