import NIOConcurrencyHelpers
import Storage

/// Region and focus-area codes, loaded once: they change only with a migration.
final class ReferenceCodes: Sendable {
    private let repository: ReferenceRepository
    private let loaded = NIOLockedValueBox<(regions: Set<String>, focusAreas: Set<String>)?>(nil)

    init(repository: ReferenceRepository) {
        self.repository = repository
    }

    /// Adds an issue for each query filter value that names nothing.
    func check(region: String?, focusAreas: [String], issues: IssueCollector) async throws {
        guard region != nil || !focusAreas.isEmpty else { return }
        let codes = try await load()
        if let region, !codes.regions.contains(region) {
            issues.add("region", "unknown_region", "No region has KATO code \(region).")
        }
        for code in focusAreas where !codes.focusAreas.contains(code) {
            issues.add("focus_area", "unknown_focus_area", "No focus area has code \(code).")
        }
    }

    private func load() async throws -> (regions: Set<String>, focusAreas: Set<String>) {
        if let codes = loaded.withLockedValue({ $0 }) { return codes }
        let regions = Set(try await repository.regions().map(\.kato))
        let focusAreas = Set(try await repository.focusAreas().map(\.code))
        loaded.withLockedValue { $0 = (regions, focusAreas) }
        return (regions, focusAreas)
    }
}
