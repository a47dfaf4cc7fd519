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
