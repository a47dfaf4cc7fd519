/// The bookkeeping of a bounded connection pool, without I/O, so it can be tested on its own.
///
/// `Resource` is the pooled thing (a connection) and `Waiter` whatever resumes a waiting task.
struct PoolStateMachine<Resource, Waiter> {
    enum LeaseAction {
        /// Use this idle resource.
        case use(Resource)
        /// Open a new resource; the slot is already counted.
        case open
        /// Wait; the waiter is queued under this id.
        case wait(id: Int)
        /// The pool is closed.
        case fail
    }

    enum ReturnAction {
        case none
        /// Hand the resource straight to a waiting task.
        case hand(Resource, to: Waiter)
        /// A slot came free while tasks wait: open a new resource for this one.
        case openFor(Waiter)
    }

    let capacity: Int
    private(set) var idle: [Resource] = []
    private(set) var openCount = 0
    /// Waiting tasks by id, so one that gives up leaves in O(1)...
    private var waiters: [Int: Waiter] = [:]
    /// ...and their ids in arrival order, for fairness. A removed waiter's id stays here until it
    /// reaches the front or a compaction drops it; an id not in `waiters` is skipped.
    private var queue: [Int] = []
    private var queueHead = 0
    private var nextWaiterID = 0
    private(set) var isClosed = false

    init(capacity: Int) {
        precondition(capacity > 0, "a pool needs room for one connection")
        self.capacity = capacity
    }

    var waitingCount: Int { waiters.count }
    /// Queue entries held, live or removed; bounded by a constant factor of the waiters (tests).
    var queueStorageCount: Int { queue.count - queueHead }
    var leasedCount: Int { openCount - idle.count }

    mutating func lease(waiter: Waiter) -> LeaseAction {
        if isClosed { return .fail }
        if let resource = idle.popLast() { return .use(resource) }
        if openCount < capacity {
            openCount += 1
            return .open
        }
        let id = nextWaiterID
        nextWaiterID += 1
        waiters[id] = waiter
        queue.append(id)
        return .wait(id: id)
    }

    /// A leased resource comes back; `healthy` false drops it and frees its slot.
    mutating func giveBack(_ resource: Resource, healthy: Bool) -> ReturnAction {
        if !healthy || isClosed {
            openCount -= 1
            return slotFreed()
        }
        if let waiter = popOldestWaiter() {
            return .hand(resource, to: waiter)
        }
        idle.append(resource)
        return .none
    }

    /// A leased resource turned out dead before use. The same lease goes on with an idle resource
    /// if there is one (the dead one's slot is freed), else opens a new one in the dead one's slot,
    /// so it keeps its place ahead of the waiters.
    mutating func replaceDead() -> LeaseAction {
        if isClosed {
            openCount -= 1
            return .fail
        }
        if let resource = idle.popLast() {
            openCount -= 1
            return .use(resource)
        }
        return .open
    }

    /// Opening a resource failed: its counted slot is released.
    mutating func openFailed() -> ReturnAction {
        openCount -= 1
        return slotFreed()
    }

    /// Removes a waiter that gave up (timeout or cancellation); nil when it was already served.
    /// O(1), amortized over the compactions it may trigger.
    mutating func cancelWaiter(id: Int) -> Waiter? {
        guard let waiter = waiters.removeValue(forKey: id) else { return nil }
        if waiters.isEmpty {
            queue.removeAll(keepingCapacity: true)
            queueHead = 0
        } else if queueStorageCount > 2 * waiters.count + 16 {
            // Mostly removed ids: rebuilding costs what those removals saved, so it stays O(1) each.
            queue = queue[queueHead...].filter { waiters[$0] != nil }
            queueHead = 0
        }
        return waiter
    }

    /// Closes the pool: returns the idle resources to close and the waiters to fail, oldest first.
    mutating func close() -> (idle: [Resource], waiters: [Waiter]) {
        isClosed = true
        let closing = (idle, queue[queueHead...].compactMap { waiters[$0] })
        openCount -= idle.count
        idle = []
        waiters = [:]
        queue = []
        queueHead = 0
        return closing
    }

    private mutating func slotFreed() -> ReturnAction {
        guard !isClosed, let waiter = popOldestWaiter() else { return .none }
        openCount += 1
        return .openFor(waiter)
    }

    private mutating func popOldestWaiter() -> Waiter? {
        while queueHead < queue.count {
            let id = queue[queueHead]
            queueHead += 1
            if let waiter = waiters.removeValue(forKey: id) {
                if waiters.isEmpty {
                    queue.removeAll(keepingCapacity: true)
                    queueHead = 0
                } else if queueHead > 64 && queueHead * 2 > queue.count {
                    queue.removeFirst(queueHead)
                    queueHead = 0
                }
                return waiter
            }
        }
        queue.removeAll(keepingCapacity: true)
        queueHead = 0
        return nil
    }
}
extension PoolStateMachine: Sendable where Resource: Sendable, Waiter: Sendable {}
