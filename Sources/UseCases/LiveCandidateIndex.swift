import Foundation
import Logging
import Matching
import NIOConcurrencyHelpers
import Postgres
import ServiceLifecycle
import Storage

/// This instance's candidate index, kept current with the database.
///
/// With `CandidateIndexService` running, changes arrive as notifications and a read is a lock and
/// a copy. Without it (tests, one-off commands) every read first asks the database for its change
/// version and reloads when it moved, so the index is never stale, only slower.
public final class LiveCandidateIndex: Sendable {
    struct State {
        var index: CandidateIndex?
        /// The load in flight, which every reader waiting for a first index shares.
        var loading: Task<CandidateIndex, any Error>?
        var isFollowing = false
    }

    let repository: MatchIndexRepository
    let state = NIOLockedValueBox(State())

    public init(repository: MatchIndexRepository) {
        self.repository = repository
    }

    /// The index to answer one question from.
    public func snapshot() async throws -> CandidateIndex {
        let (index, following) = state.withLockedValue { ($0.index, $0.isFollowing) }
        if let index, following { return index }
        let current = try await repository.version()
        if let index, index.version >= current { return index }
        return try await reload(atLeast: current)
    }

    /// Loads everything afresh (once, however many ask at the same time) and keeps it unless a
    /// newer index was stored meanwhile. A load already under way is joined, and when its snapshot
    /// turns out older than `target` (it began before the caller's change committed), another follows.
    @discardableResult
    public func reload(atLeast target: Int64 = 0) async throws -> CandidateIndex {
        let repository = repository
        while true {
            let task = state.withLockedValue { state in
                if let loading = state.loading { return loading }
                let loading = Task { try await repository.load() }
                state.loading = loading
                return loading
            }
            let stored: CandidateIndex
            do {
                stored = store(try await task.value, clearing: task)
            } catch {
                state.withLockedValue { if $0.loading == task { $0.loading = nil } }
                throw error
            }
            if stored.version >= target { return stored }
        }
    }

    private func store(_ loaded: CandidateIndex, clearing task: Task<CandidateIndex, any Error>?) -> CandidateIndex {
        state.withLockedValue { state in
            if let task, state.loading == task { state.loading = nil }
            if let current = state.index, current.version > loaded.version { return current }
            state.index = loaded
            return loaded
        }
    }

    /// Waits until the index holds every change committed before the call (read-your-writes
    /// across instances); reloads when that takes longer than `patience`.
    public func catchUp(patience: Duration = .seconds(2)) async throws {
        let target = try await repository.version()
        let clock = ContinuousClock()
        let deadline = clock.now + patience
        while clock.now < deadline {
            let (version, following) = state.withLockedValue { ($0.index?.version, $0.isFollowing) }
            if let version, version >= target { return }
            guard following else { break }
            try await Task.sleep(for: .milliseconds(2))
        }
        try await reload(atLeast: target)
    }

    // MARK: - Following changes

    /// The version the index holds, nil before the first load.
    var version: Int64? { state.withLockedValue { $0.index?.version } }

    func setFollowing(_ following: Bool) {
        state.withLockedValue { $0.isFollowing = following }
    }

    /// Applies notifications (`"<version> <id>"`, or `"<version> *"` after a bulk load) in order.
    /// A version already held is skipped; a gap means a notification was lost, and a reload repairs it.
    func apply(_ payloads: [String]) async throws {
        guard let base = state.withLockedValue({ $0.index }) else {
            try await reload()
            return
        }
        var version = base.version
        var ids: [UUID] = []
        for payload in payloads {
            let parts = payload.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, let changed = Int64(parts[0]) else { continue }
            if changed <= version { continue }
            guard changed == version + 1, let id = UUID(uuidString: String(parts[1])) else {
                try await reload()
                return
            }
            version = changed
            ids.append(id)
        }
        guard version > base.version else { return }
        let unique = Array(Set(ids))
        let changes = try await repository.changed(unique)
        var next = base
        let foundOrganizations = Set(changes.organizations.map(\.profile.id))
        let foundProjects = Set(changes.openProjects.map(\.profile.id))
        for id in unique {
            if !foundOrganizations.contains(id) {
                next.removeOrganization(id)
                next.setDismissed([], by: id)
            }
            if !foundProjects.contains(id) { next.removeProject(id) }
        }
        for organization in changes.organizations { next.upsert(organization) }
        for project in changes.openProjects { next.upsert(project) }
        for (organization, candidates) in changes.dismissals { next.setDismissed(candidates, by: organization) }
        next.version = version
        let stored = state.withLockedValue { state -> Bool in
            // A reload may have stored a newer index meanwhile; it holds these changes already.
            guard state.index?.version == base.version else { return false }
            state.index = next
            return true
        }
        // Removed entries keep their slots; compact once they are a large share.
        if stored, next.vacantSlots > max(1_000, next.organizationCount / 4) { try await reload() }
    }
}

/// Follows the database's change notifications into the instance's candidate index, and checks the
/// change version now and then: a version that stays ahead of the index means a lost notification.
struct CandidateIndexService: Service {
    let index: LiveCandidateIndex
    let listener: NotificationListener
    let logger: Logger
    /// How often the version is compared when nothing arrives.
    var checkInterval: Duration = .seconds(5)

    func run() async throws {
        defer { index.setFollowing(false) }
        await cancelWhenGracefulShutdown {
            let clock = ContinuousClock()
            var lastCheck = clock.now
            var aheadAtLastCheck: Int64?
            for await event in listener.events() {
                do {
                    switch event {
                    case .listening:
                        // Changes made while not listening were not announced to this instance, and a
                        // load begun before LISTEN may have missed some: load at least what is there now.
                        index.setFollowing(false)
                        try await index.reload(atLeast: try await index.repository.version())
                        index.setFollowing(true)
                        aheadAtLastCheck = nil
                    case .notifications(let payloads):
                        try await index.apply(payloads)
                        index.setFollowing(true)
                    case .quiet:
                        guard clock.now - lastCheck >= checkInterval else { continue }
                        lastCheck = clock.now
                        let database = try await index.repository.version()
                        // Ahead twice in a row: not a notification still on its way but a lost one.
                        if let held = index.version, database > held, let ahead = aheadAtLastCheck, ahead > held {
                            logger.warning("candidate index missed a change; reloading", metadata: ["held": "\(held)", "database": "\(database)"])
                            try await index.reload(atLeast: database)
                            // A reload is as good as following from here, whatever failed before.
                            index.setFollowing(true)
                            aheadAtLastCheck = nil
                        } else {
                            aheadAtLastCheck = index.version.flatMap { database > $0 ? database : nil }
                        }
                    }
                } catch {
                    logger.warning("candidate index update failed", metadata: ["error": "\(String(reflecting: error))"])
                    // Without following, reads check the version themselves until the next reload.
                    index.setFollowing(false)
                    try? await Task.sleep(for: .milliseconds(200))
                    if (try? await index.reload()) != nil { index.setFollowing(true) }
                }
            }
        }
    }
}
