import Domain
import Foundation
import Hummingbird
import UseCases

/// A person's inbox: news of their organizations' partnerships, newest first, each linking to
/// where they act on it; and how often they want it by email.
struct InboxPages<Context: WebRequestContext>: Sendable {
    let services: Services
    let renderer: Renderer

    var workspace: WorkspacePage<Context> { WorkspacePage(services: services, renderer: renderer) }

    func addRoutes(to router: RouterGroup<Context>) {
        router.get("/inbox", use: inbox)
        router.get("/inbox/{id}", use: open)
        router.post("/inbox/read", use: markAllRead)
        router.post("/inbox/email", use: setEmailFrequency)
    }

    @Sendable func inbox(_ request: Request, context: Context) async throws -> Response {
        let session = try WorkspacePage<Context>.signedIn(request, context)
        let words = try await workspace.words(context)
        var view = try await inboxView(session, words: words)
        switch request.uri.queryParameters["done"].map(String.init) {
        case "read"?: view["notice"] = words.t("inbox_done_read")
        case "email"?: view["notice"] = words.t("inbox_done_email")
        default: break
        }
        return workspace.page("inbox", title: words.t("inbox_title"), view: view, request: request, context: context)
    }

    /// Marks the notification read and follows its link, acting for the organization the news is
    /// about (a person in two organizations may be acting for the other one).
    @Sendable func open(_ request: Request, context: Context) async throws -> Response {
        let session = try WorkspacePage<Context>.signedIn(request, context)
        guard let id = context.parameters.get("id").flatMap(Int64.init) else { throw PageError.notFound }
        let notification = try await services.notifications.open(id, by: session)
        if notification.organizationID != session.actingOrganizationID,
           session.memberships.contains(where: { $0.organizationID == notification.organizationID }),
           let token = context.page.sessionToken {
            _ = try await services.accounts.switchOrganization(token, to: notification.organizationID)
        }
        return workspace.redirect(notification.path)
    }

    @Sendable func markAllRead(_ request: Request, context: Context) async throws -> Response {
        _ = try await FormData.read(request, context: context)
        let session = try WorkspacePage<Context>.signedIn(request, context)
        try await services.notifications.markAllRead(by: session)
        return workspace.redirect("/inbox?done=read")
    }

    @Sendable func setEmailFrequency(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request, context: context)
        let session = try WorkspacePage<Context>.signedIn(request, context)
        guard let frequency = EmailFrequency(rawValue: form["email_notifications"]) else {
            let words = try await workspace.words(context)
            var view = try await inboxView(session, words: words)
            var errors = FieldErrors()
            errors.add("email_notifications", words.t("issue_inbox_email"))
            view["errors"] = errors.view
            return workspace.page("inbox", title: words.t("inbox_title"), view: view, request: request, context: context, status: .unprocessableContent)
        }
        try await services.notifications.setEmailFrequency(frequency, by: session)
        return workspace.redirect("/inbox?done=email")
    }

    func inboxView(_ session: AccountService.SignedIn, words: Vocabulary) async throws -> [String: Any] {
        let items = try await services.notifications.inbox(of: session)
        let frequency = try await services.notifications.emailFrequency(of: session)
        let unread = items.filter { $0.readAt == nil }.count
        return [
            "items": items.map { notification -> [String: Any] in
                [
                    "id": String(notification.id),
                    "headline": NotificationMail.headline(notification, words.language),
                    "project": notification.isAboutMembers
                        ? ["text": NotificationMail.subject(notification, words.language)] as [String: Any] : words.text(notification.projectTitle),
                    "date": words.time(notification.createdAt, withClock: true),
                    "unread": notification.readAt == nil,
                    "action": notification.needsAction,
                ]
            },
            "empty": items.isEmpty,
            "hasUnread": unread > 0,
            "frequencies": EmailFrequency.allCases.map { option -> [String: Any] in
                ["value": option.rawValue, "label": words.t("inbox_email_\(option.rawValue)"), "checked": option == frequency]
            },
            "errors": FieldErrors().view,
        ]
    }
}
