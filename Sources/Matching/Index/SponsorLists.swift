import Domain

/// A business as a sponsor scan reads it. Copies sit in the list of every top-level region it
/// works in, of nationwide sponsors, and of all sponsors, so that a scan streams through one
/// contiguous array instead of jumping from a slot number to each candidate's record and its
/// districts (the jumps were most of a scan's time, profiled).
struct SponsorEntry: SlotListed {
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
    private var byRegion = [SlotList<SponsorEntry>](repeating: SlotList(), count: 64)
    private(set) var nationwide = SlotList<SponsorEntry>()
    private(set) var all = SlotList<SponsorEntry>()

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

/// What a `SlotList` holds: a copy of what a scan reads of one organization, by its slot.
protocol SlotListed: Sendable, Equatable {
    var slot: Int32 { get }
}

/// Entries with a position per slot, so one is found and removed without a search.
struct SlotList<Entry: SlotListed>: Sendable {
    private(set) var entries: [Entry] = []
    private var positions: [Int32: Int32] = [:]

    func entry(of slot: Int32) -> Entry? {
        positions[slot].map { entries[Int($0)] }
    }

    mutating func append(_ entry: Entry) {
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

/// A government body as a government scan reads it: in the list of the top-level region of its
/// jurisdiction, or in the national list. Its jurisdiction is a number, so whether it covers a
/// project's place is a division rather than a string comparison. Codes are nine digits (the
/// database and the reference check hold them so); a body or place with any other code is in no list.
struct GovernmentEntry: SlotListed {
    var id: UUIDKey
    var focus: FocusBits
    /// The jurisdiction's significant prefix (`KATO.prefix`) as a number, and the power of ten that
    /// cuts a code to it; 0 and 1 for a national body.
    var prefix: UInt32
    var divisor: UInt32
    /// The geography points of the estimate: a district or city body knows a project better than a region's.
    var closeness: Double
    var slot: Int32

    init?(id: UUIDKey, focus: FocusBits, jurisdiction: String?, national: Bool, slot: Int32) {
        self.id = id
        self.focus = focus
        self.slot = slot
        if national {
            prefix = 0
            divisor = 1
            closeness = 1
            return
        }
        guard let jurisdiction, let code = Self.code(jurisdiction) else { return nil }
        divisor = (KATO.prefix(jurisdiction).count..<9).reduce(1) { power, _ in power * 10 }
        prefix = code / divisor
        closeness = KATO.level(jurisdiction) >= 2 ? 3 : 2
    }

    /// A nine-digit KATO code as a number; nil for anything else.
    static func code(_ place: String) -> UInt32? {
        guard place.utf8.count == 9, place.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
        return UInt32(place)
    }

    /// True when the jurisdiction is or contains a place (as `KATO.covers`).
    func covers(_ place: UInt32) -> Bool {
        place / divisor == prefix
    }
}

/// Active government bodies by the top-level region of their jurisdiction, and the national ones.
struct GovernmentLists: Sendable {
    private var byRegion = [SlotList<GovernmentEntry>](repeating: SlotList(), count: 64)
    private(set) var national = SlotList<GovernmentEntry>()
    /// Where each listed slot is: its region bit, or -1 for the national list.
    private var placeOf: [Int32: Int] = [:]

    func inRegion(_ bit: Int) -> [GovernmentEntry] {
        byRegion[bit].entries
    }

    /// Takes the slot out of its list, if any, then puts `entry` in the list of `regionBit` (nil:
    /// national). A nil entry: a body inactive now, without a jurisdiction, or gone.
    mutating func replace(slot: Int32, with entry: GovernmentEntry?, regionBit: Int?) {
        // Most changes to a body (its partnership counters) leave its entry as it was: copying the
        // lists of a snapshot for nothing would cost every batch of notifications.
        if let place = placeOf[slot], place == (regionBit ?? -1),
           (place < 0 ? national.entry(of: slot) : byRegion[place].entry(of: slot)) == entry {
            return
        }
        if let place = placeOf.removeValue(forKey: slot) {
            if place < 0 { national.remove(slot) } else { byRegion[place].remove(slot) }
        }
        guard let entry else { return }
        if let regionBit {
            byRegion[regionBit].append(entry)
            placeOf[slot] = regionBit
        } else {
            national.append(entry)
            placeOf[slot] = -1
        }
    }
}
