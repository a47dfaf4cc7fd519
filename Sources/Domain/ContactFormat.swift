import Foundation

/// What an organization's contact details must look like, for the API and the profile page alike.
public enum ContactFormat {
    /// One @, something before it, a dotted domain after it, no spaces.
    public static func isEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".")
            && !text.contains(where: \.isWhitespace)
    }

    /// Digits with spaces, +, - and brackets; 7 to 15 digits (E.164 allows 15).
    public static func isPhone(_ text: String) -> Bool {
        let digits = text.filter(\.isASCII).filter(\.isNumber).count
        return text.allSatisfy { $0.isASCII && ($0.isNumber || " +-()".contains($0)) } && (7...15).contains(digits)
    }

    /// An http or https address with a dotted host.
    public static func isWebsite(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
              let host = url.host else { return false }
        return host.contains(".")
    }
}
