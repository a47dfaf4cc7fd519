import Domain
import Foundation
import Hummingbird
import UseCases

/// An organization's webhooks, for its owners: register a URL (the secret is shown once), see each
/// delivery and replay one, switch a webhook off.
extension AccountPages {
    func webhooksView(
        _ membership: Membership, context: Context, words: Vocabulary, secret: String = "", form: FormData? = nil, errors: FieldErrors = FieldErrors()
    ) async throws -> [String: Any] {
        var hooks: [[String: Any]] = []
        for webhook in try await services.webhooks.list(for: membership.organizationID, by: context.caller) {
            let deliveries = try await services.webhooks.deliveries(of: webhook.id, limit: 20, by: context.caller)
            hooks.append([
                "id": webhook.id.lowercasedString,
                "url": webhook.url,
                "created": Format.date(webhook.createdAt),
                "active": webhook.disabledAt == nil,
                "deliveries": deliveries.map { delivery -> [String: Any] in
                    [
                        "id": String(delivery.id),
                        "event": "partnership.\(delivery.action)",
                        "created": words.time(delivery.createdAt, withClock: true),
                        "attempts": Format.integer(delivery.attempts),
                        "status": words.t("webhook_status_\(delivery.status.rawValue)"),
                        "failed": delivery.status == .failed,
                        "response": delivery.lastStatus.map { "HTTP \($0)" } ?? delivery.lastError ?? "—",
                    ]
                },
                "hasDeliveries": !deliveries.isEmpty,
            ])
        }
        return [
            "id": membership.organizationID.lowercasedString,
            "organization": words.text(membership.organizationName),
            "webhooks": hooks,
            "none": hooks.isEmpty,
            "secret": Vocabulary.shown(secret),
            "url": form?["url"] ?? "",
            "errors": errors.view,
        ]
    }

    @Sendable func webhooksPage(_ request: Request, context: Context) async throws -> Response {
        let words = try await words(context)
        guard let membership = try ownOrganization(request, context) else {
            return switchFirst(title: words.t("webhooks_title"), words: words, request: request, context: context)
        }
        var view = try await webhooksView(membership, context: context, words: words)
        if request.uri.queryParameters["done"] == "replay" { view["notice"] = words.t("webhook_replayed") }
        return page("webhooks", title: words.t("webhooks_title"), view: view, request: request, context: context)
    }

    @Sendable func registerWebhook(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request, context: context)
        let words = try await words(context)
        guard let membership = try ownOrganization(request, context) else {
            return switchFirst(title: words.t("webhooks_title"), words: words, request: request, context: context)
        }
        var errors = FieldErrors()
        do {
            let (_, secret) = try await services.webhooks.register(url: form["url"], for: membership.organizationID, by: context.caller)
            let view = try await webhooksView(membership, context: context, words: words, secret: secret)
            return page("webhooks", title: words.t("webhooks_title"), view: view, request: request, context: context)
        } catch DomainError.invalid(let issues) {
            let code = issues.first?.code ?? ""
            errors.add("url", words.t(["not_http", "no_host", "unresolvable", "private_address", "too_many_webhooks"].contains(code) ? "issue_webhook_\(code)" : "issue_webhook_too_long"))
        }
        let view = try await webhooksView(membership, context: context, words: words, form: form, errors: errors)
        return page("webhooks", title: words.t("webhooks_title"), view: view, request: request, context: context, status: .unprocessableContent)
    }

    @Sendable func disableWebhook(_ request: Request, context: Context) async throws -> Response {
        _ = try await FormData.read(request, context: context)
        let words = try await words(context)
        guard let membership = try ownOrganization(request, context) else {
            return switchFirst(title: words.t("webhooks_title"), words: words, request: request, context: context)
        }
        guard let id = context.parameters.get("webhook").flatMap(UUID.init(uuidString:)) else { throw PageError.notFound }
        try await services.webhooks.disable(id, by: context.caller)
        return redirect("/organizations/\(membership.organizationID.lowercasedString)/webhooks")
    }

    /// One delivery and every attempt made to deliver it, oldest first, with the receiver's answer
    /// or the error and how long each took; sent again from here too.
    @Sendable func deliveryPage(_ request: Request, context: Context) async throws -> Response {
        let words = try await words(context)
        guard let membership = try ownOrganization(request, context) else {
            return switchFirst(title: words.t("webhooks_title"), words: words, request: request, context: context)
        }
        guard let id = context.parameters.get("delivery").flatMap(Int64.init) else { throw PageError.notFound }
        // The organization's webhooks first: a member who is no owner is refused (403) as on the list.
        let webhooks = try await services.webhooks.list(for: membership.organizationID, by: context.caller)
        let (delivery, attempts) = try await services.webhooks.delivery(id, by: context.caller)
        // Another organization's delivery (an admin may read it) is not this page's.
        guard let webhook = webhooks.first(where: { $0.id == delivery.webhookID }) else { throw PageError.notFound }
        let view: [String: Any] = [
            "id": membership.organizationID.lowercasedString,
            "organization": words.text(membership.organizationName),
            "delivery": String(delivery.id),
            "event": "partnership.\(delivery.action)",
            "url": webhook.url,
            "status": words.t("webhook_status_\(delivery.status.rawValue)"),
            "failed": delivery.status == .failed,
            "created": words.time(delivery.createdAt, withClock: true),
            "next": delivery.status == .pending ? words.time(delivery.nextAttemptAt, withClock: true) : false,
            "partnership": delivery.partnershipID.lowercasedString,
            "active": webhook.disabledAt == nil,
            "attempts": attempts.enumerated().map { index, attempt -> [String: Any] in
                [
                    "number": Format.integer(index + 1),
                    "at": words.time(attempt.at, withClock: true),
                    "result": attempt.status.map { "HTTP \($0)" } ?? attempt.error ?? "—",
                    "succeeded": attempt.status.map { (200..<300).contains($0) } ?? false,
                    "duration": words.t("webhook_attempt_milliseconds", Format.integer(attempt.milliseconds)),
                ]
            },
            "noAttempts": attempts.isEmpty,
        ]
        return page("webhook-delivery", title: words.t("webhook_delivery_title", String(delivery.id)), view: view, request: request, context: context)
    }

    @Sendable func replayDelivery(_ request: Request, context: Context) async throws -> Response {
        _ = try await FormData.read(request, context: context)
        let words = try await words(context)
        guard let membership = try ownOrganization(request, context) else {
            return switchFirst(title: words.t("webhooks_title"), words: words, request: request, context: context)
        }
        guard let id = context.parameters.get("delivery").flatMap(Int64.init) else { throw PageError.notFound }
        do {
            try await services.webhooks.replay(id, by: context.caller)
        } catch DomainError.conflict {
            var view = try await webhooksView(membership, context: context, words: words)
            view["problem"] = words.t("webhook_replay_disabled")
            return page("webhooks", title: words.t("webhooks_title"), view: view, request: request, context: context, status: .conflict)
        }
        return redirect("/organizations/\(membership.organizationID.lowercasedString)/webhooks?done=replay")
    }
}
