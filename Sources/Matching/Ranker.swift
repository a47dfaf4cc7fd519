/// Diversifies the top of a list with maximal marginal relevance (MMR).
public struct Diversity: Sendable, Equatable {
    /// Weight of the score against novelty; 1 switches diversification off.
    public var lambda: Double
    /// How far down the list a diversified pick may come from, as a multiple of the limit.
    public var poolFactor: Int

    public init(lambda: Double = 0.8, poolFactor: Int = 3) {
        self.lambda = lambda
        self.poolFactor = poolFactor
    }

    public static let off = Diversity(lambda: 1)
}

/// Orders scored candidates: vetoed ones out, best first, ties by id, then MMR over focus areas.
public enum Ranker {
    public struct Candidate<Item: Sendable>: Sendable {
        public let match: Match
        public let focusAreas: Set<String>
        public let item: Item

        public init(match: Match, focusAreas: Set<String>, item: Item) {
            self.match = match
            self.focusAreas = focusAreas
            self.item = item
        }
    }

    /// How many of the best candidates `rank` considers: all it returns, or with diversification
    /// the pool it picks from.
    public static func poolSize(limit: Int, diversity: Diversity) -> Int {
        guard diversity.lambda < 1, limit > 1 else { return limit }
        return limit * max(1, diversity.poolFactor)
    }

    public static func rank<Item>(_ candidates: [Candidate<Item>], limit: Int, diversity: Diversity) -> [Candidate<Item>] {
        // Positions are sorted, not candidates: a candidate carries its explanation and item, and
        // moving those through a sort's swaps cost more than the comparisons (profiled).
        let scores = candidates.map { $0.match.isVetoed ? 0 : $0.match.score }
        let order = candidates.indices
            .filter { scores[$0] > 0 }
            .sorted { a, b in
                scores[a] != scores[b] ? scores[a] > scores[b] : candidates[a].match.candidateID < candidates[b].match.candidateID
            }
        guard diversity.lambda < 1, limit > 1 else { return order.prefix(limit).map { candidates[$0] } }
        // Positions again: picking moves no candidate, only marks its position taken.
        let pool = Array(order.prefix(poolSize(limit: limit, diversity: diversity)))
        // Focus areas as bits, so each similarity is two popcounts instead of set operations.
        var bitOfArea: [String: Int] = [:]
        for position in pool {
            for area in candidates[position].focusAreas where bitOfArea[area] == nil {
                bitOfArea[area] = bitOfArea.count
            }
        }
        let words = max(1, (bitOfArea.count + 63) / 64)
        let masks = pool.map { position in
            candidates[position].focusAreas.reduce(into: [UInt64](repeating: 0, count: words)) { mask, area in
                let bit = bitOfArea[area] ?? 0
                mask[bit / 64] |= 1 << UInt64(bit % 64)
            }
        }
        var picked: [Int] = []
        var taken = [Bool](repeating: false, count: pool.count)
        // Each candidate's greatest similarity to anything picked so far, updated with each pick
        // rather than recomputed over all picks.
        var redundancy = [Double](repeating: 0, count: pool.count)
        while picked.count < min(limit, pool.count) {
            var best = -1
            var bestValue = -Double.infinity
            for index in pool.indices where !taken[index] {
                let value = diversity.lambda * scores[pool[index]] - (1 - diversity.lambda) * redundancy[index]
                // Strictly greater keeps the earlier (better scored, lower id) candidate on ties.
                if value > bestValue {
                    bestValue = value
                    best = index
                }
            }
            guard best >= 0 else { break }
            taken[best] = true
            picked.append(pool[best])
            for index in pool.indices where !taken[index] {
                redundancy[index] = max(redundancy[index], similarity(masks[best], masks[index]))
            }
        }
        return picked.map { candidates[$0] }
    }

    /// Jaccard similarity of two focus-area bit sets.
    static func similarity(_ a: [UInt64], _ b: [UInt64]) -> Double {
        var shared = 0
        var either = 0
        for index in 0..<max(a.count, b.count) {
            let left = index < a.count ? a[index] : 0
            let right = index < b.count ? b[index] : 0
            shared += (left & right).nonzeroBitCount
            either += (left | right).nonzeroBitCount
        }
        return either == 0 ? 0 : Double(shared) / Double(either)
    }
}
