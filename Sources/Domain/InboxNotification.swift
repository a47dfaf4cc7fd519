import Foundation

/// How a person wants news by email.
public enum EmailFrequency: String, Sendable, CaseIterable {
    /// A message for each notification, within seconds.
    case immediately
    /// One message a day with everything new.
    case daily
    /// The inbox only.
    case never
}

/// One piece of news in a person's inbox: something happened to a partnership of an organization
/// they belong to.
public struct InboxNotification: Sendable, Equatable {
    /// A partnership event's action (`propose`, `consent`, `approve`, …) or `overdue`.
    public let kind: String
    public let id: Int64
    public let partnershipID: UUID
    /// The state the partnership reached.
    public let toState: PartnershipState
    /// The organization the person belongs to in it.
    public let organizationID: UUID
    /// Whether that organization is the partnership's government body (whose page is the review).
    public let asGovernmentBody: Bool
    public let projectTitle: LocalizedText
    public let createdAt: Date
    public let readAt: Date?
    /// The partnership's state now: news of a step it has since left asks nothing any more.
    public let currentState: PartnershipState

    public init(
        kind: String, id: Int64, partnershipID: UUID, toState: PartnershipState, organizationID: UUID, asGovernmentBody: Bool,
        projectTitle: LocalizedText, createdAt: Date, readAt: Date?, currentState: PartnershipState
    ) {
        self.currentState = currentState
        self.kind = kind
        self.id = id
        self.partnershipID = partnershipID
        self.toState = toState
        self.organizationID = organizationID
        self.asGovernmentBody = asGovernmentBody
        self.projectTitle = projectTitle
        self.createdAt = createdAt
        self.readAt = readAt
    }

    /// Whether the news asks the reader to do something (rather than telling an outcome).
    public var needsAction: Bool {
        guard currentState == toState else { return false }
        return switch kind {
        case "propose", "amend", "return": true
        case "consent": toState == .underReview && asGovernmentBody
        case "request_framework_change": asGovernmentBody
        case "overdue", "approve": !asGovernmentBody
        default: false
        }
    }

    /// Where the reader acts on it: the review page for the government body while it decides,
    /// the party's page otherwise.
    public var path: String {
        let reviews = asGovernmentBody && (toState == .underReview || kind == "request_framework_change")
        return (reviews ? "/workspace/reviews/" : "/workspace/partnerships/") + partnershipID.uuidString.lowercased()
    }
}
