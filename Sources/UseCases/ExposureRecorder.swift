import Domain
import Foundation
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle
import Storage

/// Counts impressions in memory and writes them in batches, so serving a match list never waits
/// for a write.
public final class ExposureRecorder: Sendable {
    private let pending = NIOLockedValueBox<[UUID: Double]>([:])

    func record(_ ids: some Sequence<UUID>) {
        pending.withLockedValue { counts in
            for id in ids { counts[id, default: 0] += 1 }
        }
    }

    func drain() -> [UUID: Double] {
        pending.withLockedValue { counts in
            defer { counts = [:] }
            return counts
        }
    }
}

/// Flushes recorded impressions every few seconds and once more on shutdown.
struct ExposureFlushService: Service {
    let recorder: ExposureRecorder
    let repository: ExposureRepository
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            // Wake at once on shutdown instead of sleeping out the interval.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            await flush()
        }
        await flush()
    }

    private func flush() async {
        let counts = recorder.drain()
        guard !counts.isEmpty else { return }
        do {
            try await repository.add(counts)
        } catch {
            // Exposure is a soft signal: losing a batch only makes the discount a little smaller.
            logger.warning("exposure flush failed", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}
