import Domain
import Foundation
import UseCases

/// A results framework on a page: the indicator rows of a form (proposing, asking for a change),
/// reading them back, and the table of indicators with their progress.
enum FrameworkForm {
    /// Rows a form offers: the framework's indicators and this many empty ones (at least three in all).
    static let emptyRows = 2
    static let minimumRows = 3

    /// A number as people type it: spaces between digit groups, a comma or a point for decimals.
    static func number(_ text: String) -> Double? {
        let cleaned = text.filter { !$0.isWhitespace && $0 != "\u{202F}" && $0 != "\u{00A0}" }.replacingOccurrences(of: ",", with: ".")
        guard !cleaned.isEmpty, let value = Double(cleaned), value.isFinite, abs(value) <= 1e12 else { return nil }
        return value
    }

    /// A number as the page writes it: whole numbers without a decimal part, a decimal comma in
    /// Kazakh and Russian.
    static func text(_ value: Double, _ words: Vocabulary) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return Format.integer(Int64(value)) }
        let plain = String(value)
        return words.language == .en ? plain : plain.replacingOccurrences(of: ".", with: ",")
    }

    /// The framework a form sent; rows left wholly empty are skipped. Problems are added to
    /// `errors` under the row's own field names (`indicator_2_target`).
    static func read(_ form: FormData, words: Vocabulary, errors: inout FieldErrors) -> ResultsFramework? {
        let rowCount = min(ResultsFramework.maxIndicators, max(minimumRows, Int(form["indicator_rows"]) ?? minimumRows))
        var indicators: [Indicator] = []
        var rows: [Int] = []
        for row in 1...rowCount {
            let name = form["indicator_\(row)_name"], unit = form["indicator_\(row)_unit"]
            let baseline = form["indicator_\(row)_baseline"], target = form["indicator_\(row)_target"]
            if [name, unit, baseline, target].allSatisfy(\.isEmpty) { continue }
            if name.isEmpty || name.count > 200 { errors.add("indicator_\(row)_name", words.t("issue_indicator_name")) }
            if unit.isEmpty || unit.count > 50 { errors.add("indicator_\(row)_unit", words.t("issue_indicator_unit")) }
            let start = number(baseline), goal = number(target)
            if start == nil { errors.add("indicator_\(row)_baseline", words.t("issue_indicator_number")) }
            if goal == nil { errors.add("indicator_\(row)_target", words.t("issue_indicator_number")) }
            indicators.append(Indicator(name: name, unit: unit, baseline: start ?? 0, target: goal ?? 0))
            rows.append(row)
        }
        // A form without the field (an older page) keeps the default period.
        let period = form["reporting_period_days"].isEmpty ? ResultsFramework.defaultPeriodDays : form.whole("reporting_period_days").map(Int.init)
        if period.map({ !ResultsFramework.periodDays.contains($0) }) ?? true {
            errors.add("reporting_period_days", words.t("issue_reporting_period"))
        }
        let framework = ResultsFramework(indicators: indicators, reportingPeriodDays: period ?? ResultsFramework.defaultPeriodDays)
        if errors.isEmpty {
            for issue in framework.issues() {
                errors.add(Self.field(of: issue, rows: rows), words.t("issue_indicator_number"))
            }
        }
        return errors.isEmpty ? framework : nil
    }

    /// `indicators[1].target` → the form's `indicator_<row>_target`.
    static func field(of issue: FieldIssue, rows: [Int]) -> String {
        let parts = issue.field.split(whereSeparator: { "[].".contains($0) })
        guard parts.count == 3, parts[0] == "indicators", let index = Int(parts[1]), rows.indices.contains(index) else {
            return "reporting_period_days"
        }
        return "indicator_\(rows[index])_\(parts[2])"
    }

    /// The partial `indicator-fields` reads these: the rows as sent, or `framework`'s indicators,
    /// then empty rows.
    static func view(_ framework: ResultsFramework?, form: FormData?, errors: FieldErrors, words: Vocabulary) -> [String: Any] {
        let indicators = framework?.indicators ?? []
        let sent = form.map { min(ResultsFramework.maxIndicators, max(minimumRows, Int($0["indicator_rows"]) ?? minimumRows)) }
        let count = sent ?? min(ResultsFramework.maxIndicators, max(minimumRows, indicators.count + emptyRows))
        let errorView = errors.view
        let rows = (1...count).map { row -> [String: Any] in
            let known = indicators.indices.contains(row - 1) ? indicators[row - 1] : nil
            func field(_ key: String, _ label: String, _ value: String, numeric: Bool = false) -> [String: Any] {
                let name = "indicator_\(row)_\(key)"
                return [
                    "name": name, "label": words.t(label), "value": form?[name] ?? value, "numeric": numeric,
                    "error": errorView[name] ?? false,
                ]
            }
            return [
                "legend": words.t("indicator_number", String(row)),
                "fields": [
                    field("name", "indicator_name", known?.name ?? ""),
                    field("unit", "indicator_unit", known?.unit ?? ""),
                    field("baseline", "indicator_baseline", known.map { text($0.baseline, words) } ?? "", numeric: true),
                    field("target", "indicator_target", known.map { text($0.target, words) } ?? "", numeric: true),
                ],
            ]
        }
        return [
            "rows": rows,
            "rowCount": String(count),
            "period": form?["reporting_period_days"] ?? String(framework?.reportingPeriodDays ?? ResultsFramework.defaultPeriodDays),
            "periodError": errorView["reporting_period_days"] ?? false,
        ]
    }

    /// The partial `framework` reads these: the indicators with their latest values.
    static func progressView(
        _ progress: [IndicatorProgress], periodDays: Int, words: Vocabulary, pending: FrameworkChange? = nil
    ) -> [String: Any] {
        let met = progress.filter(\.isMet).count
        var view: [String: Any] = [
            "indicators": progress.map { item -> [String: Any] in
                [
                    "name": item.indicator.name, "unit": item.indicator.unit,
                    "baseline": text(item.indicator.baseline, words), "target": text(item.indicator.target, words),
                    "latest": item.latest.map { text($0, words) } ?? "—",
                    "status": item.latest == nil ? words.t("indicator_not_reported")
                        : item.isMet ? words.t("indicator_met")
                        : words.t("indicator_progress", Format.integer(Int((item.indicator.progress(of: item.latest!) * 100).rounded()))),
                    "met": item.isMet,
                ]
            },
            "hasIndicators": !progress.isEmpty,
            "period": words.t("framework_period", Format.integer(periodDays)),
            "summary": words.t("framework_met", Format.integer(met), Format.integer(progress.count)),
            "pending": false,
        ]
        if let pending {
            view["pending"] = [
                "date": words.time(pending.requestedAt),
                "reason": pending.reason,
                "period": words.t("framework_period", Format.integer(pending.framework.reportingPeriodDays)),
                "indicators": pending.framework.indicators.map { indicator -> [String: Any] in
                    ["name": indicator.name, "unit": indicator.unit, "baseline": text(indicator.baseline, words), "target": text(indicator.target, words)]
                },
            ]
        }
        return view
    }

    /// One input per indicator for a report, named `value_<position>`.
    static func valueFields(_ framework: ResultsFramework, form: FormData?, errors: FieldErrors, words: Vocabulary) -> [[String: Any]] {
        let errorView = errors.view
        return framework.indicators.enumerated().map { offset, indicator in
            let name = "value_\(offset + 1)"
            return [
                "name": name,
                "label": "\(indicator.name) (\(indicator.unit))",
                "hint": words.t("report_value_hint", text(indicator.baseline, words), text(indicator.target, words)),
                "value": form?[name] ?? "",
                "error": errorView[name] ?? false,
            ]
        }
    }

    /// The values a report form sent; empty fields are indicators not measured this time.
    static func values(_ form: FormData, framework: ResultsFramework, words: Vocabulary, errors: inout FieldErrors) -> [IndicatorValue] {
        framework.indicators.indices.compactMap { offset in
            let typed = form["value_\(offset + 1)"]
            guard !typed.isEmpty else { return nil }
            guard let actual = number(typed) else {
                errors.add("value_\(offset + 1)", words.t("issue_indicator_number"))
                return nil
            }
            return IndicatorValue(position: offset + 1, actual: actual)
        }
    }
}
