import Domain
import Foundation
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle
import Storage

/// Counts impressions in memory and writes them in batches, so serving a match list never waits
/// for a write: per subject (for fair exposure) and per organization the list was for and subject
/// (to trace a proposal back to a list). Also answers every subject's current exposure from
/// memory: what the database held at the last read-back (every instance's flushes), plus what this
/// instance has shown since.
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

    struct State {
        var pending = Batch()
        var known: [UUID: ExposureRepository.Stored] = [:]
        /// The newest write the last read-back saw.
        var readUpTo: Date?
    }

    private let state = NIOLockedValueBox(State())
    private let now: @Sendable () -> Date

    /// Exposure halves in a week, as `exposure_now` in SQL/migrations/0005_matching.sql.
    static let decaySeconds = 7 * 86_400 / log(2.0)

    /// A write committed a little after a later one started is still read: each read-back looks
    /// this far behind the newest write it saw before.
    static let readBackOverlap: TimeInterval = 10

    init(now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
    }

    /// A list was served: every subject in it counts once; with a viewer (the organization the
    /// list was about, or whose project it was about), the pair is remembered too. Anonymous
    /// lists about someone else's project have no viewer.
    func record(_ subjects: [UUID], shownTo viewer: UUID?) {
        let at = now()
        state.withLockedValue { state in
            for subject in subjects {
                state.pending.impressions[subject, default: 0] += 1
                guard let viewer else { continue }
                let pair = ShownPair(viewer: viewer, subject: subject)
                if var shown = state.pending.shown[pair] {
                    shown.lastShownAt = at
                    shown.times += 1
                    state.pending.shown[pair] = shown
                } else {
                    state.pending.shown[pair] = ViewerImpressions.Shown(firstShownAt: at, lastShownAt: at, times: 1)
                }
            }
        }
    }

    /// Recent impressions of each subject, decayed to now, in order.
    func impressions(of subjects: [UUID]) -> [Double] {
        let at = now()
        return state.withLockedValue { state in
            subjects.map { subject in
                (state.known[subject].map { Self.decayed($0, to: at) } ?? 0) + (state.pending.impressions[subject] ?? 0)
            }
        }
    }

    /// What to write next; it stays counted in memory until the database's answer replaces it.
    func drain() -> Batch {
        let at = now()
        return state.withLockedValue { state in
            let batch = state.pending
            state.pending = Batch()
            for (subject, count) in batch.impressions {
                let before = state.known[subject].map { Self.decayed($0, to: at) } ?? 0
                state.known[subject] = ExposureRepository.Stored(impressions: before + count, updatedAt: at)
            }
            return batch
        }
    }

    /// Takes what the database holds for subjects written since the last read-back.
    func readBack(from repository: ExposureRepository) async throws {
        let since = state.withLockedValue { $0.readUpTo.map { $0.addingTimeInterval(-Self.readBackOverlap) } }
        let written = try await repository.written(after: since)
        state.withLockedValue { state in
            state.known.merge(written) { _, stored in stored }
            if let newest = written.values.map(\.updatedAt).max(), newest > state.readUpTo ?? .distantPast {
                state.readUpTo = newest
            }
        }
    }

    private static func decayed(_ stored: ExposureRepository.Stored, to at: Date) -> Double {
        stored.impressions * exp(-max(0, at.timeIntervalSince(stored.updatedAt)) / decaySeconds)
    }
}

/// Flushes recorded impressions every few seconds and once more on shutdown.
struct ExposureFlushService: Service {
    let recorder: ExposureRecorder
    let repository: ExposureRepository
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await readBack()
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            // Wake at once on shutdown instead of sleeping out the interval.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            await flush()
            await readBack()
        }
        await flush()
    }

    func readBack() async {
        do {
            try await recorder.readBack(from: repository)
        } catch {
            // Until the next read-back, lists use the exposure known so far.
            logger.warning("exposure read-back failed", metadata: ["error": "\(String(reflecting: error))"])
        }
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
