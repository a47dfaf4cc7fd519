/// One row of a query result, decoded from text. Sendable, so it may leave the database thread.
public struct Row: Sendable {
    let columns: ColumnIndex
    let values: [String?]

    /// Decodes the column at `index`; throws when it is NULL or malformed.
    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self, at index: Int) throws -> T {
        guard index < values.count else {
            throw PostgresError(.decoding, message: "no column at index \(index)")
        }
        guard let text = values[index] else {
            throw PostgresError(.decoding, message: "NULL in column \(columns.names[index]) decoded as \(T.self)")
        }
        return try T(postgresText: text)
    }

    /// Decodes the column at `index`, giving nil for NULL.
    public func decode<T: PostgresDecodable>(_ type: T?.Type = T?.self, at index: Int) throws -> T? {
        guard index < values.count else {
            throw PostgresError(.decoding, message: "no column at index \(index)")
        }
        return try values[index].map { try T(postgresText: $0) }
    }

    /// Decodes the column named `name`; throws when it is missing, NULL or malformed.
    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self, _ name: String) throws -> T {
        try decode(T.self, at: index(of: name))
    }

    /// Decodes the column named `name`, giving nil for NULL.
    public func decode<T: PostgresDecodable>(_ type: T?.Type = T?.self, _ name: String) throws -> T? {
        try decode(T?.self, at: index(of: name))
    }

    /// The raw text of a column, nil for NULL.
    public func text(at index: Int) -> String? { index < values.count ? values[index] : nil }

    public var count: Int { values.count }

    private func index(of name: String) throws -> Int {
        guard let index = columns.positions[name] else {
            throw PostgresError(.decoding, message: "no column named \(name)")
        }
        return index
    }
}

/// Column names of a result, shared by all its rows.
final class ColumnIndex: Sendable {
    let names: [String]
    let positions: [String: Int]

    init(names: [String]) {
        self.names = names
        var positions: [String: Int] = [:]
        for (position, name) in names.enumerated() where positions[name] == nil {
            positions[name] = position
        }
        self.positions = positions
    }
}

/// The rows of a query and the number of rows a command affected.
public struct QueryResult: Sendable {
    public let rows: [Row]
    public let affectedRows: Int
    public var columnNames: [String] { rows.first?.columns.names ?? [] }

    public var first: Row? { rows.first }
}
