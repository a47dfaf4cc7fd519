import Foundation
import Synchronization

/// The time as monitoring sees it (when reports fall due and become overdue). Tests, and the
/// browser tests through the hook `asar serve` offers with `ASAR_TEST_HOOKS=1`, move it forward
/// instead of sleeping.
public final class ServiceClock: Sendable {
    private let offset = Mutex<TimeInterval>(0)

    public init() {}

    public func now() -> Date {
        Date().addingTimeInterval(offset.withLock { $0 })
    }

    /// Moves the clock forward by `seconds` (and never back, so nothing already due turns undue).
    public func advance(by seconds: TimeInterval) {
        offset.withLock { $0 += max(0, seconds) }
    }
}
