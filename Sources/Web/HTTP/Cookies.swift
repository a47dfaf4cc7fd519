import Hummingbird

/// Reading and writing the few cookies the pages use.
enum Cookies {
    static let language = "lang"
    static let csrf = "asar_csrf"
    static let session = "asar_session"

    static func value(_ name: String, in request: Request) -> String? {
        request.cookies[name]?.value
    }

    /// `Secure` is added when the service is told it is reached over HTTPS (`ASAR_COOKIE_SECURE=1`).
    static func header(name: String, value: String, maxAge: Int?, secure: Bool, httpOnly: Bool = true) -> String {
        var parts = ["\(name)=\(value)", "Path=/", "SameSite=Lax"]
        if httpOnly { parts.append("HttpOnly") }
        if secure { parts.append("Secure") }
        if let maxAge { parts.append("Max-Age=\(maxAge)") }
        return parts.joined(separator: "; ")
    }
}
