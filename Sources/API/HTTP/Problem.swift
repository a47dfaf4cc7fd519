import Foundation
import HTTPTypes
import Domain

/// An RFC 9457 problem document, the body of every error response.
struct Problem: Error, Sendable {
    let status: HTTPResponse.Status
    /// Short machine-readable name; the `type` URI is derived from it.
    let code: String
    let title: String
    let detail: String?
    var issues: [FieldIssue] = []
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, code: String, title: String, detail: String? = nil, issues: [FieldIssue] = []) {
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
        self.issues = issues
    }

    static func validation(_ issues: [FieldIssue]) -> Problem {
        Problem(
            .unprocessableContent, code: "validation", title: "Some fields are not valid.",
            detail: issues.map { "\($0.field): \($0.message)" }.joined(separator: " "), issues: issues
        )
    }

    static func malformedJSON(_ detail: String) -> Problem {
        Problem(.badRequest, code: "malformed-json", title: "The body is not valid JSON.", detail: detail)
    }

    static func notFound(_ resource: String) -> Problem {
        Problem(.notFound, code: "not-found", title: "Not found.", detail: "No \(resource) has this id.")
    }

    static let unknownRoute = Problem(.notFound, code: "not-found", title: "Not found.", detail: "No resource lives at this path.")

    static func methodNotAllowed(allowed: [HTTPRequest.Method]) -> Problem {
        var problem = Problem(
            .methodNotAllowed, code: "method-not-allowed", title: "Method not allowed.",
            detail: "This resource supports \(allowed.map(\.rawValue).joined(separator: ", "))."
        )
        problem.headers[.allow] = allowed.map(\.rawValue).joined(separator: ", ")
        return problem
    }

    static let unavailable: Problem = {
        var problem = Problem(
            .serviceUnavailable, code: "unavailable", title: "The service is temporarily unavailable.",
            detail: "The database cannot be reached. Try again shortly."
        )
        problem.headers[.retryAfter] = "2"
        return problem
    }()

    static let unauthenticated: Problem = {
        var problem = Problem(
            .unauthorized, code: "unauthenticated", title: "Authentication required.",
            detail: "Send a valid token as Authorization: Bearer <token>; it may have expired or been revoked."
        )
        problem.headers[.wwwAuthenticate] = "Bearer realm=\"asar\""
        return problem
    }()

    static func forbidden(_ detail: String) -> Problem {
        Problem(.forbidden, code: "forbidden", title: "Not allowed.", detail: detail)
    }

    static func preconditionFailed(currentVersion: Int) -> Problem {
        Problem(
            .preconditionFailed, code: "precondition-failed", title: "The resource has changed.",
            detail: "If-Match named an older version; the current ETag is \"\(currentVersion)\". Read it again and retry."
        )
    }

    static let internalError = Problem(
        .internalServerError, code: "internal", title: "Internal error.",
        detail: "Something went wrong on our side; it has been logged."
    )

    var body: ProblemBody {
        ProblemBody(
            type: "/problems/\(code)", title: title, status: status.code, detail: detail,
            errors: issues.isEmpty ? nil : issues.map { ProblemBody.Issue(field: $0.field, code: $0.code, message: $0.message) }
        )
    }
}

struct ProblemBody: Encodable {
    struct Issue: Encodable {
        let field: String
        let code: String
        let message: String
    }

    let type: String
    let title: String
    let status: Int
    let detail: String?
    let errors: [Issue]?
}
