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
    private var preparedCount = 0
    /// The result columns of each prepared statement, by its name, once it has answered: a
    /// statement's result shape cannot change while it stays prepared (the server refuses that),
    /// and indexing the names again for every result was a tenth of a lookup's cost on this side.
    /// The column count is still compared, as a cheap guard against a stale entry.
    private var resultColumns: [String: ColumnIndex] = [:]
    private var isBroken = false
    /// When the connection last ran a statement; the pool re-checks one idle for long.
    private(set) var lastUsed = ContinuousClock.now
    /// How long one statement may take; nil waits as long as the server takes.
    ///
    /// Enforced on both sides: the server's `statement_timeout` cancels a slow statement, and the
    /// client gives the connection up when no answer came in time, which is what still works when
    /// the server cannot run at all (frozen, or its host unreachable without a reset).
    public private(set) var statementTimeout: Duration?
    /// The session's `statement_timeout` on the server, as last set outside a transaction.
    private var sessionStatementTimeout: Duration?

    /// Connects with a libpq connection string or URL; an empty string uses libpq's `PG*` defaults.
    public init(connectionString: String, connectTimeoutSeconds: Int = 5, statementTimeout: Duration? = nil) throws {
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
        // Every wait for the server goes through `poll` with a deadline, so no libpq call may block.
        guard PQsetnonblocking(handle, 1) == 0 else {
            throw connectionError(.connectionFailed)
        }
        self.statementTimeout = statementTimeout
        self.sessionStatementTimeout = statementTimeout
        // Decoding relies on ISO timestamps in UTC. Statements are prepared once per connection, and
        // generic plans for array parameters (`= ANY ($1)`) were measured twice as slow as custom ones.
        // Still part of connecting, so it gets the connect timeout: a server that froze just after
        // accepting the connection holds the lease no longer than one that never accepted it.
        let setup = """
            SET DateStyle = ISO; SET TimeZone = 'UTC'; SET IntervalStyle = iso_8601;
            SET client_min_messages = warning; SET plan_cache_mode = force_custom_plan;
            SET statement_timeout = \(Self.milliseconds(statementTimeout))
            """
        let connectTimeout = connectTimeoutSeconds > 0 ? Duration.seconds(connectTimeoutSeconds) : statementTimeout
        _ = try consume(awaitResult(sent: PQsendQuery(handle, setup), deadline: deadline(after: connectTimeout)))
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

    /// Sets the statement timeout for what follows, on the server too (one round trip, only when it
    /// changes). Inside a transaction the server-side part lasts until the transaction ends.
    public func setStatementTimeout(_ timeout: Duration?) throws {
        statementTimeout = timeout
        switch PQtransactionStatus(handle) {
        case PQTRANS_IDLE:
            guard timeout != sessionStatementTimeout else { return }
            try execute("SET statement_timeout = \(Self.milliseconds(timeout))")
            sessionStatementTimeout = timeout
        default:
            try execute("SET LOCAL statement_timeout = \(Self.milliseconds(timeout))")
        }
    }

    /// Runs one statement with `$n` parameters and returns its rows.
    @discardableResult
    public func query(_ sql: String, _ parameters: [any PostgresEncodable] = []) throws -> QueryResult {
        let texts = parameters.map(\.postgresText)
        let statementName = try preparedStatement(for: sql, parameterCount: texts.count)
        let sent = withOptionalCStringArray(texts) { pointers in
            PQsendQueryPrepared(handle, statementName, Int32(texts.count), pointers, nil, nil, 0)
        }
        return try consume(awaitResult(sent: sent, deadline: deadline(after: statementTimeout)), statement: statementName)
    }

    /// Runs independent reads by key in one pipeline: all are sent before any answer is read, so
    /// this thread waits once for the lot and the server runs them back to back without waiting
    /// for the client in between. Each statement is its own transaction, as a lone `query` outside
    /// one would be, and its error (preparing or running it) fails it alone. The server reuses one
    /// plan per statement (`force_generic_plan`) instead of planning for each set of parameters,
    /// which is right only where the best plan does not depend on them; the session's custom plans
    /// are set back at the end of the same pipeline.
    ///
    /// Throws, and the connection is given up, only when the connection itself fails or no answer
    /// came by `deadline`; then none of the statements has an answer.
    public func pipeline(
        _ statements: [(sql: String, parameters: [String?])], deadline: ContinuousClock.Instant
    ) throws -> [Result<QueryResult, any Error>] {
        guard PQtransactionStatus(handle) == PQTRANS_IDLE else {
            isBroken = true
            throw PostgresError(.server, message: "a pipeline runs outside a transaction")
        }
        var names: [Result<String, any Error>] = []
        names.reserveCapacity(statements.count)
        for statement in statements {
            let name = Result { try preparedStatement(for: statement.sql, parameterCount: statement.parameters.count) }
            // A statement the server refuses fails alone; a connection that failed fails them all.
            if case .failure(let error) = name, !isHealthy { throw error }
            names.append(name)
        }
        guard PQenterPipelineMode(handle) == 1 else { throw connectionError(.connectionLost) }
        // Whatever goes wrong from here leaves the connection mid-pipeline: it is not used again.
        do {
            return try runPipeline(statements, names: names, deadline: deadline)
        } catch {
            isBroken = true
            throw error
        }
    }

    private func runPipeline(
        _ statements: [(sql: String, parameters: [String?])], names: [Result<String, any Error>], deadline: ContinuousClock.Instant
    ) throws -> [Result<QueryResult, any Error>] {
        // Segments in order: nil for a setting, else the prepared statement a lookup runs.
        var segments: [String?] = []
        func sendSetting(_ sql: String) throws {
            guard PQsendQueryParams(handle, sql, 0, nil, nil, nil, nil, 0) == 1, PQpipelineSync(handle) == 1 else {
                throw connectionError(.connectionLost)
            }
            segments.append(nil)
        }
        try sendSetting("SET plan_cache_mode = force_generic_plan")
        for (statement, name) in zip(statements, names) {
            guard case .success(let name) = name else { continue }
            let sent = withOptionalCStringArray(statement.parameters) { pointers in
                PQsendQueryPrepared(handle, name, Int32(statement.parameters.count), pointers, nil, nil, 0)
            }
            guard sent == 1, PQpipelineSync(handle) == 1 else { throw connectionError(.connectionLost) }
            segments.append(name)
        }
        try sendSetting("SET plan_cache_mode = force_custom_plan")
        try flush(deadline: deadline)
        var answers: [Result<QueryResult, any Error>] = []
        answers.reserveCapacity(statements.count)
        for statement in segments {
            // A segment: the statement's result, the end of its results (nil), then the sync's.
            let answer = Result { try consume(try nextResult(deadline: deadline), statement: statement) }
            if !isHealthy, case .failure(let error) = answer { throw error }
            if let unexpected = try nextResult(deadline: deadline) {
                PQclear(unexpected)
                throw unexpectedPipelineResult()
            }
            guard let sync = try nextResult(deadline: deadline) else { throw unexpectedPipelineResult() }
            let synced = PQresultStatus(sync) == PGRES_PIPELINE_SYNC
            PQclear(sync)
            guard synced else { throw unexpectedPipelineResult() }
            if statement == nil {
                _ = try answer.get()
            } else {
                answers.append(answer)
            }
        }
        guard PQexitPipelineMode(handle) == 1 else { throw connectionError(.connectionLost) }
        // Answers in the order asked, statements that could not be prepared failed in their place.
        var sent = answers.makeIterator()
        return names.map { name in
            switch name {
            case .success: sent.next()!
            case .failure(let error): .failure(error)
            }
        }
    }

    /// Sends what libpq holds, reading whatever arrives meanwhile so neither side stalls.
    private func flush(deadline: ContinuousClock.Instant?) throws {
        while true {
            let flushed = PQflush(handle)
            if flushed == 0 { return }
            if flushed < 0 { throw connectionError(.connectionLost) }
            if try waitForSocket(events: Int16(POLLIN | POLLOUT), deadline: deadline) & Int16(POLLIN) != 0 {
                guard PQconsumeInput(handle) == 1 else { throw connectionError(.connectionLost) }
            }
        }
    }

    /// The next result of a pipeline, waiting for it until `deadline`; nil ends one statement's results.
    private func nextResult(deadline: ContinuousClock.Instant?) throws -> OpaquePointer? {
        while PQisBusy(handle) == 1 {
            _ = try waitForSocket(events: Int16(POLLIN), deadline: deadline)
            guard PQconsumeInput(handle) == 1 else { throw connectionError(.connectionLost) }
        }
        return PQgetResult(handle)
    }

    private func unexpectedPipelineResult() -> PostgresError {
        isBroken = true
        return PostgresError(.connectionLost, message: "the server's answers to a pipeline were out of order")
    }

    /// Runs `body`, a bulk insert or change, letting PostgreSQL reuse its plans as it does by
    /// default (`plan_cache_mode = auto`) and then planning for each statement's parameters again,
    /// as the session does. A foreign-key check is a query per row and key; with every plan made
    /// for its parameters each one was planned anew, two to three times the checks' time (15,000
    /// assignments, measured). Inside a transaction only: the setting lasts at most until it ends.
    public func reusingPlans<T>(_ body: () throws -> T) throws -> T {
        guard PQtransactionStatus(handle) == PQTRANS_INTRANS else { return try body() }
        try execute("SET LOCAL plan_cache_mode = auto")
        let result = try body()
        try execute("SET LOCAL plan_cache_mode = force_custom_plan")
        return result
    }

    /// Runs SQL text that may hold several statements and no parameters (migrations, SET, BEGIN).
    public func execute(_ sql: String) throws {
        _ = try consume(awaitResult(sent: PQsendQuery(handle, sql), deadline: deadline(after: statementTimeout)))
    }

    /// Streams rows into `COPY ... FROM STDIN` in text format; `lines` are already escaped rows.
    ///
    /// A bulk load may take long: it runs under `timeout` (or the statement timeout when that is
    /// longer) as a whole instead of the statement timeout.
    public func copyIn(_ sql: String, lines: some Sequence<String>, timeout: Duration = .seconds(600)) throws -> Int {
        let limit = statementTimeout.map { max($0, timeout) }
        if limit != statementTimeout {
            let previous = statementTimeout
            try setStatementTimeout(limit)
            // Outside a transaction this changed the session; the next lease sets its own again.
            statementTimeout = previous
        }
        let deadline = deadline(after: limit)
        let start = try awaitResult(sent: PQsendQuery(handle, sql), deadline: deadline)
        guard PQresultStatus(start) == PGRES_COPY_IN else {
            _ = try consume(start)
            throw PostgresError(.server, message: "COPY did not start")
        }
        PQclear(start)
        var buffer = ""
        buffer.reserveCapacity(1 << 16)
        func flush() throws {
            guard !buffer.isEmpty else { return }
            try buffer.withCString { bytes in
                let count = Int32(strlen(bytes))
                // 0: libpq's buffer is full (non-blocking mode); wait until the socket takes more.
                while true {
                    switch PQputCopyData(handle, bytes, count) {
                    case 1: return
                    case 0: try waitUntilWritable(deadline: deadline)
                    default: throw connectionError(.connectionLost)
                    }
                }
            }
            buffer.removeAll(keepingCapacity: true)
        }
        for line in lines {
            buffer += line
            buffer += "\n"
            if buffer.utf8.count > 1 << 16 { try flush() }
        }
        try flush()
        while true {
            switch PQputCopyEnd(handle, nil) {
            case 1: return try consume(awaitResult(sent: 1, deadline: deadline)).affectedRows
            case 0: try waitUntilWritable(deadline: deadline)
            default: throw connectionError(.connectionLost)
            }
        }
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
        // Never reused: after the server dropped our statements (26000) it may still hold a name.
        preparedCount += 1
        let name = "s\(preparedCount)"
        let sent = PQsendPrepare(handle, name, sql, Int32(parameterCount), nil)
        _ = try consume(awaitResult(sent: sent, deadline: deadline(after: statementTimeout)))
        preparedNames[sql] = name
        return name
    }

    // MARK: Waiting for the server, with a deadline

    private func deadline(after timeout: Duration?) -> ContinuousClock.Instant? {
        timeout.map { ContinuousClock.now + $0 }
    }

    /// Sends what a `PQsend*` call queued and waits for its results, as `PQexec` would, but never
    /// past `deadline`: then the connection is given up (the pool replaces it), because a server
    /// that does not answer cannot be asked to cancel either. Returns the first error result, else
    /// the last result; a COPY result at once, since the caller must feed it.
    private func awaitResult(sent: Int32, deadline: ContinuousClock.Instant?) throws -> OpaquePointer {
        guard sent == 1 else { throw connectionError(.connectionLost) }
        try flush(deadline: deadline)
        var kept: OpaquePointer?
        while true {
            while PQisBusy(handle) == 1 {
                do {
                    _ = try waitForSocket(events: Int16(POLLIN), deadline: deadline)
                } catch {
                    if let kept { PQclear(kept) }
                    throw error
                }
                guard PQconsumeInput(handle) == 1 else {
                    if let kept { PQclear(kept) }
                    throw connectionError(.connectionLost)
                }
            }
            guard let result = PQgetResult(handle) else { break }
            switch PQresultStatus(result) {
            case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
                if let kept { PQclear(kept) }
                return result
            default:
                if let previous = kept, isError(previous) {
                    PQclear(result)
                } else {
                    if let kept { PQclear(kept) }
                    kept = result
                }
            }
        }
        guard let kept else { throw connectionError(.connectionLost) }
        return kept
    }

    private func isError(_ result: OpaquePointer) -> Bool {
        switch PQresultStatus(result) {
        case PGRES_BAD_RESPONSE, PGRES_NONFATAL_ERROR, PGRES_FATAL_ERROR: true
        default: false
        }
    }

    private func waitUntilWritable(deadline: ContinuousClock.Instant?) throws {
        if try waitForSocket(events: Int16(POLLIN | POLLOUT), deadline: deadline) & Int16(POLLIN) != 0 {
            guard PQconsumeInput(handle) == 1 else { throw connectionError(.connectionLost) }
        }
        guard PQflush(handle) >= 0 else { throw connectionError(.connectionLost) }
    }

    /// Waits until the socket is ready for `events` and returns what it is ready for; throws
    /// `.deadlineExceeded` (and marks the connection broken) once `deadline` has passed.
    private func waitForSocket(events: Int16, deadline: ContinuousClock.Instant?) throws -> Int16 {
        let socket = PQsocket(handle)
        guard socket >= 0 else { throw connectionError(.connectionLost) }
        while true {
            var milliseconds: Int32 = -1
            if let deadline {
                let remaining = deadline - ContinuousClock.now
                guard remaining > .zero else {
                    isBroken = true
                    throw PostgresError(.deadlineExceeded, message: "no answer from the server within the statement timeout")
                }
                // Rounded up, so a wait never ends just before the deadline and spins.
                let (seconds, attoseconds) = remaining.components
                milliseconds = Int32(clamping: seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
            }
            var descriptor = pollfd(fd: socket, events: events, revents: 0)
            let ready = poll(&descriptor, 1, milliseconds)
            if ready > 0 { return descriptor.revents }
            if ready < 0 && errno != EINTR { throw connectionError(.connectionLost) }
        }
    }

    private static func milliseconds(_ timeout: Duration?) -> Int64 {
        guard let timeout else { return 0 }
        let (seconds, attoseconds) = timeout.components
        // At least 1: 0 would mean no timeout at all.
        return max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }

    // MARK: Results

    /// The result as rows, or its error thrown; `statement` names the prepared statement it answers.
    private func consume(_ result: OpaquePointer?, statement: String? = nil) throws -> QueryResult {
        lastUsed = ContinuousClock.now
        guard let result else { throw connectionError(.connectionLost) }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return QueryResult(rows: [], affectedRows: affectedRows(result))
        case PGRES_TUPLES_OK, PGRES_SINGLE_TUPLE:
            return QueryResult(rows: rows(of: result, statement: statement), affectedRows: affectedRows(result))
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
            // The server's own statement_timeout: the connection stays usable, the statement failed
            // for the same reason as one the client gave up on.
            if sqlState == "57014" {
                throw PostgresError(.deadlineExceeded, sqlState: sqlState, message: resultMessage(result))
            }
            if sqlState == "26000" {
                preparedNames.removeAll()
                resultColumns.removeAll()
            }
            throw PostgresError(
                .server,
                sqlState: sqlState,
                constraint: field(result, diagnosticConstraintName),
                message: resultMessage(result)
            )
        }
    }

    private func rows(of result: OpaquePointer, statement: String?) -> [Row] {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        let columns: ColumnIndex
        if let statement, let known = resultColumns[statement], known.names.count == columnCount {
            columns = known
        } else {
            columns = ColumnIndex(names: (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) })
            if let statement { resultColumns[statement] = columns }
        }
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

    /// Waits up to `timeout` for NOTIFY payloads on the channels this session listens to, in the
    /// order the server sent them; empty when none came. Throws when the connection is lost.
    func notifications(waitingUpTo timeout: Duration) throws -> [String] {
        var payloads = takeNotifications()
        guard payloads.isEmpty else { return payloads }
        let socket = PQsocket(handle)
        guard socket >= 0 else { throw connectionError(.connectionLost) }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(clamping: timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        let ready = poll(&descriptor, 1, milliseconds)
        if ready < 0, errno != EINTR { throw connectionError(.connectionLost) }
        if ready > 0 {
            guard PQconsumeInput(handle) == 1 else { throw connectionError(.connectionLost) }
            payloads = takeNotifications()
        }
        lastUsed = ContinuousClock.now
        return payloads
    }

    private func takeNotifications() -> [String] {
        var payloads: [String] = []
        while let notification = PQnotifies(handle) {
            payloads.append(String(cString: notification.pointee.extra))
            PQfreemem(notification)
        }
        return payloads
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
