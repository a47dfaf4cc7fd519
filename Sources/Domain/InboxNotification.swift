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
/// they belong to, someone joined it, or they were invited to one.
public struct InboxNotification: Sendable, Equatable {
    /// A partnership event's action (`propose`, `consent`, `approve`, …), `report_due`, `overdue`,
    /// `member_joined` or `member_invited`.
    public let kind: String
    public let id: Int64
    /// Nil for news about members.
    public let partnershipID: UUID?
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
    public let organizationName: LocalizedText
    /// Member news: who joined.
    public let aboutPersonName: String?
    /// Member news: the role joined or invited to.
    public let role: MembershipRole?
    /// Whether a report was filed since: news of a report due or overdue then asks nothing more.
    public let reportedSince: Bool

    public init(
        kind: String, id: Int64, partnershipID: UUID?, toState: PartnershipState, organizationID: UUID, asGovernmentBody: Bool,
        projectTitle: LocalizedText, createdAt: Date, readAt: Date?, currentState: PartnershipState,
        organizationName: LocalizedText = LocalizedText(), aboutPersonName: String? = nil, role: MembershipRole? = nil,
        reportedSince: Bool = false
    ) {
        self.reportedSince = reportedSince
        self.organizationName = organizationName
        self.aboutPersonName = aboutPersonName
        self.role = role
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
        case "overdue", "report_due": !asGovernmentBody && !reportedSince
        case "approve", "award": !asGovernmentBody
        default: false
        }
    }

    /// Where the reader acts on it: the review page for the government body while it decides,
    /// the party's page otherwise.
    public var path: String {
        guard let partnershipID else {
            // Who joined is on the members' page; an invitation's link is in its mail.
            return kind == "member_joined" ? "/organizations/\(organizationID.uuidString.lowercased())/members" : "/account"
        }
        let reviews = asGovernmentBody && (toState == .underReview || kind == "request_framework_change")
        return (reviews ? "/workspace/reviews/" : "/workspace/partnerships/") + partnershipID.uuidString.lowercased()
    }

    /// Whether it is about an organization's people rather than a partnership.
    public var isAboutMembers: Bool { partnershipID == nil }
}
