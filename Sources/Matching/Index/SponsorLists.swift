/// A business as a sponsor scan reads it. Copies sit in the list of every top-level region it
/// works in, of nationwide sponsors, and of all sponsors, so that a scan streams through one
/// contiguous array instead of jumping from a slot number to each candidate's record and its
/// districts (the jumps were most of a scan's time, profiled).
struct SponsorEntry: Sendable, Equatable {
    var id: UUIDKey
    var focus: FocusBits
    var regions: UInt64
    /// Budget not yet pledged, or -1 when none is declared.
    var amount: Int64
    /// The value of the track-record component.
    var track: Double
    /// A filter of its district codes (`DistrictFilter`): a bit not set proves a district absent; a set
    /// one is checked against the codes.
    var districts: UInt64
    var slot: Int32
    var nationwide: Bool
}

/// One bit of 64 for a district code: filters that rule out most comparisons in one AND.
enum DistrictFilter {
    static func bit(_ code: String) -> UInt64 {
        // The high bits of a multiplicative mix: FNV's low bits alone cluster for similar codes.
        1 << UInt64((TextWords.hash(code.unicodeScalars) &* 0x9E37_79B1) >> 26)
    }
}

/// The sponsors a scan may offer: active businesses with budget and a partnership slot left.
/// Every change is a removal and an append, so a list's order is arbitrary; scans break ties by id.
struct SponsorLists: Sendable {
    private var byRegion = [SlotList](repeating: SlotList(), count: 64)
    private(set) var nationwide = SlotList()
    private(set) var all = SlotList()

    func inRegion(_ bit: Int) -> [SponsorEntry] {
        byRegion[bit].entries
    }

    /// Takes the slot's entry out of the lists it is in, if any, then puts `entry` in (nil: a
    /// business that cannot sponsor now, or is gone).
    mutating func replace(slot: Int32, with entry: SponsorEntry?) {
        let previous = all.entry(of: slot)
        // Most changes to a business (its partnership counters) leave its entry as it was: copying
        // the lists of a snapshot for nothing would cost every batch of notifications.
        if previous == entry { return }
        if let previous {
            Self.forEachBit(of: previous.regions) { byRegion[$0].remove(slot) }
            if previous.nationwide { nationwide.remove(slot) }
            all.remove(slot)
        }
        if let entry {
            Self.forEachBit(of: entry.regions) { byRegion[$0].append(entry) }
            if entry.nationwide { nationwide.append(entry) }
            all.append(entry)
        }
    }

    /// Static: the closures passed mutate the lists, which a method of the value may not overlap.
    private static func forEachBit(of bits: UInt64, _ body: (Int) -> Void) {
        var remaining = bits
        while remaining != 0 {
            body(remaining.trailingZeroBitCount)
            remaining &= remaining - 1
        }
    }
}

/// Entries with a position per slot, so one is found and removed without a search.
struct SlotList: Sendable {
    private(set) var entries: [SponsorEntry] = []
    private var positions: [Int32: Int32] = [:]

    func entry(of slot: Int32) -> SponsorEntry? {
        positions[slot].map { entries[Int($0)] }
    }

    mutating func append(_ entry: SponsorEntry) {
        positions[entry.slot] = Int32(entries.count)
        entries.append(entry)
    }

    mutating func remove(_ slot: Int32) {
        guard let position = positions.removeValue(forKey: slot).map(Int.init) else { return }
        let last = entries.removeLast()
        if position < entries.count {
            entries[position] = last
            positions[last.slot] = Int32(position)
        }
    }
}
