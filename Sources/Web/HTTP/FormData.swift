import Foundation
import Hummingbird

/// A submitted `application/x-www-form-urlencoded` form whose CSRF token matched the cookie.
struct FormData: Sendable {
    static let maxBytes = 64 * 1024
    let values: [String: String]

    /// A whole non-negative number as people type it, spaces between digit groups allowed; nil
    /// for anything else or beyond Int64.
    func whole(_ name: String) -> Int64? {
        let digits = self[name].filter { !$0.isWhitespace }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int64(digits)
    }

    subscript(_ name: String) -> String {
        values[name]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    }

    /// The raw value, untrimmed (passwords).
    func raw(_ name: String) -> String { values[name] ?? "" }

    /// Reads the body and refuses it (403) unless its `csrf` field equals the cookie's token.
    static func read<Context: WebRequestContext>(_ request: Request, context: Context) async throws -> FormData {
        let buffer = try await request.body.collect(upTo: maxBytes)
        let form = FormData(values: parse(String(buffer: buffer)))
        let cookie = Cookies.value(Cookies.csrf, in: request) ?? ""
        guard !cookie.isEmpty, RandomToken.constantTimeEquals(form.raw("csrf"), cookie) else {
            throw PageError.csrf
        }
        return form
    }

    /// A page's query string read as a browser's GET form writes it: `+` is a space. (Hummingbird's
    /// `queryParameters` keeps `+`, so a two-word search would arrive joined by a plus.)
    static func query(of request: Request) -> [String: String] {
        parse(request.uri.query ?? "")
    }

    static func parse(_ body: String) -> [String: String] {
        var values: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            let name = decode(parts[0])
            values[name] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return values
    }
}
