import Domain
import Foundation
import Hummingbird
import UseCases

/// An organization's webhooks through the API, for its owner-role tokens and admins: register one
/// (its secret is in this answer only), list them, see deliveries and every attempt, replay one,
/// switch one off.
struct WebhookController {
    let webhooks: WebhookService

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/v1/organizations/:id/webhooks", use: list)
        router.post("/v1/organizations/:id/webhooks", use: register)
        router.delete("/v1/webhooks/:id", use: disable)
        router.get("/v1/webhooks/:id/deliveries", use: deliveries)
        router.get("/v1/webhook-deliveries/:id", use: delivery)
        router.post("/v1/webhook-deliveries/:id/replay", use: replay)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Reply<ListResource<WebhookResource>> {
        let items = try await webhooks.list(for: try context.resourceID("organization"), by: context.caller)
        return Reply(ListResource(items: items.map { WebhookResource($0) }))
    }

    @Sendable func register(_ request: Request, context: AppRequestContext) async throws -> Reply<WebhookResource> {
        let organization = try context.resourceID("organization")
        let issues = IssueCollector()
        let reader = ObjectReader(try await JSONBody.object(from: request), issues: issues)
        reader.rejectUnknownKeys(["url"])
        reader.requirePresent("url")
        let url = reader.string("url", maxLength: 2000)
        try issues.throwIfAny()
        guard let url else { throw Problem.validation(issues.issues) }
        let (webhook, secret) = try await webhooks.register(url: url, for: organization, by: context.caller)
        return Reply(
            WebhookResource(webhook, secret: secret), status: .created,
            headers: [.location: "/v1/webhooks/\(webhook.id.lowercasedString)/deliveries"]
        )
    }

    @Sendable func disable(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await webhooks.disable(try context.resourceID("webhook"), by: context.caller)
        return Response(status: .noContent)
    }

    @Sendable func deliveries(_ request: Request, context: AppRequestContext) async throws -> Reply<ListResource<WebhookDeliveryResource>> {
        let webhook = try context.resourceID("webhook")
        let query = QueryReader(request: request)
        query.rejectUnknown(["limit"])
        let limit = query.limit()
        try query.issues.throwIfAny()
        let items = try await webhooks.deliveries(of: webhook, limit: limit, by: context.caller)
        return Reply(ListResource(items: items.map { WebhookDeliveryResource($0) }))
    }

    @Sendable func delivery(_ request: Request, context: AppRequestContext) async throws -> Reply<WebhookDeliveryResource> {
        let (delivery, attempts) = try await webhooks.delivery(try deliveryID(context), by: context.caller)
        return Reply(WebhookDeliveryResource(delivery, attempts: attempts))
    }

    /// Queues the delivery again at once, with a fresh set of attempts; 202: it is sent in the background.
    @Sendable func replay(_ request: Request, context: AppRequestContext) async throws -> Reply<WebhookDeliveryResource> {
        let id = try deliveryID(context)
        try await webhooks.replay(id, by: context.caller)
        let (delivery, attempts) = try await webhooks.delivery(id, by: context.caller)
        return Reply(WebhookDeliveryResource(delivery, attempts: attempts), status: .accepted)
    }

    private func deliveryID(_ context: AppRequestContext) throws -> Int64 {
        guard let raw = context.parameters.get("id"), let id = Int64(raw), id > 0 else { throw Problem.notFound("delivery") }
        return id
    }
}

struct WebhookResource: Encodable {
    let id: String
    let organizationId: String
    let url: String
    /// Only in the answer that registers the webhook: the key for `ASAR-Signature` (docs/webhooks.md).
    let secret: String?
    let active: Bool
    let createdAt: Date
    let disabledAt: Date?

    init(_ webhook: Webhook, secret: String? = nil) {
        id = webhook.id.lowercasedString
        organizationId = webhook.organizationID.lowercasedString
        url = webhook.url
        self.secret = secret
        active = webhook.disabledAt == nil
        createdAt = webhook.createdAt
        disabledAt = webhook.disabledAt
    }
}

struct WebhookDeliveryResource: Encodable {
    let id: Int64
    let webhookId: String
    let eventId: Int64
    let action: String
    let partnershipId: String
    let status: String
    let attempts: Int
    let nextAttemptAt: Date?
    let deliveredAt: Date?
    let failedAt: Date?
    let lastStatus: Int?
    let lastError: String?
    /// Every attempt, oldest first; only when one delivery is asked for.
    let attemptLog: [WebhookAttemptResource]?

    init(_ delivery: WebhookDelivery, attempts: [WebhookAttempt]? = nil) {
        id = delivery.id
        webhookId = delivery.webhookID.lowercasedString
        eventId = delivery.eventID
        action = delivery.action
        partnershipId = delivery.partnershipID.lowercasedString
        status = delivery.status.rawValue
        self.attempts = delivery.attempts
        nextAttemptAt = delivery.status == .pending ? delivery.nextAttemptAt : nil
        deliveredAt = delivery.deliveredAt
        failedAt = delivery.failedAt
        lastStatus = delivery.lastStatus
        lastError = delivery.lastError
        attemptLog = attempts.map { $0.map(WebhookAttemptResource.init) }
    }
}

struct WebhookAttemptResource: Encodable {
    let at: Date
    let status: Int?
    let error: String?
    let durationMs: Int

    init(_ attempt: WebhookAttempt) {
        at = attempt.at
        status = attempt.status
        error = attempt.error
        durationMs = attempt.milliseconds
    }
}
