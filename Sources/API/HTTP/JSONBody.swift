import Foundation
import Hummingbird
import NIOCore

/// Reads and writes JSON bodies.
enum JSONBody {
    /// Bodies larger than this are refused with 413; the largest valid request is far smaller.
    static let maxRequestBytes = 256 * 1024

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

    private static func requireJSONContentType(_ request: Request) throws {
        let contentType = request.headers[.contentType].map { $0.split(separator: ";")[0].trimmingCharacters(in: .whitespaces).lowercased() }
        guard let contentType, contentType == "application/json" || contentType == "application/merge-patch+json" else {
            throw Problem(
                .unsupportedMediaType, code: "unsupported-media-type", title: "Send JSON.",
                detail: "Content-Type must be application/json\(request.method == .patch ? " or application/merge-patch+json" : "")."
            )
        }
    }

    private static func describe(_ error: any Error) -> String {
        guard let decodingError = error as? DecodingError else { return "The body could not be parsed." }
        switch decodingError {
        case .dataCorrupted(let context):
            let underlying = (context.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return underlying ?? context.debugDescription
        default:
            return "The body could not be parsed."
        }
    }

    private static let encoder: JSONEncoder = {
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
        let data = try encoder.encode(value)
        var fields = headers
        fields[.contentType] = contentType
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
