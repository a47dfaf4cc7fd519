import Hummingbird

extension Request {
    /// The versions `If-Match` names (`"3"`, `W/"3"`, a comma-separated list); nil when absent or `*`.
    /// A change is made only when the current version is among them, so a stale or malformed
    /// value, which names no current version, is a 412 with the current ETag (RFC 9110, 13.1.1).
    var ifMatchVersions: Set<Int>? {
        guard let header = headers[.ifMatch]?.trimmingCharacters(in: .whitespaces), header != "*" else { return nil }
        var versions = Set<Int>()
        for part in header.split(separator: ",") {
            var tag = part.trimmingCharacters(in: .whitespaces)[...]
            if tag.hasPrefix("W/") { tag = tag.dropFirst(2) }
            guard tag.count >= 3, tag.first == "\"", tag.last == "\"" else { continue }
            let digits = tag.dropFirst().dropLast()
            if digits.allSatisfy({ $0.isASCII && $0.isNumber }), let version = Int(digits) { versions.insert(version) }
        }
        return versions
    }
}
