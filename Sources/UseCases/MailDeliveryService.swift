import Foundation
import Logging
import Mail
import NIOConcurrencyHelpers
import Postgres
import ServiceLifecycle
import Storage

/// Wakes the mail delivery loop when a use case has just queued a message, so it need not wait
/// for the next poll.
public final class MailWakeup: Sendable {
    private let state = NIOLockedValueBox<(pending: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

    public init() {}

    public func wake() {
        let waiter = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.pending = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns at the next wake-up, after `timeout`, or when the task is cancelled.
    func wait(upTo timeout: Duration) async {
        let timer = Task { [weak self] in
            // A timer cancelled because a wake-up came first must not leave a wake-up of its own
            // behind: the next wait would return at once, and the loop would poll without pause.
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            self?.wake()
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLockedValue { state -> Bool in
                    if state.pending {
                        state.pending = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            wake()
        }
        timer.cancel()
    }
}

/// Delivers the mail outbox: polls every couple of seconds (or when woken), sends each due
/// message, and on failure logs it and tries again later with a growing delay. A message leaves
/// the queue only once the relay accepted it, so none is lost; one may be sent twice if the
/// process dies between the relay's acceptance and the database's record of it.
public struct MailDeliveryService: Service {
    public typealias Sender = @Sendable (MailMessage) async throws -> Void

    let outbox: MailOutboxRepository
    /// nil: no relay is configured, and messages are written to the log.
    let sender: Sender?
    let from: String
    let wakeup: MailWakeup
    let interval: Duration
    let now: @Sendable () -> Date
    let logger: Logger
    /// Where mail goes, for the start-up log line.
    let relay: String?
    let unusableSMTPURL: String?

    /// How long a claimed message stays hidden from other instances while it is being sent.
    static let lease: Duration = .seconds(120)

    public init(
        outbox: MailOutboxRepository, sender: Sender?, from: String, wakeup: MailWakeup, interval: Duration,
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger, relay: String? = nil, unusableSMTPURL: String? = nil
    ) {
        self.relay = relay
        self.unusableSMTPURL = unusableSMTPURL
        self.outbox = outbox
        self.sender = sender
        self.from = from
        self.wakeup = wakeup
        self.interval = interval
        self.now = now
        self.logger = logger
    }

    public func run() async throws {
        if let unusableSMTPURL {
            logger.error("SMTP_URL is not smtp://host[:port]; mail goes to the log", metadata: ["smtp_url": "\(unusableSMTPURL)"])
        } else if let relay {
            logger.info("mail delivery started", metadata: ["relay": "\(relay)"])
        } else {
            logger.notice("no SMTP_URL: mail, links included, goes to the log")
        }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    _ = try await deliverDue()
                } catch let error as PostgresError where error.sqlState == "42P01" {
                    // undefined_table: the service starts beside the migrations that make the outbox.
                    logger.debug("mail outbox not created yet", metadata: ["error": "\(String(reflecting: error))"])
                } catch {
                    logger.warning("mail outbox unavailable", metadata: ["error": "\(String(reflecting: error))"])
                }
                await wakeup.wait(upTo: interval)
            }
        }
    }

    /// One pass over the due messages; how many were delivered.
    @discardableResult
    public func deliverDue(limit: Int = 20) async throws -> Int {
        var delivered = 0
        for message in try await outbox.claimDue(now: now(), limit: limit, lease: Self.lease) {
            let mail = MailMessage(from: from, to: message.mail.recipient, subject: message.mail.subject, body: message.mail.body)
            let metadata: Logger.Metadata = ["outbox_id": "\(message.id)", "attempt": "\(message.attempts)"]
            guard let sender else {
                // No relay: the operator reads the message, links included, in the log.
                logger.notice("mail written to log (no SMTP_URL)", metadata: metadata.merging([
                    "to": "\(mail.to)", "subject": "\(mail.subject)", "body": "\(mail.body)",
                ]) { $1 })
                try await outbox.markSent(message.id, via: .log, at: now())
                delivered += 1
                continue
            }
            do {
                try await sender(mail)
                try await outbox.markSent(message.id, via: .smtp, at: now())
                logger.info("mail sent", metadata: metadata)
                delivered += 1
            } catch {
                let delay = Self.retryDelay(afterAttempts: message.attempts)
                logger.warning("mail delivery failed; will retry", metadata: metadata.merging([
                    "error": "\(String(reflecting: error))", "retry_in_seconds": "\(Int(delay))",
                ]) { $1 })
                try await outbox.scheduleRetry(message.id, at: now().addingTimeInterval(delay), error: String(describing: error))
            }
        }
        return delivered
    }

    /// 5 s after the first failure, doubling up to an hour; a message is never given up.
    static func retryDelay(afterAttempts attempts: Int) -> TimeInterval {
        min(5 * pow(2, Double(min(max(attempts - 1, 0), 20))), 3600)
    }
}
