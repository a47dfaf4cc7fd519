import Domain
import Foundation
import Matching
import Storage

/// Who reviews a call's applications: the call's government body keeps a pool of reviewers and
/// assigns them, by name or by ASAR's balancing, never with a conflict of interest.
extension CallService {
    /// Adds the person with this e-mail address (someone of the body's own, or an invited expert
    /// with an account) to the call's reviewers.
    public func addReviewer(to callID: UUID, email: String, by caller: Caller) async throws -> [CallReviewer] {
        let call = try await ownCall(callID, by: caller, to: "choose its reviewers")
        let address = email.trimmingCharacters(in: .whitespacesAndNewlines)
        guard ContactFormat.isEmail(address) else {
            throw DomainError.invalid([FieldIssue(field: "email", code: "invalid_email", message: "Give an e-mail address such as expert@example.kz.")])
        }
        guard try await calls.addReviewer(to: call.id, email: address) != nil else {
            throw DomainError.invalid([FieldIssue(
                field: "email", code: "unknown_person", message: "Nobody has an ASAR account with this address; ask them to register first."
            )])
        }
        return try await calls.reviewers(of: call.id)
    }

    public func reviewers(of callID: UUID, by caller: Caller) async throws -> [CallReviewer] {
        try await calls.reviewers(of: try await ownCall(callID, by: caller, to: "see its reviewers").id)
    }

    public func assignments(of callID: UUID, by caller: Caller) async throws -> [CallAssignment] {
        try await calls.assignments(of: try await ownCall(callID, by: caller, to: "see who reviews what").id)
    }

    /// Assigns a reviewer of the call's pool to a submitted application once applications have
    /// closed; a conflict of interest is refused with every rule it breaks.
    /// `callID`, when given, is the call the caller means: an application of another does not exist for it.
    public func assign(_ applicationID: UUID, to personID: UUID, inCall callID: UUID? = nil, by caller: Caller) async throws -> CallAssignment {
        if let callID { _ = try await ownCall(callID, by: caller, to: "assign its reviewers") }
        let application: CallApplication
        do {
            application = try await calls.findApplication(applicationID)
        } catch DomainError.notFound where callID != nil {
            throw DomainError.invalid([FieldIssue(field: "application_id", code: "unknown_application", message: "No application of this call has this id.")])
        }
        if let callID, application.callID != callID {
            throw DomainError.invalid([FieldIssue(field: "application_id", code: "unknown_application", message: "No application of this call has this id.")])
        }
        let call = try await ownCall(application.callID, by: caller, to: "assign its reviewers")
        let now = clock.now()
        let made = try await calls.assign([(applicationID, personID)], automatic: false) { call, application, inPool, complete, conflicts in
            try Self.requireAssignable(call, application, reviewsComplete: complete, at: now)
            guard inPool else {
                throw DomainError.invalid([FieldIssue(field: "person_id", code: "not_a_reviewer", message: "Add the person to the call's reviewers first.")])
            }
            if !conflicts.isEmpty {
                throw DomainError.invalid([FieldIssue(
                    field: "person_id", code: "conflict_of_interest", message: conflicts.map(\.message).joined(separator: " ")
                )])
            }
        }
        if let assignment = made.first { return assignment }
        // Assigned already: the existing assignment stands.
        guard let existing = try await calls.assignments(of: call.id).first(where: { $0.applicationID == applicationID && $0.personID == personID }) else {
            throw DomainError.conflict(code: "assignment_changed", message: "The assignment changed meanwhile; look again.")
        }
        return existing
    }

    /// Gives every submitted application of the call its reviewers from the pool: none with a
    /// conflict of interest, one from the application's region where one is free, the load even.
    /// Returns what it added and the applications left short of reviewers.
    public func assignAutomatically(_ callID: UUID, by caller: Caller) async throws -> (added: [CallAssignment], short: [UUID]) {
        let call = try await ownCall(callID, by: caller, to: "assign its reviewers")
        let now = clock.now()
        guard call.phase(at: now) == .reviewing else {
            throw DomainError.conflict(code: "call_not_in_review", message: "Reviewers are assigned after applications close and before the results.")
        }
        let reviewers = try await calls.reviewers(of: call.id)
        let regions = try await calls.applicationRegions(of: call.id)
        let conflicted = try await calls.conflictedPairs(of: call.id)
        let existing = try await calls.assignments(of: call.id)
        // Applications whose reviewers have all scored keep them (see `requireAssignable`).
        let complete = Set(try await calls.scores(of: call.id).filter { $0.value.isComplete }.keys)
        let applicationIDs = regions.keys.filter { !complete.contains($0) }.sorted { $0.precedes($1) }
        let reviewerIndex = Dictionary(uniqueKeysWithValues: reviewers.enumerated().map { ($1.personID, $0) })
        let existingByApplication = Dictionary(grouping: existing, by: \.applicationID)
        let problem = applicationIDs.map { id in
            ReviewerAssignment.Application(
                regions: regions[id] ?? [],
                conflicted: Set((conflicted[id] ?? []).compactMap { reviewerIndex[$0] }),
                assigned: Set((existingByApplication[id] ?? []).compactMap { reviewerIndex[$0.personID] })
            )
        }
        let result = ReviewerAssignment.assign(
            problem, to: reviewers.map { ReviewerAssignment.Reviewer(regions: $0.regions, load: $0.load) },
            perApplication: call.terms.reviewersPerApplication
        )
        let pairs = result.added.enumerated().flatMap { index, chosen in chosen.map { (applicationIDs[index], reviewers[$0].personID) } }
        // The same rules as a named assignment, checked again in the transaction that makes them.
        let added = try await calls.assign(pairs, automatic: true) { call, application, inPool, complete, conflicts in
            try Self.requireAssignable(call, application, reviewsComplete: complete, at: now)
            guard inPool, conflicts.isEmpty else {
                throw DomainError.conflict(code: "assignment_changed", message: "Reviewers or conflicts changed meanwhile; assign again.")
            }
        }
        return (added, result.short.map { applicationIDs[$0] })
    }

    /// A reviewer declares a conflict of interest with an application of a call they review:
    /// recorded with the reason, and their assignment to it, if any, undone.
    public func declareConflict(on applicationID: UUID, reason: String, reviewer personID: UUID) async throws {
        let application = try await calls.findApplication(applicationID)
        guard try await calls.reviewers(of: application.callID).contains(where: { $0.personID == personID }) else {
            throw DomainError.notFound(resource: "application")
        }
        let text = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...2_000).contains(text.unicodeScalars.count) else {
            throw DomainError.invalid([FieldIssue(field: "reason", code: "required", message: "Say in up to 2,000 characters what the conflict is.")])
        }
        try await calls.declareConflict(on: applicationID, by: personID, reason: text)
    }

    // MARK: - Checks

    /// The call, when the caller acts for its government body (or is an admin).
    func ownCall(_ id: UUID, by caller: Caller, to action: String) async throws -> Call {
        try Access.requireSignedIn(caller)
        let call = try await find(id, by: caller)
        try Access.requireActsFor(caller, call.governmentBodyID, to: action)
        return call
    }

    /// Once every reviewer of an application has scored it the reviewers have read each other's
    /// scores: a new reviewer would reopen them, so none is added.
    static func requireAssignable(_ call: Call, _ application: CallApplicationSummary, reviewsComplete: Bool, at now: Date) throws {
        guard call.phase(at: now) == .reviewing else {
            throw DomainError.conflict(code: "call_not_in_review", message: "Reviewers are assigned after applications close and before the results.")
        }
        guard application.state == .submitted else {
            throw DomainError.conflict(code: "application_\(application.state.rawValue)", message: "Only submitted applications are reviewed.")
        }
        guard !reviewsComplete else {
            throw DomainError.conflict(code: "reviews_complete", message: "Every reviewer of this application has scored it; their scores are final.")
        }
    }
}

/// Scoring: a reviewer scores each criterion of the applications assigned to them, blind to the
/// others' scores until all are in; where reviewers disagree by more than the call allows, a person
/// of the call's government body moderates.
extension CallService {
    /// A reviewer's scores, one per criterion in order, each from 0 to its scale, while the call
    /// is in review; they may be changed until every reviewer of the application has scored it.
    public func submitReview(of applicationID: UUID, scores: [Int], comment: String, reviewer personID: UUID) async throws -> CallReview {
        let application = try await calls.findApplication(applicationID)
        let call = try await calls.find(application.callID)
        var issues: [FieldIssue] = []
        if scores.count != call.terms.criteria.count {
            issues.append(FieldIssue(field: "scores", code: "wrong_count", message: "Score each of the \(call.terms.criteria.count) criteria, in order."))
        }
        for (offset, (score, criterion)) in zip(scores, call.terms.criteria).enumerated() where !(0...criterion.scaleMax).contains(score) {
            issues.append(FieldIssue(field: "scores[\(offset)]", code: "out_of_range", message: "Score this criterion from 0 to \(criterion.scaleMax)."))
        }
        let text = comment.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.unicodeScalars.count > 10_000 { issues.append(FieldIssue(field: "comment", code: "too_long", message: "At most 10,000 characters.")) }
        let now = clock.now()
        let total = call.terms.total(of: scores)
        let problems = issues
        return try await calls.submitReview(of: applicationID, by: personID, scores: scores, total: total, comment: text) { call, application, assigned, complete in
            guard assigned else { throw DomainError.notFound(resource: "application") }
            guard call.phase(at: now) == .reviewing else {
                throw DomainError.conflict(code: "call_not_in_review", message: "Reviews are taken after applications close and before the results.")
            }
            guard !complete else {
                throw DomainError.conflict(code: "reviews_complete", message: "Every reviewer has scored this application; the scores are final.")
            }
            if !problems.isEmpty { throw DomainError.invalid(problems) }
        }
    }

    /// An application's reviews as `personID` may read them: their own always; everyone's once all
    /// are in. For the call's government body and admins (`personID` nil), all once all are in.
    public func reviews(of applicationID: UUID, reader personID: UUID?, by caller: Caller) async throws -> (reviews: [CallReview], complete: Bool) {
        let application = try await calls.findApplication(applicationID)
        let (all, complete) = try await calls.reviews(of: applicationID)
        if let personID {
            let assigned = try await calls.assignments(ofPerson: personID).contains { $0.assignment.applicationID == applicationID }
            guard assigned || all.contains(where: { $0.personID == personID }) else { throw DomainError.notFound(resource: "application") }
            return (complete ? all : all.filter { $0.personID == personID }, complete)
        }
        _ = try await ownCall(application.callID, by: caller, to: "read its reviews")
        return (complete ? all : [], complete)
    }

    /// Each submitted application's score as the call's government body sees it: totals only once
    /// all reviews of an application are in.
    public func scores(of callID: UUID, by caller: Caller) async throws -> [UUID: ApplicationScore] {
        let call = try await ownCall(callID, by: caller, to: "read its scores")
        return try await calls.scores(of: call.id).mapValues { score in
            score.isComplete ? score : ApplicationScore(totals: [], expected: score.expected, moderated: score.moderated)
        }
    }

    /// The call's government body sets the score of an application whose reviewers' totals lie
    /// further apart than the call's spread, saying why: a person of it through the pages
    /// (`personID`, recorded), or the body through its API token (nil).
    public func moderate(_ applicationID: UUID, score: Double, comment: String, moderator personID: UUID?, by caller: Caller) async throws -> CallModeration {
        let application = try await calls.findApplication(applicationID)
        _ = try await ownCall(application.callID, by: caller, to: "moderate its reviews")
        var issues: [FieldIssue] = []
        if !(0...100).contains(score) || !score.isFinite { issues.append(FieldIssue(field: "score", code: "out_of_range", message: "A score from 0 to 100.")) }
        let text = comment.trimmingCharacters(in: .whitespacesAndNewlines)
        if !(1...4_000).contains(text.unicodeScalars.count) { issues.append(FieldIssue(field: "comment", code: "required", message: "Say in up to 4,000 characters why this score.")) }
        if !issues.isEmpty { throw DomainError.invalid(issues) }
        let now = clock.now()
        return try await calls.moderate(applicationID, by: personID, score: score, comment: text) { call, current in
            guard [.reviewing, .deciding].contains(call.phase(at: now)) else {
                throw DomainError.conflict(code: "call_not_in_review", message: "Scores are moderated after applications close and before the results are published.")
            }
            guard current.awaitsModeration(limit: call.terms.moderationSpread) else {
                throw DomainError.conflict(
                    code: "no_moderation_needed",
                    message: current.moderated != nil ? "A moderator has scored this application already."
                        : current.isComplete ? "The reviewers agree within the call's spread; their mean stands." : "Not every reviewer has scored it yet."
                )
            }
        }
    }
}
