import Domain
import Foundation
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle
import Storage

/// Counts impressions in memory and writes them in batches, so serving a match list never waits
/// for a write: per subject (for fair exposure) and per organization the list was for and subject
/// (to trace a proposal back to a list).
public final class ExposureRecorder: Sendable {
    /// What one flush writes.
    struct Batch: Sendable {
        var impressions: [UUID: Double] = [:]
        var shown: [ShownPair: ViewerImpressions.Shown] = [:]

        var isEmpty: Bool { impressions.isEmpty && shown.isEmpty }
    }

    struct ShownPair: Hashable, Sendable {
        let viewer: UUID
        let subject: UUID
    }

    private let pending = NIOLockedValueBox(Batch())
    private let now: @Sendable () -> Date

    init(now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
    }

    /// A list was served: every subject in it counts once; with a viewer (the organization the
    /// list was about, or whose project it was about), the pair is remembered too. Anonymous
    /// lists about someone else's project have no viewer.
    func record(_ subjects: [UUID], shownTo viewer: UUID?) {
        let at = now()
        pending.withLockedValue { batch in
            for subject in subjects {
                batch.impressions[subject, default: 0] += 1
                guard let viewer else { continue }
                let pair = ShownPair(viewer: viewer, subject: subject)
                if var shown = batch.shown[pair] {
                    shown.lastShownAt = at
                    shown.times += 1
                    batch.shown[pair] = shown
                } else {
                    batch.shown[pair] = ViewerImpressions.Shown(firstShownAt: at, lastShownAt: at, times: 1)
                }
            }
        }
    }

    func drain() -> Batch {
        pending.withLockedValue { batch in
            defer { batch = Batch() }
            return batch
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

    func flush() async {
        let batch = recorder.drain()
        guard !batch.isEmpty else { return }
        do {
            try await repository.add(batch.impressions)
        } catch {
            // Exposure is a soft signal: losing a batch only makes the discount a little smaller.
            logger.warning("exposure flush failed", metadata: ["error": "\(String(reflecting: error))"])
        }
        do {
            try await repository.addShown(batch.shown.map { pair, shown in
                ViewerImpressions(viewer: pair.viewer, subject: pair.subject, shown: shown)
            })
        } catch {
            // Losing a batch can only make a later proposal look as if it did not come from a list.
            logger.warning("viewer impressions flush failed", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}
