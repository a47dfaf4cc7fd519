import Testing
@testable import Postgres

@Suite struct PoolStateMachineTests {
    typealias Machine = PoolStateMachine<String, String>

    @Test func opensUpToCapacityThenQueues() {
        var machine = Machine(capacity: 2)
        guard case .open = machine.lease(waiter: "a") else { Issue.record("first lease should open"); return }
        guard case .open = machine.lease(waiter: "b") else { Issue.record("second lease should open"); return }
        guard case .wait = machine.lease(waiter: "c") else { Issue.record("third lease should wait"); return }
        #expect(machine.openCount == 2)
        #expect(machine.waitingCount == 1)
    }

    @Test func returnedResourceGoesToTheOldestWaiter() {
        var machine = Machine(capacity: 1)
        _ = machine.lease(waiter: "a")
        _ = machine.lease(waiter: "b")
        _ = machine.lease(waiter: "c")
        guard case .hand(let resource, let waiter) = machine.giveBack("conn", healthy: true) else {
            Issue.record("a waiter should get the connection"); return
        }
        #expect(resource == "conn")
        #expect(waiter == "b")
    }

    @Test func brokenResourceFreesItsSlotForAWaiter() {
        var machine = Machine(capacity: 1)
        _ = machine.lease(waiter: "a")
        _ = machine.lease(waiter: "b")
        guard case .openFor(let waiter) = machine.giveBack("broken", healthy: false) else {
            Issue.record("a new connection should be opened for the waiter"); return
        }
        #expect(waiter == "b")
        #expect(machine.openCount == 1)
        #expect(machine.idle.isEmpty)
    }

    @Test func deadResourceIsReplacedByAnIdleOneOrInItsOwnSlot() {
        var machine = Machine(capacity: 3)
        _ = machine.lease(waiter: "a")
        _ = machine.lease(waiter: "b")
        _ = machine.giveBack("idle", healthy: true)
        guard case .use(let resource) = machine.replaceDead() else { Issue.record("the idle connection should be used"); return }
        #expect(resource == "idle")
        #expect(machine.openCount == 1, "the dead connection's slot is freed")
        guard case .open = machine.replaceDead() else { Issue.record("with none idle, open in the dead one's slot"); return }
        #expect(machine.openCount == 1)
    }

    @Test func idleResourceIsReused() {
        var machine = Machine(capacity: 1)
        _ = machine.lease(waiter: "a")
        guard case .none = machine.giveBack("conn", healthy: true) else { Issue.record("nobody waits"); return }
        guard case .use(let resource) = machine.lease(waiter: "b") else { Issue.record("idle should be reused"); return }
        #expect(resource == "conn")
    }

    @Test func failedOpenReleasesTheSlot() {
        var machine = Machine(capacity: 1)
        _ = machine.lease(waiter: "a")
        guard case .none = machine.openFailed() else { Issue.record("nobody waits"); return }
        #expect(machine.openCount == 0)
        guard case .open = machine.lease(waiter: "b") else { Issue.record("slot should be free again"); return }
    }

    @Test func cancelledWaiterIsNotServed() {
        var machine = Machine(capacity: 1)
        _ = machine.lease(waiter: "a")
        guard case .wait(let id) = machine.lease(waiter: "b") else { Issue.record("should wait"); return }
        #expect(machine.cancelWaiter(id: id) == "b")
        #expect(machine.cancelWaiter(id: id) == nil)
        guard case .none = machine.giveBack("conn", healthy: true) else { Issue.record("no waiter remains"); return }
    }

    @Test func closedPoolRefusesLeasesAndDropsReturns() {
        var machine = Machine(capacity: 2)
        _ = machine.lease(waiter: "a")
        _ = machine.lease(waiter: "b")
        _ = machine.giveBack("idle", healthy: true)
        let closing = machine.close()
        #expect(closing.idle == ["idle"])
        guard case .fail = machine.lease(waiter: "c") else { Issue.record("closed pool must refuse"); return }
        _ = machine.giveBack("late", healthy: true)
        #expect(machine.openCount == 0)
    }
}

@Suite struct PoolStateMachineWaiterTests {
    typealias Machine = PoolStateMachine<String, String>

    @Test func cancelledWaitersAreSkippedAndTheRestKeepTheirOrder() {
        var machine = Machine(capacity: 1)
        _ = machine.lease(waiter: "a")
        var ids: [String: Int] = [:]
        for name in ["b", "c", "d", "e"] {
            guard case .wait(let id) = machine.lease(waiter: name) else { Issue.record("\(name) should wait"); return }
            ids[name] = id
        }
        #expect(machine.cancelWaiter(id: ids["c"]!) == "c")
        #expect(machine.cancelWaiter(id: ids["e"]!) == "e")
        #expect(machine.waitingCount == 2)
        var served: [String] = []
        while case .hand(_, let waiter) = machine.giveBack("conn", healthy: true) {
            served.append(waiter)
        }
        #expect(served == ["b", "d"])
        #expect(machine.waitingCount == 0)
        #expect(machine.idle == ["conn"])
    }

    @Test func aFreedSlotGoesToTheOldestWaiterStillWaiting() {
        var machine = Machine(capacity: 1)
        _ = machine.lease(waiter: "a")
        guard case .wait(let first) = machine.lease(waiter: "b") else { Issue.record("should wait"); return }
        _ = machine.lease(waiter: "c")
        _ = machine.cancelWaiter(id: first)
        guard case .openFor(let waiter) = machine.openFailed() else { Issue.record("c should get the slot"); return }
        #expect(waiter == "c")
    }

    @Test func closeFailsOnlyTheWaitersStillWaitingOldestFirst() {
        var machine = Machine(capacity: 1)
        _ = machine.lease(waiter: "a")
        var ids: [Int] = []
        for name in ["b", "c", "d"] {
            guard case .wait(let id) = machine.lease(waiter: name) else { Issue.record("should wait"); return }
            ids.append(id)
        }
        _ = machine.cancelWaiter(id: ids[1])
        #expect(machine.close().waiters == ["b", "d"])
        #expect(machine.waitingCount == 0)
    }

    @Test func cancelledWaitersLeaveNoStorageBehind() {
        var machine = Machine(capacity: 1)
        _ = machine.lease(waiter: "holder")
        _ = machine.lease(waiter: "patient")
        // A long stretch of waiters giving up while nothing comes back to the pool.
        for _ in 0..<10_000 {
            guard case .wait(let id) = machine.lease(waiter: "impatient") else { Issue.record("should wait"); return }
            #expect(machine.cancelWaiter(id: id) == "impatient")
        }
        #expect(machine.waitingCount == 1)
        #expect(machine.queueStorageCount <= 2 * 1 + 17)
        guard case .hand(_, let waiter) = machine.giveBack("conn", healthy: true) else { Issue.record("patient waits"); return }
        #expect(waiter == "patient")
        #expect(machine.queueStorageCount == 0)
    }

    @Test func cancellingManyWaitersTakesConstantTimeEach() {
        // A linear search per cancellation makes this about 10^9 steps (minutes); constant time
        // makes it 10^5 (milliseconds), so the bound below is very loose.
        var machine = Machine(capacity: 1)
        _ = machine.lease(waiter: "holder")
        var ids: [Int] = []
        for _ in 0..<50_000 {
            guard case .wait(let id) = machine.lease(waiter: "w") else { Issue.record("should wait"); return }
            ids.append(id)
        }
        let start = ContinuousClock.now
        for id in ids.reversed() where id % 2 == 0 {
            _ = machine.cancelWaiter(id: id)
        }
        for id in ids where id % 2 == 1 {
            _ = machine.cancelWaiter(id: id)
        }
        #expect(ContinuousClock.now - start < .seconds(3))
        #expect(machine.waitingCount == 0)
        #expect(machine.queueStorageCount == 0)
    }
}
