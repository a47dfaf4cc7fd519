import Foundation

/// One thing a partnership promises to change, measured in `unit` from `baseline` towards
/// `target` ("children enrolled", 0 → 120). A target below the baseline means "reduce"; one equal
/// to it, "keep it there". Positions, not names, identify indicators, so names may repeat.
public struct Indicator: Sendable, Equatable {
    public var name: String
    public var unit: String
    public var baseline: Double
    public var target: Double

    public init(name: String, unit: String, baseline: Double, target: Double) {
        self.name = name
        self.unit = unit
        self.baseline = baseline
        self.target = target
    }

    /// Whether `actual` reaches the target in the direction the indicator moves.
    public func isMet(by actual: Double) -> Bool {
        if target == baseline { return actual == target }
        return target > baseline ? actual >= target : actual <= target
    }

    /// How far from the baseline to the target `actual` has come, 0...1.
    public func progress(of actual: Double) -> Double {
        guard target != baseline else { return isMet(by: actual) ? 1 : 0 }
        return min(1, max(0, (actual - baseline) / (target - baseline)))
    }
}

/// The indicators a partnership reports on and how often it reports.
public struct ResultsFramework: Sendable, Equatable {
    public static let maxIndicators = 20
    public static let periodDays: ClosedRange<Int> = 7...365
    public static let defaultPeriodDays = 90

    public var indicators: [Indicator]
    public var reportingPeriodDays: Int
    /// When a reviewer last accepted a change: values reported before measured other indicators.
    public var changedAt: Date?

    public init(indicators: [Indicator] = [], reportingPeriodDays: Int = ResultsFramework.defaultPeriodDays) {
        self.indicators = indicators
        self.reportingPeriodDays = reportingPeriodDays
    }

    /// What is wrong with the framework, field by field (`indicators[2].name`).
    public func issues() -> [FieldIssue] {
        var issues: [FieldIssue] = []
        if indicators.count > Self.maxIndicators {
            issues.append(FieldIssue(field: "indicators", code: "too_many", message: "At most \(Self.maxIndicators) indicators."))
        }
        if !Self.periodDays.contains(reportingPeriodDays) {
            issues.append(FieldIssue(
                field: "reporting_period_days", code: "out_of_range",
                message: "The reporting period must be between \(Self.periodDays.lowerBound) and \(Self.periodDays.upperBound) days."
            ))
        }
        for (offset, indicator) in indicators.enumerated() {
            let field = "indicators[\(offset)]"
            let name = indicator.name.trimmingCharacters(in: .whitespacesAndNewlines)
            if name.isEmpty || name.count > 200 {
                issues.append(FieldIssue(field: "\(field).name", code: "invalid", message: "Name the indicator in 1 to 200 characters."))
            }
            let unit = indicator.unit.trimmingCharacters(in: .whitespacesAndNewlines)
            if unit.isEmpty || unit.count > 50 {
                issues.append(FieldIssue(field: "\(field).unit", code: "invalid", message: "Give the unit in 1 to 50 characters."))
            }
            for (value, key) in [(indicator.baseline, "baseline"), (indicator.target, "target")] where !value.isFinite || abs(value) > 1e12 {
                issues.append(FieldIssue(field: "\(field).\(key)", code: "out_of_range", message: "The \(key) must be a number of at most 10¹² in size."))
            }
        }
        return issues
    }
}

/// One indicator's value as a report recorded it (positions run from 1).
public struct IndicatorValue: Sendable, Equatable {
    public let position: Int
    public let actual: Double

    public init(position: Int, actual: Double) {
        self.position = position
        self.actual = actual
    }
}

/// A request to change the framework of an approved or active partnership, which a reviewer
/// accepts or declines.
public struct FrameworkChange: Sendable, Equatable {
    public enum Decision: String, Sendable { case accepted, declined }

    public let id: UUID
    public let partnershipID: UUID
    public let framework: ResultsFramework
    public let reason: String
    public let requestedBy: UUID?
    public let requestedAt: Date
    public let decision: Decision?
    public let decidedAt: Date?
    public let comment: String?

    public init(
        id: UUID, partnershipID: UUID, framework: ResultsFramework, reason: String, requestedBy: UUID?, requestedAt: Date,
        decision: Decision?, decidedAt: Date?, comment: String?
    ) {
        self.id = id
        self.partnershipID = partnershipID
        self.framework = framework
        self.reason = reason
        self.requestedBy = requestedBy
        self.requestedAt = requestedAt
        self.decision = decision
        self.decidedAt = decidedAt
        self.comment = comment
    }
}

/// Each indicator with the latest value reported for it.
public struct IndicatorProgress: Sendable, Equatable {
    public let position: Int
    public let indicator: Indicator
    public let latest: Double?

    public init(position: Int, indicator: Indicator, latest: Double?) {
        self.position = position
        self.indicator = indicator
        self.latest = latest
    }

    public var isMet: Bool { latest.map(indicator.isMet(by:)) ?? false }

    /// Each indicator of `framework` with the value of the latest report that measured it.
    public static func of(_ framework: ResultsFramework, reports: [PartnershipReport]) -> [IndicatorProgress] {
        var latest: [Int: Double] = [:]
        for report in reports.sorted(by: { $0.createdAt < $1.createdAt }) where report.createdAt >= (framework.changedAt ?? .distantPast) {
            for value in report.values { latest[value.position] = value.actual }
        }
        return framework.indicators.enumerated().map { offset, indicator in
            IndicatorProgress(position: offset + 1, indicator: indicator, latest: latest[offset + 1])
        }
    }
}

/// When reports are due: one reporting period after the work started and after each report, with
/// a grace period before the partnership counts as overdue.
public struct ReportingPolicy: Sendable, Equatable {
    public static let defaultGraceDays = 14
    public static let defaultReminderDays = 7

    public let graceDays: Int
    /// How long before a report is due the NGO is reminded.
    public let reminderDays: Int

    public init(graceDays: Int = ReportingPolicy.defaultGraceDays, reminderDays: Int = ReportingPolicy.defaultReminderDays) {
        self.graceDays = graceDays
        self.reminderDays = reminderDays
    }

    /// When the next report is due, for an active partnership.
    public static func dueAt(state: PartnershipState, activatedAt: Date?, lastReportAt: Date?, periodDays: Int) -> Date? {
        guard state == .active, let start = [activatedAt, lastReportAt].compactMap({ $0 }).max() else { return nil }
        return start.addingTimeInterval(Double(periodDays) * 86_400)
    }

    /// Whether a report due at `dueAt` is missing past the grace period at `now`.
    public func isOverdue(dueAt: Date?, now: Date) -> Bool {
        guard let dueAt else { return false }
        return now > dueAt.addingTimeInterval(Double(graceDays) * 86_400)
    }
}
