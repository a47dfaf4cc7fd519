import CLibPQ
import Foundation

/// One libpq connection.
///
/// Every method blocks. The pool runs them on its own threads, never on NIO event loops or
/// the cooperative pool, and leases a connection to one task at a time: that rule is what makes
/// the `@unchecked Sendable` below safe, since a `PGconn` must not be used from two threads at once.
public final class Connection: @unchecked Sendable {
    private let handle: OpaquePointer
    private var preparedNames: [String: String] = [:]
    private var isBroken = false
    /// When the connection last ran a statement; the pool re-checks one idle for long.
    private(set) var lastUsed = ContinuousClock.now

    /// Connects with a libpq connection string or URL; an empty string uses libpq's `PG*` defaults.
    public init(connectionString: String, connectTimeoutSeconds: Int = 5) throws {
        // Keywords listed before "dbname" are defaults the connection string may override.
        let keywords = ["connect_timeout", "application_name", "client_encoding", "dbname"]
        let values = [String(connectTimeoutSeconds), "asar", "UTF8", connectionString]
        let handle: OpaquePointer? = withCStringArray(keywords) { keywordPointers in
            withCStringArray(values) { valuePointers in
                PQconnectdbParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let handle else {
            throw PostgresError(.connectionFailed, message: "libpq could not allocate a connection")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(handle))
            PQfinish(handle)
            throw PostgresError(.connectionFailed, message: message.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        self.handle = handle
        // Decoding relies on ISO timestamps in UTC. Statements are prepared once per connection, and
        // generic plans for array parameters (`= ANY ($1)`) were measured twice as slow as custom ones.
        try execute("""
            SET DateStyle = ISO; SET TimeZone = 'UTC'; SET IntervalStyle = iso_8601;
            SET client_min_messages = warning; SET plan_cache_mode = force_custom_plan
            """)
    }

    deinit {
        PQfinish(handle)
    }

    /// False once the connection broke; the pool then drops it.
    public var isHealthy: Bool { !isBroken && PQstatus(handle) == CONNECTION_OK }

    /// Runs an empty statement; false (and marked broken) when the server is gone, e.g. restarted.
    func ping() -> Bool {
        (try? execute("")) != nil && isHealthy
    }

    /// True when something arrived while the connection sat idle. The server sends nothing to an
    /// idle session except when it ends it (shutdown, restart, `pg_terminate_backend`: an error,
    /// then the socket closes), so such a connection is worth a ping before use. A zero-timeout
    /// `poll`, no round trip and no libpq call: cheap enough to run before every lease.
    var hasUnreadInput: Bool {
        let socket = PQsocket(handle)
        guard socket >= 0 else { return true }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) != 0
    }

    /// Runs one statement with `$n` parameters and returns its rows.
    @discardableResult
    public func query(_ sql: String, _ parameters: [any PostgresEncodable] = []) throws -> QueryResult {
        let texts = parameters.map(\.postgresText)
        let statementName = try preparedStatement(for: sql, parameterCount: texts.count)
        let result = withOptionalCStringArray(texts) { pointers in
            PQexecPrepared(handle, statementName, Int32(texts.count), pointers, nil, nil, 0)
        }
        return try consume(result)
    }

    /// Runs SQL text that may hold several statements and no parameters (migrations, SET, BEGIN).
    public func execute(_ sql: String) throws {
        _ = try consume(PQexec(handle, sql))
    }

    /// Streams rows into `COPY ... FROM STDIN` in text format; `lines` are already escaped rows.
    public func copyIn(_ sql: String, lines: some Sequence<String>) throws -> Int {
        let start = PQexec(handle, sql)
        guard PQresultStatus(start) == PGRES_COPY_IN else {
            _ = try consume(start)
            throw PostgresError(.server, message: "COPY did not start")
        }
        PQclear(start)
        var buffer = ""
        buffer.reserveCapacity(1 << 16)
        func flush() throws {
            guard !buffer.isEmpty else { return }
            let sent = buffer.withCString { PQputCopyData(handle, $0, Int32(strlen($0))) }
            buffer.removeAll(keepingCapacity: true)
            if sent != 1 { throw connectionError(.connectionLost) }
        }
        for line in lines {
            buffer += line
            buffer += "\n"
            if buffer.utf8.count > 1 << 16 { try flush() }
        }
        try flush()
        guard PQputCopyEnd(handle, nil) == 1 else { throw connectionError(.connectionLost) }
        var affected = 0
        while let result = PQgetResult(handle) {
            affected += try consume(result).affectedRows
        }
        return affected
    }

    /// Escapes a value for COPY's text format.
    public static func copyText(_ value: String?) -> String {
        guard let value else { return "\\N" }
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.append(character)
            }
        }
        return out
    }

    private func preparedStatement(for sql: String, parameterCount: Int) throws -> String {
        if let name = preparedNames[sql] { return name }
        let name = "s\(preparedNames.count)"
        let result = PQprepare(handle, name, sql, Int32(parameterCount), nil)
        _ = try consume(result)
        preparedNames[sql] = name
        return name
    }

    private func consume(_ result: OpaquePointer?) throws -> QueryResult {
        lastUsed = ContinuousClock.now
        guard let result else { throw connectionError(.connectionLost) }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return QueryResult(rows: [], affectedRows: affectedRows(result))
        case PGRES_TUPLES_OK, PGRES_SINGLE_TUPLE:
            return QueryResult(rows: rows(of: result), affectedRows: affectedRows(result))
        default:
            if PQstatus(handle) != CONNECTION_OK {
                throw connectionError(.connectionLost)
            }
            let sqlState = field(result, diagnosticSQLState)
            // A server going away mid-statement reports admin shutdown or a crash class; an error
            // without any SQLSTATE comes from libpq itself, which means the connection failed
            // (libpq may not have marked it bad yet when the server's last message was read).
            if sqlState.map({ $0.hasPrefix("57P") || $0.hasPrefix("08") }) ?? true {
                isBroken = true
                throw PostgresError(.connectionLost, sqlState: sqlState, message: resultMessage(result))
            }
            if sqlState == "26000" { preparedNames.removeAll() }
            throw PostgresError(
                .server,
                sqlState: sqlState,
                constraint: field(result, diagnosticConstraintName),
                message: resultMessage(result)
            )
        }
    }

    private func rows(of result: OpaquePointer) -> [Row] {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        let columns = ColumnIndex(names: (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) })
        var rows: [Row] = []
        rows.reserveCapacity(rowCount)
        for rowIndex in 0..<Int32(rowCount) {
            var values: [String?] = []
            values.reserveCapacity(columnCount)
            for column in 0..<Int32(columnCount) {
                if PQgetisnull(result, rowIndex, column) == 1 {
                    values.append(nil)
                } else {
                    values.append(String(cString: PQgetvalue(result, rowIndex, column)))
                }
            }
            rows.append(Row(columns: columns, values: values))
        }
        return rows
    }

    private func affectedRows(_ result: OpaquePointer) -> Int {
        Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    private func field(_ result: OpaquePointer, _ code: Int32) -> String? {
        PQresultErrorField(result, code).map { String(cString: $0) }
    }

    private func resultMessage(_ result: OpaquePointer) -> String {
        String(cString: PQresultErrorMessage(result)).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func connectionError(_ code: PostgresError.Code) -> PostgresError {
        isBroken = true
        let message = String(cString: PQerrorMessage(handle)).trimmingCharacters(in: .whitespacesAndNewlines)
        return PostgresError(code, message: message.isEmpty ? "connection lost" : message)
    }
}

private func withCStringArray<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let duplicates = strings.map { strdup($0) }
    defer { duplicates.forEach { free($0) } }
    return body(duplicates.map { UnsafePointer($0) } + [nil])
}

private func withOptionalCStringArray<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let duplicates = strings.map { $0.flatMap { strdup($0) } }
    defer { duplicates.forEach { free($0) } }
    return body(duplicates.map { $0.map { UnsafePointer($0) } })
}

// postgres_ext.h defines these as character literals, which Swift does not import.
private let diagnosticSQLState = Int32(UInt8(ascii: "C"))
private let diagnosticConstraintName = Int32(UInt8(ascii: "n"))
