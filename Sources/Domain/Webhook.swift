import Foundation

/// An organization's endpoint for partnership events.
public struct Webhook: Sendable, Equatable {
    public let id: UUID
    public let organizationID: UUID
    public let url: String
    public let createdAt: Date
    public let disabledAt: Date?

    public init(id: UUID, organizationID: UUID, url: String, createdAt: Date, disabledAt: Date?) {
        self.id = id
        self.organizationID = organizationID
        self.url = url
        self.createdAt = createdAt
        self.disabledAt = disabledAt
    }
}

/// One event on its way to one webhook.
public struct WebhookDelivery: Sendable, Equatable {
    public enum Status: String, Sendable { case pending, delivered, failed }

    public let id: Int64
    public let webhookID: UUID
    public let eventID: Int64
    public let action: String
    public let partnershipID: UUID
    public let createdAt: Date
    public let attempts: Int
    public let nextAttemptAt: Date
    public let deliveredAt: Date?
    public let failedAt: Date?
    public let lastStatus: Int?
    public let lastError: String?

    public init(
        id: Int64, webhookID: UUID, eventID: Int64, action: String, partnershipID: UUID, createdAt: Date, attempts: Int, nextAttemptAt: Date,
        deliveredAt: Date?, failedAt: Date?, lastStatus: Int?, lastError: String?
    ) {
        self.id = id
        self.webhookID = webhookID
        self.eventID = eventID
        self.action = action
        self.partnershipID = partnershipID
        self.createdAt = createdAt
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.deliveredAt = deliveredAt
        self.failedAt = failedAt
        self.lastStatus = lastStatus
        self.lastError = lastError
    }

    public var status: Status { deliveredAt != nil ? .delivered : failedAt != nil ? .failed : .pending }
}

/// One try at delivering: the receiver's status (nil when no answer came) or what went wrong.
public struct WebhookAttempt: Sendable, Equatable {
    public let at: Date
    public let status: Int?
    public let error: String?
    public let milliseconds: Int

    public init(at: Date, status: Int?, error: String?, milliseconds: Int) {
        self.at = at
        self.status = status
        self.error = error
        self.milliseconds = milliseconds
    }
}

/// When a failed delivery is tried again: exponential backoff from `firstRetry`, at most `maxDelay`
/// apart, until `maxAttempts` have been made.
public struct WebhookRetryPolicy: Sendable, Equatable {
    public var maxAttempts: Int
    public var firstRetry: TimeInterval
    public var maxDelay: TimeInterval

    public init(maxAttempts: Int = 8, firstRetry: TimeInterval = 10, maxDelay: TimeInterval = 3600) {
        self.maxAttempts = maxAttempts
        self.firstRetry = firstRetry
        self.maxDelay = maxDelay
    }

    /// The wait after the `attempts`-th failed attempt; nil once the attempts are spent.
    public func delay(afterAttempts attempts: Int) -> TimeInterval? {
        guard attempts < maxAttempts else { return nil }
        return min(maxDelay, firstRetry * pow(2, Double(max(0, attempts - 1))))
    }
}
