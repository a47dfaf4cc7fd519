import Domain
import Foundation
import Hummingbird
import Storage
import UseCases

/// A reviewer's side: the applications assigned to them across calls, and one of them with the
/// rubric to score it by. Scoring is blind: until every reviewer has scored, each sees only their
/// own scores; then everyone's, each reviewer named only by number.
extension CallParticipantPages {
    func person(_ request: Request, _ context: Context) throws -> UUID {
        try WorkspacePage<Context>.signedIn(request, context).person.id
    }

    @Sendable func assignmentList(_ request: Request, context: Context) async throws -> Response {
        let reviewer = try person(request, context)
        let words = try await workspace.words(context)
        let assigned = try await services.calls.assignedApplications(reviewer: reviewer)
        let items = assigned.map { item -> [String: Any] in
            [
                "id": item.application.id.lowercasedString,
                "callID": item.call.id.lowercasedString,
                "call": CallPublicPages<Context>.named(item.call.terms.title, words),
                "project": CallPublicPages<Context>.named(item.projectTitle, words),
                "state": words.t(
                    item.complete ? "callpart_assignment_complete" : item.reviewed ? "callpart_assignment_scored" : "callpart_assignment_to_score"
                ),
                "toScore": !item.reviewed && !item.complete,
                "due": words.time(item.call.terms.reviewsDueAt, withClock: true),
            ]
        }
        let view: [String: Any] = [
            "assignments": items,
            "hasAssignments": !items.isEmpty,
            "count": words.t("callpart_assignments_count", Format.integer(items.count), Format.integer(items.filter { $0["toScore"] as? Bool == true }.count)),
            "notice": notice(request, words: words, ["conflict"]),
        ]
        return workspace.page("call-assignments", title: words.t("callpart_assignments_title"), view: view, request: request, context: context)
    }

    @Sendable func assignmentForm(_ request: Request, context: Context) async throws -> Response {
        let reviewer = try person(request, context)
        let words = try await workspace.words(context)
        let item = try await services.calls.assignedApplication(try workspace.id(context), reviewer: reviewer)
        var view = try await assignmentView(item, reviewer: reviewer, form: nil, errors: FieldErrors(), words: words, context: context)
        view["notice"] = notice(request, words: words, ["scored"])
        return workspace.page("call-assignment", title: words.t("callpart_assignment_title"), view: view, request: request, context: context)
    }

    @Sendable func assignmentSave(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request, context: context)
        let reviewer = try person(request, context)
        let words = try await workspace.words(context)
        let item = try await services.calls.assignedApplication(try workspace.id(context), reviewer: reviewer)
        let id = item.application.id
        var errors = FieldErrors()
        var problem: String?
        if form["action"] == "conflict" {
            do {
                try await services.calls.declareConflict(on: id, reason: form["reason"], reviewer: reviewer)
                return workspace.redirect("/workspace/assignments?done=conflict")
            } catch DomainError.invalid {
                errors.add("reason", words.t("callpart_error_reason"))
            }
        } else {
            let criteria = item.call.terms.criteria
            var scores: [Int] = []
            for (offset, criterion) in criteria.enumerated() {
                if let score = Int(form["score_\(offset + 1)"]), (0...criterion.scaleMax).contains(score) {
                    scores.append(score)
                } else {
                    errors.add("score_\(offset + 1)", words.t("callpart_error_score", Format.integer(criterion.scaleMax)))
                }
            }
            if form["comment"].count > 10_000 { errors.add("comment", words.t("callpart_error_comment")) }
            if errors.isEmpty {
                do {
                    _ = try await services.calls.submitReview(of: id, scores: scores, comment: form["comment"], reviewer: reviewer)
                    return workspace.redirect("/workspace/assignments/\(id.lowercasedString)?done=scored")
                } catch DomainError.invalid(let issues) {
                    for issue in issues {
                        let index = Int(issue.field.dropFirst("scores[".count).prefix { $0.isNumber }) ?? 0
                        if issue.field == "comment" {
                            errors.add("comment", words.t("callpart_error_comment"))
                        } else {
                            let scale = criteria[ifPresent: index]?.scaleMax ?? 0
                            errors.add("score_\(index + 1)", words.t("callpart_error_score", Format.integer(scale)))
                        }
                    }
                } catch DomainError.conflict(let code, _) {
                    problem = words.t(code == "reviews_complete" ? "callpart_review_final" : "callpart_review_not_in_review")
                }
            }
        }
        let fresh = try await services.calls.assignedApplication(id, reviewer: reviewer)
        var view = try await assignmentView(fresh, reviewer: reviewer, form: form, errors: errors, words: words, context: context)
        if let problem { view["problem"] = problem }
        return workspace.page(
            "call-assignment", title: words.t("callpart_assignment_title"), view: view, request: request, context: context,
            status: problem != nil && errors.isEmpty ? .conflict : .unprocessableContent
        )
    }

    func assignmentView(
        _ item: CallService.AssignedApplication, reviewer: UUID, form: FormData?, errors: FieldErrors, words: Vocabulary, context: Context
    ) async throws -> [String: Any] {
        let call = item.call, application = item.application, terms = call.terms
        let (reviews, complete) = try await services.calls.reviews(of: application.id, reader: reviewer, by: context.caller)
        let own = reviews.first { $0.personID == reviewer }
        let phase = call.phase(at: services.calls.now())
        let mayScore = phase == .reviewing && !complete
        let errorView = errors.view
        let weights = max(1, terms.criteria.reduce(0) { $0 + $1.weight })
        let criteria = terms.criteria.enumerated().map { offset, criterion -> [String: Any] in
            let name = "score_\(offset + 1)"
            let chosen = form?[name] ?? own?.scores[ifPresent: offset].map(String.init) ?? ""
            return [
                "field": name,
                "name": CallPublicPages<Context>.named(criterion.name, words),
                "guidance": CallPublicPages<Context>.shownText(criterion.guidance, words),
                "weight": "\(Int((Double(criterion.weight) / Double(weights) * 100).rounded()))%",
                "scale": words.t("callpub_scale", Format.integer(criterion.scaleMax)),
                "options": (0...criterion.scaleMax).map { value -> [String: Any] in
                    ["value": String(value), "selected": String(value) == chosen]
                },
                "error": errorView[name] ?? false,
            ]
        }
        func row(_ review: CallReview, label: String) -> [String: Any] {
            [
                "label": label,
                "scores": review.scores.map { Format.integer($0) },
                "total": CallPublicPages<Context>.decimal(review.total, words),
                "comment": review.comment,
                "hasComment": !review.comment.isEmpty,
                "own": review.personID == reviewer,
            ]
        }
        var view: [String: Any] = [
            "id": application.id.lowercasedString,
            "callID": call.id.lowercasedString,
            "call": CallPublicPages<Context>.named(terms.title, words),
            "project": CallPublicPages<Context>.named(item.projectTitle, words),
            "summary": CallPublicPages<Context>.shownText(item.projectSummary, words),
            "amount": Format.money(application.draft.amountKZT),
            "due": words.time(terms.reviewsDueAt, withClock: true),
            "answers": terms.questions.enumerated().map { offset, question -> [String: Any] in
                ["question": CallPublicPages<Context>.named(question.text, words), "answer": application.draft.answers[ifPresent: offset] ?? ""]
            },
            "hasAnswers": !terms.questions.isEmpty,
            "framework": Self.frameworkRows(application.draft.framework, words: words),
            "period": words.t("framework_period", Format.integer(application.draft.framework.reportingPeriodDays)),
            "criteria": criteria,
            "criterionNames": terms.criteria.map { CallPublicPages<Context>.named($0.name, words) },
            "comment": form.map { $0.raw("comment") } ?? own?.comment ?? "",
            "mayScore": mayScore,
            "scored": own != nil,
            "changeable": own != nil && mayScore,
            "complete": complete,
            "notInReview": !complete && phase != .reviewing ? words.t("callpart_review_not_in_review") : false,
            "errors": errors.view,
            "reason": form?.raw("reason") ?? "",
        ]
        if complete {
            view["reviews"] = reviews.enumerated().map { offset, review in
                let label = words.t("callpart_reviewer_n", Format.integer(offset + 1))
                return row(review, label: review.personID == reviewer ? words.t("callpart_reviewer_you", label) : label)
            }
            let mean = reviews.isEmpty ? 0 : reviews.reduce(0) { $0 + $1.total } / Double(reviews.count)
            view["mean"] = CallPublicPages<Context>.decimal(mean, words)
        } else if let own {
            view["own"] = row(own, label: words.t("callpart_reviewer_yours"))
        }
        return view
    }
}
