import Foundation
import Hummingbird
import NIOCore

/// Reads and writes JSON bodies.
enum JSONBody {
    /// Bodies larger than this are refused with 413; the largest valid request is far smaller.
    static let maxRequestBytes = 256 * 1024
    /// The deepest valid request nests three levels; refusing far deeper documents early keeps
    /// a hostile body from costing a recursive parse.
    static let maxNestingDepth = 32

    /// Reads a JSON object body, refusing wrong content types, oversized and malformed bodies.
    static func object(from request: Request) async throws -> [String: JSONValue] {
        try requireJSONContentType(request)
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: maxRequestBytes)
        } catch is NIOTooManyBytesError {
            throw Problem(
                .contentTooLarge, code: "body-too-large", title: "The body is too large.",
                detail: "Request bodies are limited to \(maxRequestBytes / 1024) KiB."
            )
        }
        let data = Data(buffer: buffer)
        guard !data.isEmpty else { throw Problem.malformedJSON("The body is empty.") }
        guard String(validating: data, as: UTF8.self) != nil else {
            throw Problem.malformedJSON("The body is not valid UTF-8 text.")
        }
        let structure = scanStructure(of: data, depthLimit: maxNestingDepth)
        if structure.tooDeep {
            throw Problem.malformedJSON("The body nests arrays and objects deeper than \(maxNestingDepth) levels.")
        }
        if let offset = structure.trailingComma {
            throw Problem.malformedJSON("A comma at byte \(offset) is followed by the end of an array or object; JSON allows no trailing comma.")
        }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw Problem.malformedJSON(describe(error))
        }
        guard case .object(let object) = value else {
            throw Problem.malformedJSON("The body must be a JSON object, not \(value.typeName == "array" ? "an" : "a") \(value.typeName).")
        }
        return object
    }

    /// A JSON object body, or an empty object when the request carries no body at all (a POST
    /// whose fields are all optional).
    static func optionalObject(from request: Request) async throws -> [String: JSONValue] {
        let length = request.headers[.contentLength].flatMap(Int.init) ?? 0
        if length == 0 && request.headers[.contentType] == nil && request.headers[.transferEncoding] == nil { return [:] }
        return try await object(from: request)
    }

    private static func requireJSONContentType(_ request: Request) throws {
        let parts = (request.headers[.contentType] ?? "").split(separator: ";").map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        let mediaType = parts.first ?? ""
        // JSON is UTF-8 (RFC 8259); a body declared in another charset would be misread.
        let charsets = parts.dropFirst().filter { $0.hasPrefix("charset=") }.map {
            $0.dropFirst("charset=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        guard mediaType == "application/json" || mediaType == "application/merge-patch+json",
              charsets.allSatisfy({ $0 == "utf-8" || $0 == "utf8" })
        else {
            throw Problem(
                .unsupportedMediaType, code: "unsupported-media-type", title: "Send JSON.",
                detail: "Content-Type must be application/json\(request.method == .patch ? " or application/merge-patch+json" : ""), in UTF-8."
            )
        }
    }

    /// What a quick pass over the structure outside strings finds before any parse: nesting
    /// deeper than `limit`, which would make the parse costly, and a comma followed by `]` or `}`,
    /// which Foundation's parser accepts though RFC 8259 does not. The parse judges the rest.
    static func scanStructure(of data: Data, depthLimit limit: Int) -> (tooDeep: Bool, trailingComma: Int?) {
        var depth = 0
        var inString = false
        var escaped = false
        var pendingComma: Int?
        for (offset, byte) in data.enumerated() {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                continue
            case UInt8(ascii: ","):
                pendingComma = offset
                continue
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > limit { return (true, nil) }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                if let pendingComma { return (false, pendingComma) }
                depth -= 1
            default:
                break
            }
            pendingComma = nil
        }
        return (false, nil)
    }

    private static func describe(_ error: any Error) -> String {
        guard let decodingError = error as? DecodingError else { return "The body could not be parsed." }
        switch decodingError {
        case .dataCorrupted(let context):
            let underlying = (context.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return underlying ?? context.debugDescription
        case .typeMismatch(_, let context):
            // Every JSON value decodes into JSONValue except a number beyond Double's range.
            let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return "The number at \(path.isEmpty ? "the top level" : path) is too large to represent."
        default:
            return "The body could not be parsed."
        }
    }

    /// Response bodies: snake_case keys, unescaped slashes, timestamps in UTC with milliseconds.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(timestampFormat.format(date))
        }
        return encoder
    }()

    private static let timestampFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        try encoded(value, status: status, contentType: "application/json", headers: headers)
    }

    static func problem(_ problem: Problem) -> Response {
        // Encoding a ProblemBody of strings and integers cannot fail.
        (try? encoded(problem.body, status: problem.status, contentType: "application/problem+json", headers: problem.headers))
            ?? Response(status: problem.status)
    }

    private static func encoded(_ value: some Encodable, status: HTTPResponse.Status, contentType: String, headers: HTTPFields) throws -> Response {
        // As Hummingbird's JSONEncoder conformance to ResponseEncoder does.
        let buffer = if let writable = value as? any JSONBytesWritable {
            ByteBuffer(bytes: JSONBytes.written(writable))
        } else {
            ByteBuffer(bytes: try encoder.encode(value))
        }
        var fields = headers
        fields[.contentType] = contentType
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: buffer))
    }
}
