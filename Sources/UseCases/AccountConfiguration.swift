import Foundation
import Mail

/// How people's accounts, sessions and mail behave; every time limit in one place, and the clock
/// injectable so tests can move it.
public struct AccountConfiguration: Sendable {
    /// The address pages are served at, for links in mail (`ASAR_PUBLIC_URL`).
    public var publicURL = "http://127.0.0.1:8080"
    /// The sender of every message (`MAIL_FROM`).
    public var mailFrom = "ASAR <no-reply@asar.kz>"
    /// The relay (`SMTP_URL`); nil writes messages, links included, to the log instead.
    public var smtp: SMTPConfiguration?
    /// An `SMTP_URL` that is not `smtp://host[:port]`: mail then goes to the log, and the
    /// deliverer says so loudly at start.
    public var unusableSMTPURL: String?
    /// The time now; tests replace it.
    public var now: @Sendable () -> Date = { Date() }
    /// A session ends after this long unused.
    public var idleTimeout: TimeInterval = 30 * 60
    /// A session ends this long after sign-in however active it is.
    public var absoluteTimeout: TimeInterval = 12 * 3600
    /// A session waiting for a second factor ends this long after the password was right.
    public var secondFactorTimeout: TimeInterval = 10 * 60
    /// Last-seen is written at most this often.
    public var touchInterval: TimeInterval = 60
    public var throttle = SignInThrottle()
    public var invitationLifetime: TimeInterval = 7 * 86_400
    public var resetLifetime: TimeInterval = 3600
    /// Reset links one person can be sent per hour; more requests are answered the same and dropped.
    public var resetsPerHour = 3
    /// How often the outbox is polled when nothing wakes it.
    public var mailPollInterval: Duration = .seconds(2)
    /// The hour of Kazakhstan's day (UTC+5) from which the day's digests go out: one per person a
    /// day, in the morning, whenever the news came (`ASAR_DIGEST_HOUR`, 0 to 23).
    public var digestHour = 8
    /// bcrypt's cost for new password hashes: 12 for the service. Tests about sessions, mail and
    /// membership lower it, so that their hashing does not starve the timing tests running beside
    /// them on two cores; the tests about passwords keep 12.
    public var passwordCost: UInt8 = 12

    public init() {}

    public static func fromEnvironment(_ environment: [String: String]) -> AccountConfiguration {
        var configuration = AccountConfiguration()
        if let url = environment["ASAR_PUBLIC_URL"], !url.isEmpty { configuration.publicURL = url }
        if let from = environment["MAIL_FROM"], !from.isEmpty { configuration.mailFrom = from }
        if let hour = environment["ASAR_DIGEST_HOUR"].flatMap(Int.init), (0...23).contains(hour) { configuration.digestHour = hour }
        if let url = environment["SMTP_URL"], !url.isEmpty {
            configuration.smtp = SMTPConfiguration(url: url)
            if configuration.smtp == nil { configuration.unusableSMTPURL = url }
        }
        return configuration
    }

    /// `path` (with its query) under the public URL.
    func link(_ path: String) -> String {
        var base = publicURL
        while base.hasSuffix("/") { base.removeLast() }
        return base + path
    }
}

/// Exponential delay after repeated failed sign-ins, per account and per address: the first
/// `free…` failures in `window` cost nothing, then each one doubles the wait from `firstDelay`
/// up to `maxDelay`.
public struct SignInThrottle: Sendable {
    public var window: TimeInterval = 15 * 60
    public var freeFailuresPerAccount = 5
    /// Higher than per account: many people may share an office's address.
    public var freeFailuresPerAddress = 20
    public var firstDelay: TimeInterval = 1
    public var maxDelay: TimeInterval = 15 * 60

    public init() {}

    /// Seconds still to wait after `count` failures (the latest at `last`); nil when none.
    public func wait(failures count: Int, last: Date?, free: Int, now: Date) -> TimeInterval? {
        guard count >= free, let last else { return nil }
        let delay = min(firstDelay * pow(2, Double(min(count - free, 30))), maxDelay)
        let remaining = last.addingTimeInterval(delay).timeIntervalSince(now)
        return remaining > 0 ? remaining : nil
    }
}
