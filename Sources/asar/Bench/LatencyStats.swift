/// Percentiles of a sample of latencies in milliseconds.
struct LatencyStats {
    let count: Int
    let p50: Double
    let p95: Double
    let p99: Double
    let mean: Double

    init(_ samples: [Double]) {
        let sorted = samples.sorted()
        count = sorted.count
        func percentile(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return .nan }
            // Nearest rank: the smallest value with at least p of the sample at or below it.
            let rank = Int((p * Double(sorted.count)).rounded(.up))
            return sorted[min(sorted.count - 1, max(0, rank - 1))]
        }
        p50 = percentile(0.50)
        p95 = percentile(0.95)
        p99 = percentile(0.99)
        mean = sorted.isEmpty ? .nan : sorted.reduce(0, +) / Double(sorted.count)
    }
}

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1_000 + Double(duration.components.attoseconds) / 1e15
}

func formatted(_ value: Double, width: Int = 8) -> String {
    let text = value.isNaN ? "-" : String(format: "%.2f", value)
    return String(repeating: " ", count: max(0, width - text.count)) + text
}
