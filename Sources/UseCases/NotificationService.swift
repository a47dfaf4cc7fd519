import Domain
import Foundation
import Logging
import ServiceLifecycle
import Storage

/// A person's inbox and how they want news by mail. Every call names the signed-in person: an
/// inbox is its owner's alone.
public struct NotificationService: Sendable {
    let notifications: NotificationRepository
    let organizationInbox: OrganizationInboxRepository

    public init(notifications: NotificationRepository, organizationInbox: OrganizationInboxRepository) {
        self.notifications = notifications
        self.organizationInbox = organizationInbox
    }

    public func inbox(of session: AccountService.SignedIn, limit: Int = 100) async throws -> [InboxNotification] {
        try await notifications.inbox(of: session.person.id, limit: limit)
    }

    public func unreadCount(of session: AccountService.SignedIn) async throws -> Int {
        try await notifications.unreadCount(of: session.person.id)
    }

    /// Marks the notification read and returns it (to follow its link); someone else's does not exist.
    public func open(_ id: Int64, by session: AccountService.SignedIn) async throws -> InboxNotification {
        guard let notification = try await notifications.markRead(id, of: session.person.id) else {
            throw DomainError.notFound(resource: "notification")
        }
        return notification
    }

    public func markAllRead(by session: AccountService.SignedIn) async throws {
        try await notifications.markAllRead(of: session.person.id)
    }

    public func emailFrequency(of session: AccountService.SignedIn) async throws -> EmailFrequency {
        try await notifications.emailFrequency(of: session.person.id)
    }

    public func setEmailFrequency(_ frequency: EmailFrequency, by session: AccountService.SignedIn) async throws {
        try await notifications.setEmailFrequency(frequency, of: session.person.id)
    }

    // MARK: - An organization's own inbox (its integrations, through its tokens)

    public struct OrganizationInbox: Sendable {
        public let items: [InboxNotification]
        public let unreadCount: Int
    }

    /// The organization's news, newest first, for itself (viewers included) and admins.
    public func inbox(
        of organization: UUID, unreadOnly: Bool = false, before: Int64? = nil, limit: Int = 50, by caller: Caller
    ) async throws -> OrganizationInbox {
        try Access.requireSpeaksFor(caller, organization, to: "read its inbox")
        async let items = organizationInbox.inbox(of: organization, unreadOnly: unreadOnly, before: before, limit: limit)
        async let unread = organizationInbox.unreadCount(of: organization)
        return OrganizationInbox(items: try await items, unreadCount: try await unread)
    }

    /// Marks one piece of news read for the whole organization: not for viewers, whose reading
    /// changes nothing for the others.
    public func markRead(_ id: Int64, of organization: UUID, by caller: Caller) async throws -> InboxNotification {
        try Access.requireActsFor(caller, organization, to: "mark its news read")
        guard let item = try await organizationInbox.markRead(id, of: organization) else {
            throw DomainError.notFound(resource: "notification")
        }
        return item
    }

    /// Marks the organization's news read, up to `through` when given; how many were marked.
    public func markAllRead(of organization: UUID, through: Int64?, by caller: Caller) async throws -> Int {
        try Access.requireActsFor(caller, organization, to: "mark its news read")
        return try await organizationInbox.markAllRead(of: organization, through: through)
    }
}

/// Turns notifications into mail (at once, or a daily digest) and announces reports coming due and overdue, every
/// few seconds; the outbox then delivers. `pass()` is one round, for tests.
public struct NotificationMailer: Service {
    let notifications: NotificationRepository
    /// Monitoring's clock, for overdue reports.
    let clock: ServiceClock
    /// The outbox's clock (`AccountConfiguration.now`), for when mail is queued and digests are due.
    let mailNow: @Sendable () -> Date
    let reporting: ReportingPolicy
    /// From this hour of Kazakhstan's day the day's digests go out.
    let digestHour: Int
    let publicURL: String
    let interval: Duration
    let wakeup: MailWakeup
    let logger: Logger

    public init(
        notifications: NotificationRepository, clock: ServiceClock, mailNow: @escaping @Sendable () -> Date,
        reporting: ReportingPolicy = ReportingPolicy(), digestHour: Int, publicURL: String, interval: Duration, wakeup: MailWakeup,
        logger: Logger
    ) {
        self.digestHour = digestHour
        self.notifications = notifications
        self.clock = clock
        self.mailNow = mailNow
        self.reporting = reporting
        self.publicURL = publicURL
        self.interval = interval
        self.wakeup = wakeup
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            // Mail goes out within seconds; overdue reports, which take a scan of active
            // partnerships to find, are looked for once a minute.
            var overdueCheckedAt = ContinuousClock.now - .seconds(3600)
            while !Task.isCancelled {
                do {
                    let checksOverdue = ContinuousClock.now - overdueCheckedAt >= .seconds(60)
                    if checksOverdue { overdueCheckedAt = ContinuousClock.now }
                    _ = try await pass(checkingOverdue: checksOverdue)
                } catch {
                    logger.warning("notification mail failed; will retry", metadata: ["error": "\(String(reflecting: error))"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// Reports coming due and overdue announced, messages and digests queued in this round.
    public struct Pass: Sendable, Equatable {
        public let dueSoon: Int
        public let overdue: Int
        public let immediate: Int
        public let digests: Int
    }

    @discardableResult
    public func pass(checkingOverdue: Bool = true) async throws -> Pass {
        let dueSoon = checkingOverdue ? try await notifications.announceDueSoon(now: clock.now(), days: reporting.reminderDays) : 0
        let overdue = checkingOverdue ? try await notifications.announceOverdue(now: clock.now(), graceDays: reporting.graceDays) : 0
        let now = mailNow()
        var immediate = 0
        while true {
            let queued = try await notifications.mailImmediate(limit: 100, now: now) { NotificationMail.single($0, publicURL: publicURL) }
            immediate += queued
            if queued < 100 { break }
        }
        let digests = try await notifications.mailDigests(now: now, hour: digestHour) { email, language, news in
            NotificationMail.digest(to: email, language: language, news: news, publicURL: publicURL)
        }
        if immediate + digests > 0 { wakeup.wake() }
        return Pass(dueSoon: dueSoon, overdue: overdue, immediate: immediate, digests: digests)
    }
}
