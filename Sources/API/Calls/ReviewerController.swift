import Domain
import Foundation
import Hummingbird
import Storage
import UseCases

/// A reviewer's side of calls, for a review tool carrying the reviewer's personal token: the
/// applications assigned to them, their scores and declared conflicts. Scores stay blind until
/// every reviewer of an application has scored it.
struct ReviewerController {
    let calls: CallService

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/v1/reviewer/assignments", use: list)
        router.get("/v1/reviewer/assignments/:id", use: show)
        router.put("/v1/reviewer/assignments/:id/review", use: review)
        router.post("/v1/reviewer/assignments/:id/conflict", use: declareConflict)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Reply<ListResource<ReviewerAssignmentResource>> {
        let now = calls.now()
        let items = try await calls.assignedApplications(by: context.caller).map { ReviewerAssignmentResource($0, reviews: nil, now: now) }
        return Reply(ListResource(items: items))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Reply<ReviewerAssignmentResource> {
        let id = try context.resourceID("application")
        let assigned = try await calls.assignedApplication(id, by: context.caller)
        let reviews = try await calls.reviewsAsReviewer(of: id, by: context.caller)
        return Reply(ReviewerAssignmentResource(assigned, reviews: (reviews.reviews, context.caller.personID), now: calls.now()))
    }

    /// Scores, one per criterion in order; the reviewer may change them until everyone has scored.
    @Sendable func review(_ request: Request, context: AppRequestContext) async throws -> Reply<ReviewerAssignmentResource.Review> {
        let id = try context.resourceID("application")
        let issues = IssueCollector()
        let reader = ObjectReader(try await JSONBody.object(from: request), issues: issues)
        reader.rejectUnknownKeys(["scores", "comment"])
        reader.requirePresent("scores")
        let scores = Self.scores(reader)
        let comment = reader.string("comment", maxLength: 10_000, allowEmpty: true) ?? ""
        try issues.throwIfAny()
        let review = try await calls.submitReview(of: id, scores: scores, comment: comment, by: context.caller)
        return Reply(ReviewerAssignmentResource.Review(review, own: true))
    }

    @Sendable func declareConflict(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.resourceID("application")
        let issues = IssueCollector()
        let reader = ObjectReader(try await JSONBody.object(from: request), issues: issues)
        reader.rejectUnknownKeys(["reason"])
        reader.requirePresent("reason")
        let reason = reader.string("reason", maxLength: 2_000)
        try issues.throwIfAny()
        try await calls.declareConflict(on: id, reason: reason ?? "", by: context.caller)
        return Response(status: .noContent)
    }

    /// `scores`: whole numbers; their count and ranges are the call's to judge.
    static func scores(_ reader: ObjectReader) -> [Int] {
        guard let items = reader.items("scores", maxCount: CallTerms.maxCriteria, of: "whole numbers") else { return [] }
        return items.enumerated().map { index, item in
            guard case .integer(let score) = item else {
                reader.issues.add("scores[\(index)]", "wrong_type", "scores[\(index)] must be a whole number, not \(item.typeName).")
                return 0
            }
            guard let value = Int(exactly: score), (0...1_000).contains(value) else {
                reader.issues.add("scores[\(index)]", "out_of_range", "scores[\(index)] must be from 0 to the criterion's scale.")
                return 0
            }
            return value
        }
    }
}

/// An application assigned to the reviewer: the call's questions and rubric, the application's
/// answers, and the reviews the reviewer may read (their own; everyone's once all are in, with
/// no reviewer named but themselves).
struct ReviewerAssignmentResource: Encodable {
    struct Review: Encodable {
        /// True for the reviewer's own review.
        let own: Bool
        let scores: [Int]
        let total: Double
        let comment: String
        let submittedAt: Date

        init(_ review: CallReview, own: Bool) {
            self.own = own
            scores = review.scores
            total = review.total
            comment = review.comment
            submittedAt = review.submittedAt
        }
    }

    let applicationId: String
    let callId: String
    let callTitle: LocalizedTextResource
    let callPhase: String
    let reviewsDueAt: Date
    let projectTitle: LocalizedTextResource
    let projectSummary: LocalizedTextResource
    let assignedAt: Date
    let reviewed: Bool
    let complete: Bool
    /// In the detail only.
    let questions: [CallResource.Question]?
    let criteria: [CallResource.Criterion]?
    let application: ApplicationResource?
    let reviews: [Review]?

    init(_ assigned: CallService.AssignedApplication, reviews: (all: [CallReview], reader: UUID?)?, now: Date) {
        let call = CallResource(assigned.call, now: now)
        applicationId = assigned.application.id.lowercasedString
        callId = call.id
        callTitle = call.title
        callPhase = call.phase
        reviewsDueAt = call.reviewsDueAt
        projectTitle = LocalizedTextResource(assigned.projectTitle)
        projectSummary = LocalizedTextResource(assigned.projectSummary)
        assignedAt = assigned.assignedAt
        reviewed = assigned.reviewed
        complete = assigned.complete
        questions = reviews == nil ? nil : call.questions
        criteria = reviews == nil ? nil : call.criteria
        application = reviews == nil ? nil : ApplicationResource(assigned.application)
        self.reviews = reviews.map { reviews in reviews.all.map { Review($0, own: $0.personID == reviews.reader) } }
    }
}
