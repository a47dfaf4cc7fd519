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
