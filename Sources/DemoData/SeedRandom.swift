import Domain
import Postgres
import Matching
import Storage
import Foundation

/// SplitMix64 with the draws seed data needs.
///
/// Seed data must come out the same on every machine and Swift release, so every draw is
/// defined here rather than through the standard library's `random(in:using:)`, whose
/// algorithm is not part of its contract.
public struct SeedRandom {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    /// An independent generator for row `index` of `stream`, so any row can be rebuilt on its own.
    init(seed: UInt64, stream: UInt64, index: Int) {
        let streamSeed = Self.mix(seed &+ stream &* 0x9E37_79B9_7F4A_7C15)
        state = Self.mix(streamSeed ^ UInt64(truncatingIfNeeded: index))
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// A number in `0..<bound`; the modulo bias is below 2^-40 for the small bounds used here.
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "an empty range has nothing to draw")
        return Int(next() % UInt64(bound))
    }

    mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.count)
    }

    /// A number in [0, 1).
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    mutating func chance(_ probability: Double) -> Bool {
        unit() < probability
    }

    mutating func pick<Element>(_ items: [Element]) -> Element {
        items[below(items.count)]
    }

    /// One of `choices`, each as likely as its weight.
    mutating func weighted<Element>(_ choices: [(Element, weight: Int)]) -> Element {
        var remaining = below(choices.reduce(0) { $0 + $1.weight })
        for (element, weight) in choices {
            if remaining < weight { return element }
            remaining -= weight
        }
        preconditionFailure("the draw is below the total weight")
    }

    /// `count` distinct items of `items`, in the order they appear there.
    mutating func sample<Element>(_ count: Int, from items: [Element]) -> [Element] {
        var indices = Array(items.indices)
        let taken = min(count, indices.count)
        for position in 0..<taken {
            indices.swapAt(position, position + below(indices.count - position))
        }
        return indices.prefix(taken).sorted().map { items[$0] }
    }

    mutating func shuffle<Element>(_ items: inout [Element]) {
        guard items.count > 1 else { return }
        for position in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(position, below(position + 1))
        }
    }

    /// A value spread evenly on a log scale, so small and large amounts are both common.
    mutating func logSpread(_ range: ClosedRange<Int64>, roundedTo step: Int64 = 1) -> Int64 {
        let low = log(Double(range.lowerBound))
        let high = log(Double(range.upperBound))
        let value = Int64(exp(low + unit() * (high - low)))
        let rounded = (value / step) * step
        return min(max(rounded, range.lowerBound), range.upperBound)
    }

    /// A random (version 4) UUID drawn from this generator.
    mutating func uuid() -> UUID {
        var bytes = [UInt8]()
        bytes.reserveCapacity(16)
        for word in [next(), next()] {
            for shift in stride(from: 56, through: 0, by: -8) {
                bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift)))
            }
        }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        return UUID(uuid: (
            bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
            bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
        ))
    }

    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
