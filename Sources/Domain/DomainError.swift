/// One problem with one input field; `field` is a JSON path such as `name.kk` or `regions[2]`.
public struct FieldIssue: Sendable, Equatable {
    public let field: String
    public let code: String
    public let message: String

    public init(field: String, code: String, message: String) {
        self.field = field
        self.code = code
        self.message = message
    }
}

/// Why a use case or a repository refused a request; the front doors map each case to their own form.
public enum DomainError: Error, Sendable, Equatable {
    /// The use case needs a caller with credentials.
    case unauthenticated
    case notFound(resource: String)
    /// The input is well-formed but not acceptable (unknown region, wrong legal form ...).
    case invalid([FieldIssue])
    /// The request clashes with the current state (duplicate BIN, closed project ...).
    case conflict(code: String, message: String)
    /// The caller may see the resource but not do this to it.
    case forbidden(message: String)
    /// `If-Match` named a version that is no longer current.
    case preconditionFailed(currentVersion: Int)
}
