import Foundation
import Logging
import NIOConcurrencyHelpers

/// Listens to one NOTIFY channel on a connection and a thread of its own, because waiting for a
/// notification is a blocking libpq call that must not hold a pool connection or a cooperative thread.
public struct NotificationListener: Sendable {
    public enum Event: Sendable, Equatable {
        /// Listening (again): anything sent while not connected is lost, so the consumer resynchronizes.
        case listening
        /// Payloads in the order their transactions committed.
        case notifications([String])
        /// Nothing came for `quietInterval`; a chance for periodic checks.
        case quiet
    }

    public let connectionString: String
    public let channel: String
    public let quietInterval: Duration
    public let reconnectDelay: Duration
    let logger: Logger

    /// `channel` must be a plain identifier: it is written into the LISTEN statement.
    public init(
        connectionString: String, channel: String, quietInterval: Duration = .seconds(1), reconnectDelay: Duration = .milliseconds(500),
        logger: Logger = Logger(label: "asar.postgres.listen")
    ) {
        precondition(channel.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }, "channel must be an identifier")
        self.connectionString = connectionString
        self.channel = channel
        self.quietInterval = quietInterval
        self.reconnectDelay = reconnectDelay
        self.logger = logger
    }

    /// Events until the consumer stops iterating; the thread ends within `quietInterval` of that.
    public func events() -> AsyncStream<Event> {
        let (stream, continuation) = AsyncStream<Event>.makeStream(bufferingPolicy: .unbounded)
        let stopped = NIOLockedValueBox(false)
        continuation.onTermination = { _ in stopped.withLockedValue { $0 = true } }
        let thread = Thread { [self] in
            run(until: { stopped.withLockedValue { $0 } }, emit: { continuation.yield($0) })
            continuation.finish()
        }
        thread.name = "asar-listen-\(channel)"
        thread.start()
        return stream
    }

    private func run(until isStopped: () -> Bool, emit: (Event) -> Void) {
        var reportedFailure = false
        while !isStopped() {
            do {
                let connection = try Connection(connectionString: connectionString, connectTimeoutSeconds: 5, statementTimeout: .seconds(5))
                try connection.execute("LISTEN \(channel)")
                if reportedFailure { logger.info("listening again", metadata: ["channel": "\(channel)"]) }
                reportedFailure = false
                emit(.listening)
                while !isStopped() {
                    let payloads = try connection.notifications(waitingUpTo: quietInterval)
                    emit(payloads.isEmpty ? .quiet : .notifications(payloads))
                }
            } catch {
                if !reportedFailure {
                    logger.warning("not listening", metadata: ["channel": "\(channel)", "error": "\(String(reflecting: error))"])
                    reportedFailure = true
                }
                Thread.sleep(forTimeInterval: Double(reconnectDelay.components.seconds) + Double(reconnectDelay.components.attoseconds) / 1e18)
            }
        }
    }
}
