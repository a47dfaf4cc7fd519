import Domain

/// Results frameworks and indicator values as the API takes them.
enum FrameworkInput {
    static let keys: Set<String> = ["indicators", "reporting_period_days"]
    static let magnitude = 1e12

    /// The framework in `reader`'s `indicators` and `reporting_period_days`; nil when neither is
    /// sent (then `current` stands) or when something is wrong (reported).
    static func framework(_ reader: ObjectReader, current: ResultsFramework = ResultsFramework()) -> ResultsFramework? {
        guard reader.has("indicators") || reader.has("reporting_period_days") else { return nil }
        reader.rejectNull("indicators")
        reader.rejectNull("reporting_period_days")
        let before = reader.issues.issues.count
        let period = reader.integer("reporting_period_days", in: Int64(ResultsFramework.periodDays.lowerBound)...Int64(ResultsFramework.periodDays.upperBound))
        let indicators = reader.objects("indicators", maxCount: ResultsFramework.maxIndicators)?.map { item in
            item.rejectUnknownKeys(["name", "unit", "baseline", "target"])
            item.requirePresent("name", "unit", "baseline", "target")
            return Indicator(
                name: item.string("name", maxLength: 200) ?? "", unit: item.string("unit", maxLength: 50) ?? "",
                baseline: item.number("baseline", magnitude: magnitude) ?? 0, target: item.number("target", magnitude: magnitude) ?? 0
            )
        }
        guard reader.issues.issues.count == before else { return nil }
        let framework = ResultsFramework(
            indicators: indicators ?? current.indicators, reportingPeriodDays: period.map(Int.init) ?? current.reportingPeriodDays
        )
        reader.issues.add(framework.issues().map { FieldIssue(field: reader.fieldName($0.field), code: $0.code, message: $0.message) })
        return framework
    }

    /// `indicator_values`: `[{"indicator": 1, "actual": 120}]`, each indicator once.
    static func values(_ reader: ObjectReader) -> [IndicatorValue] {
        var values: [IndicatorValue] = []
        for item in reader.objects("indicator_values", maxCount: ResultsFramework.maxIndicators) ?? [] {
            item.rejectUnknownKeys(["indicator", "actual"])
            item.requirePresent("indicator", "actual")
            guard let position = item.integer("indicator", in: 1...Int64(ResultsFramework.maxIndicators)),
                  let actual = item.number("actual", magnitude: magnitude) else { continue }
            if values.contains(where: { $0.position == Int(position) }) {
                item.issues.add(item.fieldName("indicator"), "duplicate", "Each indicator takes one value per report.")
                continue
            }
            values.append(IndicatorValue(position: Int(position), actual: actual))
        }
        return values
    }
}
