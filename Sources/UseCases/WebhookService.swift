import Domain
import Foundation
import Logging
import NIOPosix
import ServiceLifecycle
import Storage
import Webhooks

/// How webhooks are delivered.
public struct WebhookConfiguration: Sendable {
    /// `ASAR_WEBHOOKS_ALLOW_PRIVATE=1`: loopback and private addresses are allowed (the tests'
    /// receivers listen on 127.0.0.1). Off in production: see `WebhookAddress`.
    public var allowPrivateAddresses = false
    /// `ASAR_WEBHOOKS_SEND=0`: deliveries are queued and shown but nothing is sent — for a staging
    /// copy of production data, which must not call its organizations' receivers, and for the
    /// conformance stage, whose generated URLs could name real hosts.
    public var sends = true
    public var retry = WebhookRetryPolicy()
    /// A receiver that has not answered by then is cut off, and the attempt counts as failed.
    public var timeout: TimeInterval = 10
    public var pollInterval: Duration = .seconds(1)
    /// Deliveries sent at once; a slow receiver holds one of these, never a request of the service.
    public var concurrency = 8

    public init() {}

    public static func fromEnvironment(_ environment: [String: String]) -> WebhookConfiguration {
        var configuration = WebhookConfiguration()
        configuration.allowPrivateAddresses = environment["ASAR_WEBHOOKS_ALLOW_PRIVATE"] == "1"
        configuration.sends = environment["ASAR_WEBHOOKS_SEND"] != "0"
        return configuration
    }
}

/// An organization's webhooks: its owners (and admins) register them, see every delivery and
/// its attempts, replay one, and switch a webhook off.
public struct WebhookService: Sendable {
    let webhooks: WebhookRepository
    let configuration: WebhookConfiguration

    public init(webhooks: WebhookRepository, configuration: WebhookConfiguration) {
        self.webhooks = webhooks
        self.configuration = configuration
    }

    /// Enough for a few integrations and their staging copies; each one is a delivery per event.
    public static let maxActive = 10

    /// The webhook and its secret, which is shown this once.
    public func register(url: String, for organization: UUID, by caller: Caller) async throws -> (webhook: Webhook, secret: String) {
        try Access.requireOwner(caller, organization, to: "register webhooks")
        let trimmed = url.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count <= 2000 else {
            throw DomainError.invalid([FieldIssue(field: "url", code: "too_long", message: "The URL may hold at most 2000 characters.")])
        }
        do {
            _ = try await Self.checked(trimmed, allowPrivate: configuration.allowPrivateAddresses)
        } catch let refusal as WebhookAddress.Refusal {
            throw DomainError.invalid([FieldIssue(field: "url", code: refusal.code, message: refusal.message)])
        }
        let secret = SecretToken.make(prefix: "whsec_")
        guard let webhook = try await webhooks.create(organization: organization, url: trimmed, secret: secret, limit: Self.maxActive) else {
            throw DomainError.invalid([FieldIssue(
                field: "url", code: "too_many_webhooks",
                message: "An organization may have at most \(Self.maxActive) webhooks switched on; switch one off first."
            )])
        }
        return (webhook, secret)
    }

    public func list(for organization: UUID, by caller: Caller) async throws -> [Webhook] {
        try Access.requireOwner(caller, organization, to: "see its webhooks")
        return try await webhooks.webhooks(of: organization)
    }

    public func deliveries(of webhook: UUID, limit: Int = 50, by caller: Caller) async throws -> [WebhookDelivery] {
        _ = try await owned(webhook, by: caller)
        return try await webhooks.deliveries(of: webhook, limit: limit)
    }

    /// One delivery with every attempt made to deliver it, oldest first.
    public func delivery(_ id: Int64, by caller: Caller) async throws -> (delivery: WebhookDelivery, attempts: [WebhookAttempt]) {
        try Access.requireSignedIn(caller)
        guard let found = try await webhooks.delivery(id) else { throw DomainError.notFound(resource: "delivery") }
        do {
            _ = try await owned(found.webhookID, by: caller)
        } catch DomainError.notFound {
            throw DomainError.notFound(resource: "delivery")
        }
        return (found, try await webhooks.attempts(of: id))
    }

    public func disable(_ webhook: UUID, by caller: Caller) async throws {
        _ = try await owned(webhook, by: caller)
        try await webhooks.disable(webhook)
    }

    /// Sends a delivery again from its first attempt.
    public func replay(_ delivery: Int64, by caller: Caller) async throws {
        guard let found = try await webhooks.delivery(delivery) else { throw DomainError.notFound(resource: "delivery") }
        guard try await owned(found.webhookID, by: caller).disabledAt == nil else {
            throw DomainError.conflict(code: "webhook_disabled", message: "The webhook is switched off; nothing is sent to it.")
        }
        try await webhooks.replay(delivery, now: Date())
    }

    /// The URL once its host resolves only to public addresses. Resolving blocks, so it runs on
    /// the thread pool, off the event loops and the cooperative pool.
    static func checked(_ url: String, allowPrivate: Bool) async throws -> URL {
        try await NIOThreadPool.singleton.runIfActive { try WebhookAddress.check(url, allowPrivate: allowPrivate) }
    }

    /// Someone else's webhook does not exist for the caller.
    private func owned(_ id: UUID, by caller: Caller) async throws -> Webhook {
        try Access.requireSignedIn(caller)
        guard let webhook = try await webhooks.find(id), caller.isAdmin || caller.isOwner(of: webhook.organizationID) else {
            throw DomainError.notFound(resource: "webhook")
        }
        return webhook
    }
}

/// Delivers queued webhook events in the background: signed, at most `concurrency` at a time, each
/// cut off after the timeout, retried with exponential backoff, every attempt logged.
public struct WebhookDeliveryService: Service {
    let webhooks: WebhookRepository
    let configuration: WebhookConfiguration
    let sender: WebhookSender
    let logger: Logger

    public init(webhooks: WebhookRepository, configuration: WebhookConfiguration, logger: Logger) {
        self.webhooks = webhooks
        self.configuration = configuration
        self.sender = WebhookSender(timeout: configuration.timeout)
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    _ = try await deliverDue()
                } catch {
                    logger.warning("webhook deliveries unavailable", metadata: ["error": "\(String(reflecting: error))"])
                }
                try? await Task.sleep(for: configuration.pollInterval)
            }
        }
    }

    /// One round: claims what is due and sends it; how many were delivered.
    @discardableResult
    public func deliverDue() async throws -> Int {
        let claimed = try await webhooks.claimDue(
            now: Date(), limit: configuration.concurrency, lease: configuration.timeout * 3
        )
        return try await withThrowingTaskGroup(of: Bool.self) { group in
            for item in claimed {
                group.addTask { try await deliver(item) }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
    }

    private func deliver(_ item: ClaimedDelivery) async throws -> Bool {
        let body = Self.body(item)
        let response: WebhookResponse
        do {
            // Checked again at each delivery: an address may have changed since registration.
            let url = try await WebhookService.checked(item.url, allowPrivate: configuration.allowPrivateAddresses)
            let timestamp = Int64(Date().timeIntervalSince1970)
            response = await sender.post(url, body: body, headers: [
                "Content-Type": "application/json",
                "User-Agent": "ASAR-Webhooks/1",
                "ASAR-Delivery": String(item.delivery.id),
                "ASAR-Event": "partnership.\(item.event.action)",
                WebhookSignature.header: WebhookSignature.value(secret: item.secret, timestamp: timestamp, body: body),
            ])
        } catch let refusal as WebhookAddress.Refusal {
            response = WebhookResponse(status: nil, error: refusal.message, durationMilliseconds: 0)
        } catch {
            response = WebhookResponse(status: nil, error: String(describing: error), durationMilliseconds: 0)
        }
        let now = Date()
        let retryAt = response.succeeded ? nil : configuration.retry.delay(afterAttempts: item.delivery.attempts).map { now.addingTimeInterval($0) }
        try await webhooks.record(
            attempt: item.delivery.id, status: response.status, error: response.error, milliseconds: response.durationMilliseconds,
            succeeded: response.succeeded, retryAt: retryAt, now: now
        )
        let metadata: Logger.Metadata = [
            "delivery_id": "\(item.delivery.id)", "attempt": "\(item.delivery.attempts)", "status": "\(response.status.map(String.init) ?? "-")",
        ]
        if response.succeeded {
            logger.info("webhook delivered", metadata: metadata)
        } else {
            logger.warning("webhook delivery failed", metadata: metadata.merging(["error": "\(response.error ?? "")", "retry": "\(retryAt != nil)"]) { $1 })
        }
        return response.succeeded
    }

    /// The JSON a receiver gets: the delivery, the event type, and the event.
    static func body(_ item: ClaimedDelivery) -> [UInt8] {
        let event = item.event
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var data: [String: Any] = [
            "event_id": String(event.id),
            "partnership_id": event.partnershipID.uuidString.lowercased(),
            "action": event.action,
            "to_state": event.toState.rawValue,
            "actor_is_admin": event.actorIsAdmin,
            "at": formatter.string(from: event.at),
        ]
        if let from = event.fromState { data["from_state"] = from.rawValue }
        if let actor = event.actorOrganizationID { data["actor_organization_id"] = actor.uuidString.lowercased() }
        if let comment = event.comment { data["comment"] = comment }
        let object: [String: Any] = ["id": String(item.delivery.id), "type": "partnership.\(event.action)", "data": data]
        let json = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Array(json)
    }
}
