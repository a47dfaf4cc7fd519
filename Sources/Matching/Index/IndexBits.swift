import Domain

/// A set of up to 128 focus areas as bits: what two profiles share is two ANDs and popcounts.
struct FocusBits: Sendable, Equatable {
    var low: UInt64 = 0
    var high: UInt64 = 0

    var isEmpty: Bool { low == 0 && high == 0 }

    func sharedCount(with other: FocusBits) -> Int {
        (low & other.low).nonzeroBitCount + (high & other.high).nonzeroBitCount
    }

    /// The bit numbers set, lowest first.
    var bits: [Int] {
        var result: [Int] = []
        var word = low
        while word != 0 {
            result.append(word.trailingZeroBitCount)
            word &= word - 1
        }
        word = high
        while word != 0 {
            result.append(64 + word.trailingZeroBitCount)
            word &= word - 1
        }
        return result
    }

    func union(_ other: FocusBits) -> FocusBits {
        FocusBits(low: low | other.low, high: high | other.high)
    }

    func subtracting(_ other: FocusBits) -> FocusBits {
        FocusBits(low: low & ~other.low, high: high & ~other.high)
    }

    mutating func insert(bit: Int) {
        if bit < 64 { low |= 1 << UInt64(bit) } else { high |= 1 << UInt64(bit - 64) }
    }
}

/// For each top-level region bit, the slots whose record has it: a question about a place reads
/// the records working there first, and the rest only when they could still make the list.
/// Slots are appended when a record gains a bit and never removed; a scan checks the record's
/// current bits, so an entry left behind by a change or a removal is skipped, never counted twice.
struct RegionPostings: Sendable {
    private var slots = [[Int32]](repeating: [], count: 64)

    /// A new slot is in no list yet; a changed one may still be in the list of a bit it lost and regained.
    mutating func add(_ slot: Int32, gained: UInt64, isNew: Bool) {
        var bits = gained
        while bits != 0 {
            let bit = bits.trailingZeroBitCount
            bits &= bits - 1
            if isNew || !slots[bit].contains(slot) { slots[bit].append(slot) }
        }
    }

    func slots(of bit: Int) -> [Int32] {
        slots[bit]
    }
}

/// Bit numbers for focus areas and top-level regions, handed out as they are first seen. Past the
/// last bit, areas or regions share it: bits only choose which candidates get scored in full, and
/// the full score reads the profiles themselves, so a shared bit costs precision, never a wrong score.
struct IndexVocabulary: Sendable {
    private var focus: [String: Int] = [:]
    private var regions: [String: Int] = [:]

    mutating func focusBits(_ areas: some Sequence<String>) -> FocusBits {
        var bits = FocusBits()
        for area in areas {
            let bit = focus[area] ?? {
                let next = min(focus.count, 127)
                focus[area] = next
                return next
            }()
            bits.insert(bit: bit)
        }
        return bits
    }

    /// The top-level units the codes lie in.
    mutating func regionBits(_ codes: some Sequence<String>) -> UInt64 {
        var bits: UInt64 = 0
        for code in codes {
            let top = KATO.topLevel(code)
            let bit = regions[top] ?? {
                let next = min(regions.count, 63)
                regions[top] = next
                return next
            }()
            bits |= 1 << UInt64(bit)
        }
        return bits
    }

    /// Bits of areas already known; an area nobody has is in no profile, so it needs no bit.
    func knownFocusBits(_ areas: some Sequence<String>) -> FocusBits {
        var bits = FocusBits()
        for area in areas {
            if let bit = focus[area] { bits.insert(bit: bit) }
        }
        return bits
    }

    /// True while no two areas and no two regions share a bit.
    var givesEveryValueABit: Bool {
        focus.count <= 128 && regions.count <= 64
    }

    func knownRegionBits(_ codes: some Sequence<String>) -> UInt64 {
        codes.reduce(0) { bits, code in
            regions[KATO.topLevel(code)].map { bits | 1 << UInt64($0) } ?? bits
        }
    }
}

/// The best `capacity` of a stream of scored slots, highest score first, ties by id: a min-heap, so
/// picking the top 100 of 50,000 costs 50,000 comparisons with the weakest kept, not a full sort.
struct TopSlots {
    struct Entry {
        let score: Double
        let id: UUIDKey
        let slot: Int32
    }

    let capacity: Int
    private(set) var heap: [Entry] = []

    init(capacity: Int) {
        self.capacity = max(0, capacity)
        heap.reserveCapacity(self.capacity)
    }

    /// Better means a higher score, or the same score and a smaller id.
    private static func better(_ a: Entry, _ b: Entry) -> Bool {
        a.score != b.score ? a.score > b.score : a.id < b.id
    }

    mutating func offer(score: Double, id: UUIDKey, slot: Int32) {
        guard capacity > 0 else { return }
        let entry = Entry(score: score, id: id, slot: slot)
        if heap.count < capacity {
            heap.append(entry)
            siftUp(heap.count - 1)
        } else if Self.better(entry, heap[0]) {
            heap[0] = entry
            siftDown(0)
        }
    }

    var isFull: Bool { heap.count >= capacity }

    /// The score a candidate needs to make it in once the list is full (ties go by id).
    var threshold: Double? { heap.count < capacity ? nil : heap[0].score }

    /// Would a candidate with this score make it in? Lets a scan skip the rest of the work on it.
    func admits(score: Double) -> Bool {
        heap.count < capacity || score >= heap[0].score
    }

    func sorted() -> [Entry] {
        heap.sorted(by: Self.better)
    }

    // The root is the worst kept entry.
    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.better(heap[parent], heap[child]) else { return }
            heap.swapAt(parent, child)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            var worst = left
            if left + 1 < heap.count, Self.better(heap[left], heap[left + 1]) { worst = left + 1 }
            guard Self.better(heap[parent], heap[worst]) else { return }
            heap.swapAt(parent, worst)
            parent = worst
        }
    }
}
