/// An error from the database layer.
///
/// `description` is deliberately vague so that server details never reach an HTTP client;
/// `debugDescription` (`String(reflecting:)`) carries the details for logs.
public struct PostgresError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public enum Code: Sendable, Equatable {
        /// The server could not be reached or refused the connection.
        case connectionFailed
        /// The connection broke while a statement ran.
        case connectionLost
        /// A statement ran past its statement timeout: the server cancelled it, or it did not
        /// answer in time and the connection was given up. Unavailable, like a lost connection.
        case deadlineExceeded
        /// No connection became free before the lease timeout.
        case poolTimeout
        /// The pool has been shut down.
        case poolClosed
        /// The server rejected a statement; `sqlState` says why.
        case server
        /// A value could not be decoded into the requested Swift type.
        case decoding
    }

    public let code: Code
    /// The five-character SQLSTATE for `.server` errors, for example "23505" (unique violation).
    public let sqlState: String?
    /// The server's constraint name, when the error concerns one.
    public let constraint: String?
    public let message: String

    public init(_ code: Code, sqlState: String? = nil, constraint: String? = nil, message: String) {
        self.code = code
        self.sqlState = sqlState
        self.constraint = constraint
        self.message = message
    }

    public var description: String {
        switch code {
        case .connectionFailed, .connectionLost, .deadlineExceeded, .poolTimeout, .poolClosed: "database unavailable"
        case .server: "database error"
        case .decoding: "database value could not be decoded"
        }
    }

    public var debugDescription: String {
        var parts = ["PostgresError(\(code)"]
        if let sqlState { parts.append("sqlstate: \(sqlState)") }
        if let constraint { parts.append("constraint: \(constraint)") }
        parts.append("message: \(message))")
        return parts.joined(separator: ", ")
    }

    /// True when the database is out of reach (or too slow to answer) rather than rejecting a statement.
    public var isUnavailable: Bool {
        [.connectionFailed, .connectionLost, .deadlineExceeded, .poolTimeout, .poolClosed].contains(code)
    }

    public var isUniqueViolation: Bool { sqlState == "23505" }
    public var isForeignKeyViolation: Bool { sqlState == "23503" }
    public var isCheckViolation: Bool { sqlState == "23514" }
    public var isSerializationFailure: Bool { sqlState == "40001" || sqlState == "40P01" }
}
