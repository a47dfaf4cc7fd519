import Domain
import Foundation
import Storage

/// A reviewer's own side of a call: the applications assigned to them, each with its call, the
/// project it is for and where the reviews stand. Only the assigned person reads them this way.
extension CallService {
    /// One application assigned to a reviewer, as their pages show it.
    public struct AssignedApplication: Sendable {
        public let call: Call
        public let application: CallApplication
        public let projectTitle: LocalizedText
        public let projectSummary: LocalizedText
        public let assignedAt: Date
        /// The reviewer has scored it.
        public let reviewed: Bool
        /// Every reviewer assigned to it has scored it: the scores are final and read by all of them.
        public let complete: Bool
    }

    /// The applications assigned to the person, newest assignment first.
    public func assignedApplications(reviewer personID: UUID) async throws -> [AssignedApplication] {
        let assignments = try await calls.assignments(ofPerson: personID)
        guard !assignments.isEmpty else { return [] }
        let applications = try await calls.findApplications(assignments.map(\.assignment.applicationID))
        let callsByID = try await calls.find(Array(Set(applications.values.map(\.callID))))
        let texts = try await calls.projectTexts(applications.values.map(\.draft.projectID))
        let complete = try await calls.reviewsComplete(Array(applications.keys))
        return assignments.compactMap { assignment, reviewed in
            guard let application = applications[assignment.applicationID], let call = callsByID[application.callID] else { return nil }
            let text = texts[application.draft.projectID]
            return AssignedApplication(
                call: call, application: application, projectTitle: text?.title ?? LocalizedText(), projectSummary: text?.summary ?? LocalizedText(),
                assignedAt: assignment.assignedAt, reviewed: reviewed, complete: complete[application.id] ?? false
            )
        }
    }

    /// One application assigned to the person; not found for anyone else.
    public func assignedApplication(_ applicationID: UUID, reviewer personID: UUID) async throws -> AssignedApplication {
        let assignments = try await calls.assignments(ofPerson: personID)
        guard let (assignment, reviewed) = assignments.first(where: { $0.assignment.applicationID == applicationID }) else {
            throw DomainError.notFound(resource: "application")
        }
        let application = try await calls.findApplication(applicationID)
        let call = try await calls.find(application.callID)
        let text = try await calls.projectTexts([application.draft.projectID])[application.draft.projectID]
        let complete = try await calls.reviewsComplete([applicationID])[applicationID] ?? false
        return AssignedApplication(
            call: call, application: application, projectTitle: text?.title ?? LocalizedText(), projectSummary: text?.summary ?? LocalizedText(),
            assignedAt: assignment.assignedAt, reviewed: reviewed, complete: complete
        )
    }
}

/// The same for an integration acting for a reviewer through their personal token: reviewers are
/// people, and an organization's token speaks for no one person.
extension CallService {
    public func assignedApplications(by caller: Caller) async throws -> [AssignedApplication] {
        try await assignedApplications(reviewer: Access.requirePerson(caller, to: "read their review assignments"))
    }

    public func assignedApplication(_ applicationID: UUID, by caller: Caller) async throws -> AssignedApplication {
        try await assignedApplication(applicationID, reviewer: Access.requirePerson(caller, to: "read a review assignment"))
    }

    /// The reviewer's own review until every reviewer has scored, then everyone's.
    public func reviewsAsReviewer(of applicationID: UUID, by caller: Caller) async throws -> (reviews: [CallReview], complete: Bool) {
        try await reviews(of: applicationID, reader: Access.requirePerson(caller, to: "read reviews as a reviewer"), by: caller)
    }

    public func submitReview(of applicationID: UUID, scores: [Int], comment: String, by caller: Caller) async throws -> CallReview {
        try await submitReview(of: applicationID, scores: scores, comment: comment, reviewer: Access.requirePerson(caller, to: "score an application"))
    }

    public func declareConflict(on applicationID: UUID, reason: String, by caller: Caller) async throws {
        try await declareConflict(on: applicationID, reason: reason, reviewer: Access.requirePerson(caller, to: "declare a conflict of interest"))
    }
}
