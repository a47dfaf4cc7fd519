import Domain
import Foundation
import Postgres

/// Assembles a statement from constant SQL fragments; every value goes in as a `$n` parameter.
struct QueryBuilder {
    private(set) var conditions: [String] = []
    private(set) var parameters: [any PostgresEncodable] = []

    /// Adds a condition; each `$` in `fragment` becomes the next parameter, in order.
    mutating func require(_ fragment: StaticString, _ values: any PostgresEncodable...) {
        var text = ""
        var remaining = values[...]
        for character in "\(fragment)" {
            if character == "$", let value = remaining.popFirst() {
                parameters.append(value)
                text += "$\(parameters.count)"
            } else {
                text.append(character)
            }
        }
        precondition(remaining.isEmpty, "more values than placeholders in \(fragment)")
        conditions.append(text)
    }

    /// Appends a value and returns its placeholder, for LIMIT and the like.
    mutating func placeholder(for value: any PostgresEncodable) -> String {
        parameters.append(value)
        return "$\(parameters.count)"
    }

    /// A builder for another part of the same statement: its placeholders continue after this one's.
    func continuing() -> QueryBuilder {
        var next = QueryBuilder()
        next.parameters = parameters
        return next
    }

    var whereClause: String {
        conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
    }
}

/// One row by primary key, optionally locked for update; `DomainError.notFound` when there is none.
func findRow(
    table: StaticString, columns: String, id: UUID, lock: Bool, resource: String, on connection: Connection
) throws -> Row {
    guard let row = try connection.query(rowByID(table: table, columns: columns, lock: lock), [id]).first else {
        throw DomainError.notFound(resource: resource)
    }
    return row
}

/// One row by primary key, as a pooled lookup (batched with others, one plan kept); `DomainError.notFound` when there is none.
func lookUpRow(table: StaticString, columns: String, id: UUID, resource: String, in pool: ConnectionPool) async throws -> Row {
    guard let row = try await pool.lookup(rowByID(table: table, columns: columns, lock: false), [id]).first else {
        throw DomainError.notFound(resource: resource)
    }
    return row
}

private func rowByID(table: StaticString, columns: String, lock: Bool) -> String {
    "SELECT \(columns) FROM \(table) WHERE id = $1" + (lock ? " FOR UPDATE" : "")
}
