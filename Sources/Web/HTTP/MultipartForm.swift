import Foundation
import Hummingbird

/// A `multipart/form-data` body, as a browser sends a form with a file: its text fields and its
/// files (each with the name the sender gave it).
struct MultipartForm: Sendable {
    struct File: Sendable {
        let fileName: String
        let bytes: [UInt8]
    }

    let fields: [String: String]
    let files: [String: File]

    subscript(_ name: String) -> String {
        fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    }

    /// Reads at most `maxBytes` of body (413 beyond) and refuses it (403) unless its `csrf` field
    /// equals the cookie's token; 400 when it is not multipart form data.
    static func read<Context: WebRequestContext>(_ request: Request, context: Context, maxBytes: Int) async throws -> MultipartForm {
        let cookie = try csrfCookie(of: request)
        guard let type = request.headers[.contentType], let boundary = boundary(in: type) else { throw PageError.badRequest }
        let body = try await request.body.collect(upTo: maxBytes)
        guard let form = parse(body, boundary: boundary) else { throw PageError.badRequest }
        guard RandomToken.constantTimeEquals(form.fields["csrf"] ?? "", cookie) else { throw PageError.csrf }
        return form
    }

    /// The request's CSRF cookie; 403 without one, since then no body can carry its token.
    static func csrfCookie(of request: Request) throws -> String {
        let cookie = Cookies.value(Cookies.csrf, in: request) ?? ""
        guard !cookie.isEmpty else { throw PageError.csrf }
        return cookie
    }

    /// The boundary parameter of a `multipart/form-data` content type, quoted or not.
    static func boundary(in contentType: String) -> String? {
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
        for part in parts.dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            return (1...70).contains(value.utf8.count) ? value : nil
        }
        return nil
    }

    /// Nil when the body is not well-formed multipart data (RFC 7578: parts between
    /// `--boundary` lines, each with its headers, a blank line and its content).
    static func parse(_ body: ByteBuffer, boundary: String) -> MultipartForm? {
        let bytes = Array(body.readableBytesView)
        let delimiter = Array("--\(boundary)".utf8)
        let crlf: [UInt8] = [13, 10]
        // The first delimiter may follow a preamble; every later one follows a line break.
        guard var cursor = index(of: delimiter, in: bytes, from: 0) else { return nil }
        var fields: [String: String] = [:]
        var files: [String: File] = [:]
        let nextDelimiter = crlf + delimiter
        while true {
            cursor += delimiter.count
            if bytes[cursor...].starts(with: [45, 45]) { break }  // "--": the closing delimiter
            guard bytes[cursor...].starts(with: crlf) else { return nil }
            cursor += 2
            guard let headersEnd = index(of: crlf + crlf, in: bytes, from: cursor),
                  let contentEnd = index(of: nextDelimiter, in: bytes, from: headersEnd + 4) else { return nil }
            var disposition = ""
            for line in String(decoding: bytes[cursor..<headersEnd], as: UTF8.self).components(separatedBy: "\r\n") {
                let pair = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if pair.count == 2, pair[0].lowercased() == "content-disposition" { disposition = pair[1] }
            }
            let content = Array(bytes[(headersEnd + 4)..<contentEnd])
            let parameters = Self.parameters(of: disposition)
            if let name = parameters["name"] {
                if let fileName = parameters["filename"] {
                    files[name] = File(fileName: fileName, bytes: content)
                } else {
                    fields[name] = String(decoding: content, as: UTF8.self)
                }
            }
            cursor = contentEnd + 2
        }
        return MultipartForm(fields: fields, files: files)
    }

    /// Where `needle` first starts in `haystack` at or after `start`.
    static func index(of needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        var position = start
        let last = haystack.count - needle.count
        while position <= last {
            if haystack[position] == first && haystack[position..<(position + needle.count)].elementsEqual(needle) { return position }
            position += 1
        }
        return nil
    }

    /// `form-data; name="file"; filename="a;b.pdf"` → ["name": "file", "filename": "a;b.pdf"]
    /// (a semicolon inside quotes belongs to the value).
    static func parameters(of disposition: String) -> [String: String] {
        var segments: [String] = [], current = "", quoted = false
        for character in disposition {
            // No backslash escapes: browsers send a quote in a name as %22, and a backslash as itself.
            if character == "\"" {
                quoted.toggle()
            } else if character == ";" && !quoted {
                segments.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        segments.append(current)
        var parameters: [String: String] = [:]
        for segment in segments.dropFirst() {
            let pair = segment.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            parameters[pair[0].lowercased()] = pair[1]
        }
        return parameters
    }
}
