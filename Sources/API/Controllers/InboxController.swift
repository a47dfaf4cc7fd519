import Domain
import Foundation
import Hummingbird
import UseCases

/// An organization's inbox: the news of its partnerships, for integrations acting through its
/// tokens (people have theirs on the web).
struct InboxController {
    let notifications: NotificationService

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/v1/organizations/:id/inbox", use: list)
        router.post("/v1/organizations/:id/inbox/read", use: markAllRead)
        router.post("/v1/organizations/:id/inbox/:item_id/read", use: markRead)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Reply<InboxResource> {
        let organization = try context.resourceID("organization")
        let query = QueryReader(request: request)
        query.rejectUnknown(["unread", "before", "limit"])
        let unread = query.bool("unread") ?? false
        let before = query.integer("before", in: 1...Int64.max)
        let limit = query.limit()
        try query.issues.throwIfAny()
        let inbox = try await notifications.inbox(of: organization, unreadOnly: unread, before: before, limit: limit, by: context.caller)
        return Reply(InboxResource(
            items: inbox.items.map(InboxItemResource.init), unreadCount: inbox.unreadCount,
            // Older news is there while a page comes back full.
            nextBefore: inbox.items.count == limit ? inbox.items.last?.id : nil
        ))
    }

    @Sendable func markRead(_ request: Request, context: AppRequestContext) async throws -> Reply<InboxItemResource> {
        let organization = try context.resourceID("organization")
        guard let raw = context.parameters.get("item_id"), let id = Int64(raw), id > 0 else { throw Problem.notFound("notification") }
        return Reply(InboxItemResource(try await notifications.markRead(id, of: organization, by: context.caller)))
    }

    /// `through` marks what the integration has seen, not what arrived while it read.
    @Sendable func markAllRead(_ request: Request, context: AppRequestContext) async throws -> Reply<MarkedResource> {
        let organization = try context.resourceID("organization")
        let issues = IssueCollector()
        let reader = ObjectReader(try await JSONBody.optionalObject(from: request), issues: issues)
        reader.rejectUnknownKeys(["through"])
        reader.rejectNull("through")
        let through = reader.integer("through", in: 1...Int64.max)
        try issues.throwIfAny()
        return Reply(MarkedResource(marked: try await notifications.markAllRead(of: organization, through: through, by: context.caller)))
    }
}

struct InboxResource: Encodable {
    let items: [InboxItemResource]
    let unreadCount: Int
    /// Pass as `before` for older news; absent once a page comes back short.
    let nextBefore: Int64?
}

struct InboxItemResource: Encodable {
    let id: Int64
    let kind: String
    let partnershipId: String?
    let projectTitle: LocalizedTextResource
    /// The state the news is about, and the partnership's state now.
    let toState: String
    let state: String
    /// Whether the organization has something to do about it still.
    let needsAction: Bool
    let createdAt: Date
    let readAt: Date?

    init(_ item: InboxNotification) {
        id = item.id
        kind = item.kind
        partnershipId = item.partnershipID?.lowercasedString
        projectTitle = LocalizedTextResource(item.projectTitle)
        toState = item.toState.rawValue
        state = item.currentState.rawValue
        needsAction = item.needsAction
        createdAt = item.createdAt
        readAt = item.readAt
    }
}

struct MarkedResource: Encodable {
    let marked: Int
}
