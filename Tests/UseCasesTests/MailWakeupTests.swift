import Testing

@testable import UseCases

@Suite struct MailWakeupTests {
    /// A wake-up that ended a wait early is spent: the wait after it lasts until its own timeout.
    /// (Once, the first wait's cancelled timer woke the mailer again, and it polled without pause.)
    @Test func aSpentWakeUpDoesNotEndTheNextWait() async throws {
        let wakeup = MailWakeup()
        wakeup.wake()
        await wakeup.wait(upTo: .seconds(30))
        // Room for the first wait's cancelled timer to run what it runs.
        try await Task.sleep(for: .milliseconds(50))
        let clock = ContinuousClock()
        let started = clock.now
        await wakeup.wait(upTo: .milliseconds(300))
        #expect(clock.now - started >= .milliseconds(300))
    }

    @Test func aWakeUpEndsAWaitThatIsUnderWay() async throws {
        let wakeup = MailWakeup()
        let clock = ContinuousClock()
        let started = clock.now
        async let waited: Void = wakeup.wait(upTo: .seconds(30))
        try await Task.sleep(for: .milliseconds(50))
        wakeup.wake()
        await waited
        #expect(clock.now - started < .seconds(30))
    }
}
