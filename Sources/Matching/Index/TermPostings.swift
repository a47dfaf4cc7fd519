import Foundation

/// For every word prefix, the sponsors whose texts hold it and what finding it there is worth: a
/// project's text relevance to all sponsors is then a walk over its up to 16 terms' lists, instead
/// of a search through each nearby sponsor's texts (a fifth of a sponsor list's time, profiled).
/// Lists per region as well were measured no faster (`asar bench match`, in-process line).
struct TermPostings: Sendable {
    /// A slot, with the top bit set when the term is in a title. Four bytes, not a slot and a
    /// `Double` weight's sixteen: a question's walk reads a quarter of the memory.
    struct Posting: Sendable {
        private let bits: UInt32

        init(slot: Int32, inTitle: Bool) {
            bits = UInt32(slot) | (inTitle ? 1 << 31 : 0)
        }

        var slot: Int { Int(bits & 0x7FFF_FFFF) }

        /// What `TextWords.relevance(to:)` adds for the term: 1 in a title, 0.4 only in a body.
        var weight: Double { bits & (1 << 31) != 0 ? 1 : 0.4 }
    }

    private var postings: [UInt32: [Posting]] = [:]
    private let scratch = RelevanceScratch()

    /// Replaces what a slot's texts contributed; `previous` is what they were (nil for a new slot).
    mutating func replace(slot: Int32, previous: TextWords?, with words: TextWords?) {
        guard previous != words else { return }
        if let previous {
            for (term, _) in previous.weightedTerms {
                postings[term]?.removeAll { $0.slot == Int(slot) }
                if postings[term]?.isEmpty == true { postings[term] = nil }
            }
        }
        if let words {
            for (term, weight) in words.weightedTerms {
                postings[term, default: []].append(Posting(slot: slot, inTitle: weight == 1))
            }
        }
    }

    /// Calls `body` with each slot's `TextWords.relevance(to: signature)`, exactly: the same
    /// additions in the same order. `slots` bounds the slot numbers.
    func withRelevance<Result>(to signature: TextSignature, slots: Int, _ body: (_ relevance: Relevance) -> Result) -> Result {
        let lists = signature.terms.compactMap { postings[$0] }
        guard !lists.isEmpty else { return body(Relevance(sums: RelevanceSums(), termCount: 0)) }
        var sums = scratch.take(count: slots)
        sums.start()
        for list in lists {
            for posting in list { sums.add(posting.weight, at: posting.slot) }
        }
        let result = body(Relevance(sums: sums, termCount: signature.terms.count))
        scratch.give(sums)
        return result
    }
}

/// What a question's terms summed for each slot. A sum counts only when stamped with the current
/// question: starting a question is a counter step, not a walk over its lists again to zero them
/// (a sixth of a sponsor list's time, profiled).
struct RelevanceSums: Sendable {
    private var sums: [Double] = []
    private var stamps: [UInt32] = []
    private var current: UInt32 = 0

    init(count: Int = 0) {
        sums = [Double](repeating: 0, count: count)
        stamps = [UInt32](repeating: 0, count: count)
    }

    var count: Int { sums.count }

    mutating func start() {
        if current == .max {
            // Once in four billion questions, old stamps could pass for new ones.
            for index in stamps.indices { stamps[index] = 0 }
            current = 0
        }
        current += 1
    }

    @inline(__always)
    mutating func add(_ weight: Double, at slot: Int) {
        if stamps[slot] == current {
            sums[slot] += weight
        } else {
            // 0 + weight is weight exactly: the same sums a zeroed array would give.
            stamps[slot] = current
            sums[slot] = weight
        }
    }

    @inline(__always)
    func sum(at slot: Int) -> Double {
        slot < stamps.count && stamps[slot] == current ? sums[slot] : 0
    }
}

/// One question's text relevance of every slot.
struct Relevance {
    let sums: RelevanceSums
    let termCount: Int

    @inline(__always)
    func callAsFunction(_ slot: Int32) -> Double {
        let found = sums.sum(at: Int(slot))
        return found == 0 ? 0 : TextWords.squashed(found: found, of: termCount)
    }
}

/// Arrays of sums, one per concurrent question, kept between questions: allocating and zeroing
/// 800 KB for each would cost more than the sums. Sendable by its lock: `free` is read and written
/// only under it, and sums taken from it belong to one caller until given back, so copies of an
/// index may share one pool.
final class RelevanceScratch: @unchecked Sendable {
    private let lock = NSLock()
    private var free: [RelevanceSums] = []

    func take(count: Int) -> RelevanceSums {
        let sums = lock.withLock { free.popLast() }
        if let sums, sums.count >= count { return sums }
        return RelevanceSums(count: count)
    }

    func give(_ sums: RelevanceSums) {
        lock.withLock { free.append(sums) }
    }
}
