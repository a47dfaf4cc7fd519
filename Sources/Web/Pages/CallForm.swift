import Domain
import Foundation

/// The terms of a call as its form holds them: every field as typed, so nothing is lost on an
/// error; read into `CallTerms` with a message beside each field that is wrong.
struct CallForm {
    static let criterionRows = 5
    static let textFields = ["title_kk", "title_ru", "title_en", "description_kk", "description_ru", "description_en", "questions",
                             "territory", "state_budget", "min_grant", "max_grant", "pass_mark", "reviewers", "spread", "min_years",
                             "opens", "closes", "reviews_due", "results"]
    static let flags = ["partial_funding", "verified_only", "territory_only", "no_overdue"]

    var values: [String: String]
    var focusAreas: Set<String> = []

    init(values: [String: String]) {
        self.values = values
    }

    init(_ form: FormData) {
        values = [:]
        for field in Self.textFields { values[field] = form.raw(field) }
        for flag in Self.flags where !form[flag].isEmpty { values[flag] = "1" }
        for row in 1...Self.criterionRows {
            for part in ["name", "weight", "scale", "guidance"] { values["criterion_\(part)_\(row)"] = form.raw("criterion_\(part)_\(row)") }
        }
        focusAreas = Set(form.values.keys.filter { $0.hasPrefix("focus_") }.map { String($0.dropFirst("focus_".count)) })
    }

    /// A stored call's terms, in the language the form edits them in: Russian for the questions
    /// and rubric when given (the form keeps one language of those; the API takes all three).
    init(_ terms: CallTerms) {
        func money(_ value: Int64) -> String { String(value) }
        values = [
            "title_kk": terms.title.kk ?? "", "title_ru": terms.title.ru ?? "", "title_en": terms.title.en ?? "",
            "description_kk": terms.description.kk ?? "", "description_ru": terms.description.ru ?? "", "description_en": terms.description.en ?? "",
            "questions": terms.questions.map { $0.text.ru ?? $0.text.kk ?? $0.text.en ?? "" }.joined(separator: "\n"),
            "territory": terms.territory ?? "", "state_budget": money(terms.stateBudgetKZT), "min_grant": money(terms.minGrantKZT),
            "max_grant": money(terms.maxGrantKZT), "pass_mark": Format.number(terms.passMark).replacingOccurrences(of: ",", with: "."),
            "reviewers": String(terms.reviewersPerApplication), "spread": Format.number(terms.moderationSpread).replacingOccurrences(of: ",", with: "."),
            "min_years": String(terms.eligibility.minYearsActive),
            "opens": Format.machineDate(terms.opensAt), "closes": Format.machineDate(terms.closesAt),
            "reviews_due": Format.machineDate(terms.reviewsDueAt), "results": Format.machineDate(terms.resultsAt),
        ]
        if terms.partialFunding { values["partial_funding"] = "1" }
        if terms.eligibility.verifiedOnly { values["verified_only"] = "1" }
        if terms.eligibility.territoryOnly { values["territory_only"] = "1" }
        if terms.eligibility.noOverdueReports { values["no_overdue"] = "1" }
        for (offset, criterion) in terms.criteria.prefix(Self.criterionRows).enumerated() {
            let row = offset + 1
            values["criterion_name_\(row)"] = criterion.name.ru ?? criterion.name.kk ?? criterion.name.en ?? ""
            values["criterion_guidance_\(row)"] = criterion.guidance.ru ?? criterion.guidance.kk ?? criterion.guidance.en ?? ""
            values["criterion_weight_\(row)"] = String(criterion.weight)
            values["criterion_scale_\(row)"] = String(criterion.scaleMax)
        }
        focusAreas = Set(terms.focusAreas)
    }

    subscript(_ field: String) -> String { values[field] ?? "" }

    /// Whether the form holds these terms without losing any: questions and criteria in one
    /// language (as the form writes them), no more criteria than its rows, the default answer limit.
    static func fits(_ terms: CallTerms) -> Bool {
        func single(_ text: LocalizedText) -> Bool { [text.kk, text.ru, text.en].compactMap { $0 }.count <= 1 && text.kk == nil && text.en == nil }
        return terms.criteria.count <= criterionRows
            && terms.questions.allSatisfy { single($0.text) && $0.maxLength == CallQuestion(text: $0.text).maxLength }
            && terms.criteria.allSatisfy { single($0.name) && single($0.guidance) }
    }

    /// The terms, or nil with `errors` saying what to correct; what only the use case knows (the
    /// territory against the body's jurisdiction) it says in its turn.
    func terms(words: Vocabulary, errors: inout FieldErrors) -> CallTerms? {
        func whole(_ field: String, _ range: ClosedRange<Int64>) -> Int64? {
            let digits = self[field].filter { !$0.isWhitespace && $0 != "\u{202F}" && $0 != "\u{00A0}" }
            guard let value = Int64(digits), range.contains(value) else {
                // One message for each criterion row's weight and scale.
                let key = field.hasPrefix("criterion_") ? String(field.prefix { !$0.isNumber }.dropLast()) : field
                errors.add(field, words.t("call_error_\(key)"))
                return nil
            }
            return value
        }
        func number(_ field: String, _ range: ClosedRange<Double>) -> Double? {
            guard let value = Double(self[field].replacingOccurrences(of: ",", with: ".").trimmingCharacters(in: .whitespaces)), range.contains(value) else {
                errors.add(field, words.t("call_error_\(field)"))
                return nil
            }
            return value
        }
        func day(_ field: String, endOfDay: Bool) -> Date? {
            guard let end = Self.endOfDay(self[field]) else {
                errors.add(field, words.t("call_error_date"))
                return nil
            }
            // parseDay gives the day's last second; a call opens at the day's start.
            return endOfDay ? end : end.addingTimeInterval(-86_399)
        }
        let title = LocalizedText(kk: Self.given(self["title_kk"]), ru: Self.given(self["title_ru"]), en: Self.given(self["title_en"]))
        if title.kk == nil && title.ru == nil && title.en == nil { errors.add("title_ru", words.t("call_error_title")) }
        for language in ["kk", "ru", "en"] where self["title_\(language)"].count > 300 { errors.add("title_\(language)", words.t("call_error_too_long", "300")) }
        let description = LocalizedText(kk: Self.given(self["description_kk"]), ru: Self.given(self["description_ru"]), en: Self.given(self["description_en"]))
        let budget = whole("state_budget", 0...Self.maxKZT)
        let minGrant = whole("min_grant", 1...Self.maxKZT)
        let maxGrant = whole("max_grant", 1...Self.maxKZT)
        if let minGrant, let maxGrant, maxGrant < minGrant { errors.add("max_grant", words.t("call_error_max_below_min")) }
        let passMark = number("pass_mark", 0...100)
        let reviewers = whole("reviewers", Int64(CallTerms.reviewerCounts.lowerBound)...Int64(CallTerms.reviewerCounts.upperBound))
        let spread = number("spread", 1...100)
        let years = whole("min_years", 0...Int64(CallEligibility.years.upperBound))
        let opens = day("opens", endOfDay: false), closes = day("closes", endOfDay: true)
        let reviewsDue = day("reviews_due", endOfDay: true), results = day("results", endOfDay: true)
        if let opens, let closes, closes <= opens { errors.add("closes", words.t("call_error_closes")) }
        if let closes, let reviewsDue, reviewsDue < closes { errors.add("reviews_due", words.t("call_error_reviews_due")) }
        if let reviewsDue, let results, results < reviewsDue { errors.add("results", words.t("call_error_results")) }
        let questions = self["questions"].split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if questions.count > CallTerms.maxQuestions { errors.add("questions", words.t("call_error_questions", String(CallTerms.maxQuestions))) }
        if questions.contains(where: { $0.count > 1_000 }) { errors.add("questions", words.t("call_error_too_long", "1000")) }
        var criteria: [CallCriterion] = []
        for row in 1...Self.criterionRows {
            let name = self["criterion_name_\(row)"].trimmingCharacters(in: .whitespacesAndNewlines)
            let guidance = self["criterion_guidance_\(row)"].trimmingCharacters(in: .whitespacesAndNewlines)
            guard !name.isEmpty || !guidance.isEmpty else { continue }
            if name.isEmpty { errors.add("criterion_name_\(row)", words.t("call_error_criterion_name")) }
            let weight = whole("criterion_weight_\(row)", Int64(CallCriterion.weights.lowerBound)...Int64(CallCriterion.weights.upperBound))
            let scale = whole("criterion_scale_\(row)", Int64(CallCriterion.scales.lowerBound)...Int64(CallCriterion.scales.upperBound))
            criteria.append(CallCriterion(
                name: LocalizedText(ru: Self.given(name)), guidance: LocalizedText(ru: Self.given(guidance)),
                weight: Int(weight ?? 1), scaleMax: Int(scale ?? 5)
            ))
        }
        if criteria.isEmpty { errors.add("criterion_name_1", words.t("call_error_criteria")) }
        guard errors.isEmpty, let budget, let minGrant, let maxGrant, let passMark, let reviewers, let spread, let years,
              let opens, let closes, let reviewsDue, let results else { return nil }
        return CallTerms(
            title: title, description: description, focusAreas: focusAreas.sorted(), territory: Self.given(self["territory"]),
            stateBudgetKZT: budget, minGrantKZT: minGrant, maxGrantKZT: maxGrant, partialFunding: !self["partial_funding"].isEmpty,
            eligibility: CallEligibility(
                verifiedOnly: !self["verified_only"].isEmpty, territoryOnly: !self["territory_only"].isEmpty,
                minYearsActive: Int(years), noOverdueReports: !self["no_overdue"].isEmpty
            ),
            passMark: passMark, reviewersPerApplication: Int(reviewers), moderationSpread: spread,
            opensAt: opens, closesAt: closes, reviewsDueAt: reviewsDue, resultsAt: results,
            questions: questions.map { CallQuestion(text: LocalizedText(ru: $0)) }, criteria: criteria
        )
    }

    /// As the API's budgets allow.
    static let maxKZT: Int64 = 1_000_000_000_000_000

    /// The last second of a day written YYYY-MM-DD, in Kazakhstan's time.
    static func endOfDay(_ text: String) -> Date? {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (2000...2099).contains(parts[0]), (1...12).contains(parts[1]), (1...31).contains(parts[2]) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = Format.timeZone
        guard let start = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])),
              calendar.component(.day, from: start) == parts[2] else { return nil }
        return start.addingTimeInterval(86_399)
    }

    static func given(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }

    /// The use case's issues beside the form's fields, in the reader's language.
    static func add(_ issues: [FieldIssue], to errors: inout FieldErrors, words: Vocabulary) {
        for issue in issues {
            let field = issue.field
            if field.hasPrefix("territory") {
                errors.add("territory", words.t("call_error_territory"))
            } else if field.hasPrefix("focus_areas") {
                errors.add("focus", words.t("call_error_focus"))
            } else if field.hasPrefix("title") {
                errors.add("title_ru", words.t("call_error_title"))
            } else if field.hasPrefix("questions") {
                errors.add("questions", words.t("call_error_questions", String(CallTerms.maxQuestions)))
            } else if field.hasPrefix("criteria") {
                errors.add("criterion_name_1", words.t("call_error_criteria"))
            } else if field.hasPrefix("government_body") {
                errors.add("title_ru", issue.message)
            } else {
                let names = ["opens_at": "opens", "closes_at": "closes", "reviews_due_at": "reviews_due", "results_at": "results"]
                errors.add(names[field] ?? "title_ru", names[field] != nil ? words.t("call_error_date") : issue.message)
            }
        }
    }

    /// What the `call-form` template reads.
    func view(words: Vocabulary, territories: [[String: Any]], errors: FieldErrors) -> [String: Any] {
        var view: [String: Any] = values
        for flag in Self.flags { view[flag] = !self[flag].isEmpty }
        view["territories"] = territories
        view["focusAreas"] = words.snapshot.focusAreas
            .sorted { words.focusPrecedes($0.code, $1.code) }
            .map { ["code": $0.code, "name": $0.name.preferred(words.language), "checked": focusAreas.contains($0.code)] as [String: Any] }
        view["criteria"] = (1...Self.criterionRows).map { row -> [String: Any] in
            [
                "row": String(row), "name": self["criterion_name_\(row)"], "guidance": self["criterion_guidance_\(row)"],
                "weight": self["criterion_weight_\(row)"], "scale": self["criterion_scale_\(row)"],
                "error": ["name", "weight", "scale"].lazy.compactMap { errors.message(for: "criterion_\($0)_\(row)") }.first.map { $0 as Any } ?? false,
            ]
        }
        return view
    }
}
