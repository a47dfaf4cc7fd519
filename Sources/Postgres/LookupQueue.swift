/// Lookups waiting for a pipeline, and how many runners take them; no I/O, so it can be tested alone.
///
/// A runner holds one pooled connection and sends every lookup waiting when it comes round as one
/// pipeline. Under load lookups gather while a pipeline is out, so each round trip carries many.
struct LookupQueue<Lookup> {
    let maxRunners: Int
    let maxBatch: Int
    private(set) var pending: [Lookup] = []
    private(set) var runners = 0
    /// Batches and lookups handed to runners so far: their ratio is the mean lookups per round trip.
    private(set) var batchesTaken = 0
    private(set) var lookupsTaken = 0
    /// Whether a sweep for lookups past their deadline is scheduled: one at most, while any wait.
    private(set) var sweepArmed = false

    init(maxRunners: Int, maxBatch: Int) {
        precondition(maxRunners > 0 && maxBatch > 0, "lookups need a runner and room in a batch")
        self.maxRunners = maxRunners
        self.maxBatch = maxBatch
    }

    /// Queues a lookup; true when the caller must start a runner, already counted.
    mutating func add(_ lookup: Lookup) -> Bool {
        pending.append(lookup)
        guard runners < maxRunners else { return false }
        runners += 1
        return true
    }

    /// The next batch, oldest first; empty when none wait, and then the runner is counted off.
    mutating func nextBatch() -> [Lookup] {
        guard !pending.isEmpty else {
            runners -= 1
            return []
        }
        let batch = Array(pending.prefix(maxBatch))
        pending.removeFirst(batch.count)
        batchesTaken += 1
        lookupsTaken += batch.count
        return batch
    }

    /// A runner stops early (its connection broke, or it makes way for other work); true when the
    /// caller must start another for the lookups still waiting, already counted.
    mutating func runnerStopped() -> Bool {
        guard pending.isEmpty else { return true }
        runners -= 1
        return false
    }

    /// A runner got no connection. The lookups waiting are returned to fail when no other runner
    /// is left to take them.
    mutating func runnerFailed() -> [Lookup] {
        runners -= 1
        guard runners == 0 else { return [] }
        defer { pending = [] }
        return pending
    }

    /// True when the caller must schedule a sweep, now counted as scheduled: none is, and lookups wait.
    mutating func armSweep() -> Bool {
        guard !sweepArmed, !pending.isEmpty else { return false }
        sweepArmed = true
        return true
    }

    /// A sweep ran: takes the waiting lookups `isExpired` picks, to fail them (those no runner took
    /// in time); `rearm` is true when lookups still wait and the caller must schedule the next sweep.
    mutating func sweep(where isExpired: (Lookup) -> Bool) -> (expired: [Lookup], rearm: Bool) {
        sweepArmed = false
        let expired = pending.filter(isExpired)
        if !expired.isEmpty { pending.removeAll(where: isExpired) }
        return (expired, armSweep())
    }
}

extension LookupQueue: Sendable where Lookup: Sendable {}
