import Foundation

/// For every word prefix, the sponsors whose texts hold it and what finding it there is worth: a
/// project's text relevance to all sponsors is then a walk over its up to 16 terms' lists, instead
/// of a search through each nearby sponsor's texts (a fifth of a sponsor list's time, profiled).
/// Lists per region as well were measured no faster (`asar bench match`, in-process line).
struct TermPostings: Sendable {
    struct Posting: Sendable {
        let slot: Int32
        /// What `TextWords.relevance(to:)` adds for the term: 1 in a title, 0.4 only in a body.
        let weight: Double
    }

    private var postings: [UInt32: [Posting]] = [:]
    private let scratch = RelevanceScratch()

    /// Replaces what a slot's texts contributed; `previous` is what they were (nil for a new slot).
    mutating func replace(slot: Int32, previous: TextWords?, with words: TextWords?) {
        guard previous != words else { return }
        if let previous {
            for (term, _) in previous.weightedTerms {
                postings[term]?.removeAll { $0.slot == slot }
                if postings[term]?.isEmpty == true { postings[term] = nil }
            }
        }
        if let words {
            for (term, weight) in words.weightedTerms {
                postings[term, default: []].append(Posting(slot: slot, weight: weight))
            }
        }
    }

    /// Calls `body` with a function giving each slot's `TextWords.relevance(to: signature)`,
    /// exactly: the same additions in the same order. `slots` bounds the slot numbers.
    func withRelevance<Result>(to signature: TextSignature, slots: Int, _ body: (_ relevance: (Int32) -> Double) -> Result) -> Result {
        let lists = signature.terms.compactMap { postings[$0] }
        guard !lists.isEmpty else { return body { _ in 0 } }
        return scratch.withSums(count: slots) { found in
            for list in lists {
                for posting in list { found[Int(posting.slot)] += posting.weight }
            }
            let count = signature.terms.count
            let result = body { slot in
                let sum = found[Int(slot)]
                return sum == 0 ? 0 : TextWords.squashed(found: sum, of: count)
            }
            for list in lists {
                for posting in list { found[Int(posting.slot)] = 0 }
            }
            return result
        }
    }
}

/// Zeroed arrays of sums, one per concurrent question, kept between questions: allocating and
/// zeroing 800 KB for each would cost more than the sums. Every user leaves its array zeroed.
/// Sendable by its lock: `free` is read and written only under it, and an array taken from it
/// belongs to one caller until it is put back, so copies of an index may share one pool.
final class RelevanceScratch: @unchecked Sendable {
    private let lock = NSLock()
    private var free: [[Double]] = []

    func withSums<Result>(count: Int, _ body: (inout [Double]) -> Result) -> Result {
        var sums = lock.withLock { free.popLast() } ?? []
        if sums.count < count { sums = [Double](repeating: 0, count: count) }
        let result = body(&sums)
        lock.withLock { free.append(sums) }
        return result
    }
}
