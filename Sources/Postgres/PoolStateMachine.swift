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
    private var waiters: [(id: Int, waiter: Waiter)] = []
    private var nextWaiterID = 0
    private(set) var isClosed = false

    init(capacity: Int) {
        precondition(capacity > 0, "a pool needs room for one connection")
        self.capacity = capacity
    }

    var waitingCount: Int { waiters.count }
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
        waiters.append((id, waiter))
        return .wait(id: id)
    }

    /// A leased resource comes back; `healthy` false drops it and frees its slot.
    mutating func giveBack(_ resource: Resource, healthy: Bool) -> ReturnAction {
        if !healthy || isClosed {
            openCount -= 1
            return slotFreed()
        }
        if !waiters.isEmpty {
            return .hand(resource, to: waiters.removeFirst().waiter)
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
    mutating func cancelWaiter(id: Int) -> Waiter? {
        guard let position = waiters.firstIndex(where: { $0.id == id }) else { return nil }
        return waiters.remove(at: position).waiter
    }

    /// Closes the pool: returns the idle resources to close and the waiters to fail.
    mutating func close() -> (idle: [Resource], waiters: [Waiter]) {
        isClosed = true
        let closing = (idle, waiters.map(\.waiter))
        openCount -= idle.count
        idle = []
        waiters = []
        return closing
    }

    private mutating func slotFreed() -> ReturnAction {
        guard !isClosed, !waiters.isEmpty else { return .none }
        openCount += 1
        return .openFor(waiters.removeFirst().waiter)
    }
}
extension PoolStateMachine: Sendable where Resource: Sendable, Waiter: Sendable {}
