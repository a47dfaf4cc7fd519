import Domain
import Foundation
import Logging
import Mail
import Postgres
import ServiceLifecycle
import Storage

/// Every use case of ASAR over one connection pool: what both front doors call.
public struct Services: Sendable {
    public let reference: ReferenceData
    public let organizations: OrganizationService
    public let projects: ProjectService
    public let matches: MatchService
    /// "Not interested": what an organization's match lists leave out.
    public let dismissals: DismissalService
    /// A business's shortlist of projects it is weighing.
    public let shortlists: ShortlistService
    public let partnerships: PartnershipService
    public let rounds: RoundService
    public let calls: CallService
    public let tokens: TokenService
    /// People: sign-in, sessions, joining, password resets.
    public let accounts: AccountService
    /// Documents organizations give for their verification, and the verification queue.
    public let documents: DocumentService
    let accountConfiguration: AccountConfiguration
    let mailWakeup: MailWakeup
    /// The public portal's pages: home figures, profiles, project pages, regions.
    public let portal: PortalService
    /// Open-data downloads: 360Giving and CSV.
    public let openData: OpenDataService
    /// Impressions recorded by match lists, flushed by `backgroundServices`.
    let exposure: ExposureRecorder
    /// This instance's candidate index, followed by `backgroundServices`.
    public let candidateIndex: LiveCandidateIndex
    /// Monitoring dashboards by place, focus area and sponsor.
    public let dashboards: DashboardService
    /// Open needs and past calls' demand in a territory, for government bodies planning a call.
    public let planning: PlanningService
    /// Organizations' webhooks, delivered by `webhookDelivery`.
    public let webhooks: WebhookService
    let webhookConfiguration: WebhookConfiguration
    /// People's inboxes and their choice of mail.
    public let notifications: NotificationService
    /// Monitoring's clock: tests move it forward.
    public let clock: ServiceClock
    let pool: ConnectionPool

    public init(
        pool: ConnectionPool, matching: MatchingConfiguration,
        accounts: AccountConfiguration = .fromEnvironment(ProcessInfo.processInfo.environment), clock: ServiceClock = ServiceClock(),
        webhooks: WebhookConfiguration = .fromEnvironment(ProcessInfo.processInfo.environment)
    ) {
        self.webhookConfiguration = webhooks
        self.webhooks = WebhookService(webhooks: WebhookRepository(pool: pool), configuration: webhooks)
        self.clock = clock
        let reference = ReferenceData(repository: ReferenceRepository(pool: pool))
        let organizations = OrganizationRepository(pool: pool)
        let partnerships = PartnershipRepository(pool: pool)
        let exposure = ExposureRecorder()
        let index = LiveCandidateIndex(repository: MatchIndexRepository(pool: pool))
        let matches = MatchService(
            repository: MatchRepository(pool: pool), index: index, reference: reference, configuration: matching, exposure: exposure
        )
        self.pool = pool
        self.candidateIndex = index
        self.exposure = exposure
        self.reference = reference
        self.organizations = OrganizationService(organizations: organizations)
        self.projects = ProjectService(projects: ProjectRepository(pool: pool))
        self.matches = matches
        self.dismissals = DismissalService(dismissals: DismissalRepository(pool: pool), organizations: organizations, index: index)
        self.shortlists = ShortlistService(
            shortlists: ShortlistRepository(pool: pool), organizations: organizations, projects: ProjectRepository(pool: pool)
        )
        self.partnerships = PartnershipService(partnerships: partnerships, matches: matches, clock: clock)
        self.rounds = RoundService(rounds: RoundRepository(pool: pool), index: index, organizations: organizations, reference: reference)
        self.calls = CallService(calls: CallRepository(pool: pool), organizations: organizations, reference: reference, clock: clock)
        self.tokens = TokenService(tokens: TokenRepository(pool: pool))
        let wakeup = MailWakeup()
        self.mailWakeup = wakeup
        self.accountConfiguration = accounts
        self.accounts = AccountService(
            people: PeopleRepository(pool: pool), sessions: SessionRepository(pool: pool), organizations: self.organizations,
            configuration: accounts, wakeup: wakeup
        )
        self.documents = DocumentService(
            documents: DocumentRepository(pool: pool), organizations: organizations, people: PeopleRepository(pool: pool)
        )
        self.portal = PortalService(
            portal: PortalRepository(pool: pool), organizations: organizations,
            projects: ProjectRepository(pool: pool), reference: reference, clock: clock
        )
        self.dashboards = DashboardService(dashboards: DashboardRepository(pool: pool), reference: reference, clock: clock)
        self.planning = PlanningService(planning: PlanningRepository(pool: pool), reference: reference, clock: clock)
        self.notifications = NotificationService(
            notifications: NotificationRepository(pool: pool), organizationInbox: OrganizationInboxRepository(pool: pool)
        )
        self.openData = OpenDataService(openData: OpenDataRepository(pool: pool), reference: reference)
    }

    /// The mail outbox's deliverer: to the configured relay, or to the log without one.
    public func mailDelivery(logger: Logger) -> MailDeliveryService {
        let sender: MailDeliveryService.Sender? = accountConfiguration.smtp.map { smtp in
            let client = SMTPClient(configuration: smtp, logger: logger)
            return { try await client.send($0) }
        }
        return MailDeliveryService(
            outbox: MailOutboxRepository(pool: pool), sender: sender, from: accountConfiguration.mailFrom, wakeup: mailWakeup,
            interval: accountConfiguration.mailPollInterval, now: accountConfiguration.now, logger: logger,
            relay: accountConfiguration.smtp.map { "\($0.host):\($0.port)" }, unusableSMTPURL: accountConfiguration.unusableSMTPURL
        )
    }

    /// What must run beside the front doors: the candidate index's follower, the exposure flusher,
    /// the mail deliverer and notifications' mailer, and (unless switched off) the webhook deliverer.
    public func backgroundServices(logger: Logger, followingIndexChanges: Bool = true) -> [any Service] {
        let follower = CandidateIndexService(
            index: candidateIndex,
            listener: NotificationListener(connectionString: pool.configuration.connectionString, channel: MatchIndexRepository.channel, logger: logger),
            logger: logger
        )
        return (followingIndexChanges ? [follower] : []) + [
            ExposureFlushService(recorder: exposure, repository: ExposureRepository(pool: pool), interval: .seconds(2), logger: logger),
            mailDelivery(logger: logger),
            notificationMailer(logger: logger),
        ] + (webhookConfiguration.sends ? [webhookDelivery(logger: logger)] : [])
    }

    public func webhookDelivery(logger: Logger) -> WebhookDeliveryService {
        WebhookDeliveryService(webhooks: WebhookRepository(pool: pool), configuration: webhookConfiguration, logger: logger)
    }

    /// Notifications into mail, and overdue reports into notifications, every few seconds.
    public func notificationMailer(logger: Logger) -> NotificationMailer {
        NotificationMailer(
            notifications: NotificationRepository(pool: pool), clock: clock, mailNow: accountConfiguration.now,
            digestHour: accountConfiguration.digestHour, publicURL: accountConfiguration.publicURL,
            interval: accountConfiguration.mailPollInterval, wakeup: mailWakeup, logger: logger
        )
    }
}
