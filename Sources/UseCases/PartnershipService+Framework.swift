import Domain
import Foundation
import Storage

/// Results frameworks: what a partnership measures, how far it has come, and changing the
/// framework once approved, which needs a reviewer again.
extension PartnershipService {
    public struct FrameworkView: Sendable {
        public let partnership: Partnership
        public let framework: ResultsFramework
        /// Each indicator with its latest reported value.
        public let progress: [IndicatorProgress]
        /// Requests to change the framework, newest first.
        public let changes: [FrameworkChange]
        /// Whether the caller may ask to change the framework now (a party, approved or active,
        /// none pending).
        public let mayRequestChange: Bool
        /// Whether the caller may accept or decline the pending change.
        public let mayDecideChange: Bool

        public var pendingChange: FrameworkChange? { changes.first { $0.decision == nil } }
        public var targetsMet: Int { progress.filter(\.isMet).count }
    }

    /// Readable by whoever may read the partnership.
    public func framework(of id: UUID, by caller: Caller) async throws -> FrameworkView {
        let partnership = try await find(id, by: caller)
        async let framework = partnerships.framework(of: id)
        async let reports = partnerships.reports(of: id)
        async let changes = partnerships.frameworkChanges(of: id)
        let standing = Self.standing(of: caller, in: partnership)
        let allChanges = try await changes
        // Who asked for what is part of the review record: the public sees the framework only.
        let visibleChanges = standing.isInvolved ? allChanges : []
        let pending = allChanges.contains { $0.decision == nil }
        let acts = !caller.isViewer
        return FrameworkView(
            partnership: partnership,
            framework: try await framework,
            progress: IndicatorProgress.of(try await framework, reports: try await reports),
            changes: visibleChanges,
            mayRequestChange: acts && !pending && Self.mayRequestChange(standing, partnership),
            mayDecideChange: acts && pending && (standing.isReviewer || standing.isAdmin) && [.approved, .active].contains(partnership.state)
        )
    }

    /// Framework changes waiting in the caller's jurisdiction (admins: everywhere), the longest
    /// waiting first; other organizations have none to decide.
    public func frameworkChangeQueue(limit: Int, by caller: Caller) async throws -> [(partnership: Partnership, change: FrameworkChange)] {
        try Access.requireSignedIn(caller)
        let jurisdiction: String?
        if caller.isAdmin {
            jurisdiction = nil
        } else if caller.member?.kind == .governmentBody {
            // As the review queue: a suspended body, or one with no jurisdiction, reviews nothing.
            guard let scope = caller.reviewScope, scope.isNational || scope.jurisdiction != nil else { return [] }
            jurisdiction = scope.isNational ? nil : scope.jurisdiction
        } else {
            throw DomainError.forbidden(message: "The review queue belongs to government bodies.")
        }
        return try await partnerships.pendingFrameworkChanges(in: jurisdiction, limit: limit).map { (stamped($0.0), $0.1) }
    }

    /// A party asks to change the framework of an approved or active partnership; it takes
    /// effect when a reviewer accepts it. A proposal's framework is amended instead.
    public func requestFrameworkChange(
        _ id: UUID, framework: ResultsFramework, reason: String, by caller: Caller
    ) async throws -> FrameworkChange {
        try Access.requireSignedIn(caller)
        var issues = framework.issues()
        if reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            issues.append(FieldIssue(field: "reason", code: "required", message: "Say why the framework should change."))
        }
        if !issues.isEmpty { throw DomainError.invalid(issues) }
        return try await partnerships.requestFrameworkChange(id, framework: framework, reason: reason, by: caller.actor) { current in
            let standing = Self.standing(of: caller, in: current)
            guard standing.isInvolved || current.state.isPublic else { throw DomainError.notFound(resource: "partnership") }
            guard !standing.roles.isEmpty || standing.isAdmin else {
                throw DomainError.forbidden(message: "Only the partnership's parties may ask to change its results framework.")
            }
            try Access.requireNotViewer(caller, to: "change results frameworks")
            guard Self.mayRequestChange(standing, current) else {
                throw DomainError.conflict(
                    code: "invalid_transition",
                    message: current.state == .proposed
                        ? "A proposal's results framework is amended (PATCH), and the other parties consent again."
                        : "A partnership that is \(current.state.rawValue) has a results framework that no longer changes."
                )
            }
        }
    }

    /// A reviewer accepts or declines the pending change; declining says why.
    public func decideFrameworkChange(_ id: UUID, accept: Bool, comment: String?, by caller: Caller) async throws -> FrameworkChange {
        try Access.requireSignedIn(caller)
        if !accept, (comment ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw DomainError.invalid([FieldIssue(field: "comment", code: "required", message: "Say why the change is declined.")])
        }
        return try await partnerships.decideFrameworkChange(id, accept: accept, comment: comment, by: caller.actor) { current in
            let standing = Self.standing(of: caller, in: current)
            guard standing.isInvolved || current.state.isPublic else { throw DomainError.notFound(resource: "partnership") }
            guard standing.isReviewer || standing.isAdmin else {
                throw DomainError.forbidden(message: "Only a government body whose jurisdiction holds the project decides on framework changes.")
            }
            try Access.requireNotViewer(caller, to: "decide on framework changes")
            guard [.approved, .active].contains(current.state) else {
                throw DomainError.conflict(
                    code: "invalid_transition", message: "A partnership that is \(current.state.rawValue) keeps the results framework it ended with."
                )
            }
        }
    }

    static func mayRequestChange(_ standing: PartnershipLifecycle.Standing, _ partnership: Partnership) -> Bool {
        (!standing.roles.isEmpty || standing.isAdmin) && [.approved, .active].contains(partnership.state)
    }
}
