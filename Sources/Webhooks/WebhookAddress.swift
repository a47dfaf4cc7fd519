import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Server-side request forgery: a webhook URL must not make ASAR call into its own network. The
/// host is resolved and every address it names must be public: not loopback, private (RFC 1918,
/// unique local), link-local (cloud metadata lives there), carrier-grade NAT, multicast or
/// unspecified. A resolver that answers differently later (DNS rebinding) can still slip through
/// between this check and the connection; each delivery checks again.
public enum WebhookAddress {
    public enum Refusal: Error, Equatable, Sendable {
        case notHTTP
        case noHost
        case unresolvable(String)
        case privateAddress(String)

        /// A stable name for the refusal, for messages in the reader's language.
        public var code: String {
            switch self {
            case .notHTTP: "not_http"
            case .noHost: "no_host"
            case .unresolvable: "unresolvable"
            case .privateAddress: "private_address"
            }
        }

        public var message: String {
            switch self {
            case .notHTTP: "The URL must start with https:// or http://."
            case .noHost: "The URL names no host."
            case .unresolvable(let host): "\(host) does not resolve to an address."
            case .privateAddress(let address): "The URL leads to \(address), a loopback, private or link-local address."
            }
        }
    }

    /// The URL when it may be called; `allowPrivate` (a configuration flag the tests use) lets
    /// loopback and private addresses through.
    public static func check(_ text: String, allowPrivate: Bool) throws(Refusal) -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http" else {
            throw .notHTTP
        }
        guard let host = url.host, !host.isEmpty else { throw .noHost }
        if allowPrivate { return url }
        let addresses = resolve(host)
        guard !addresses.isEmpty else { throw .unresolvable(host) }
        if let blocked = addresses.first(where: isPrivate) { throw .privateAddress(blocked) }
        return url
    }

    /// Whether a textual IPv4 or IPv6 address is one a webhook may not reach.
    public static func isPrivate(_ address: String) -> Bool {
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1 {
            let bytes = withUnsafeBytes(of: v4.s_addr) { Array($0) }
            return isPrivateIPv4(bytes)
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, address, &v6) == 1 {
            let bytes = withUnsafeBytes(of: v6) { Array($0) }
            // Forms that carry an IPv4 address are judged by it: IPv4-mapped (::ffff:a.b.c.d),
            // IPv4-compatible (::a.b.c.d, which also covers :: and ::1), ::ffff:0:a.b.c.d, NAT64
            // (64:ff9b::/96) and 6to4 (2002:aabb:ccdd::/48).
            if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
                return isPrivateIPv4(Array(bytes[12..<16]))
            }
            if bytes[0..<12].allSatisfy({ $0 == 0 }) { return true }
            if bytes[0..<8].allSatisfy({ $0 == 0 }) && bytes[8] == 0xFF && bytes[9] == 0xFF && bytes[10] == 0 && bytes[11] == 0 {
                return isPrivateIPv4(Array(bytes[12..<16]))
            }
            if bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xFF && bytes[3] == 0x9B && bytes[4..<12].allSatisfy({ $0 == 0 }) {
                return isPrivateIPv4(Array(bytes[12..<16]))
            }
            if bytes[0] == 0x20 && bytes[1] == 0x02 { return isPrivateIPv4(Array(bytes[2..<6])) }
            if bytes[0] & 0xFE == 0xFC { return true }  // fc00::/7 unique local
            if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 { return true }  // fe80::/10 link-local
            if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0xC0 { return true }  // fec0::/10 site-local (deprecated)
            if bytes[0] == 0xFF { return true }  // multicast
            return false
        }
        return true
    }

    static func isPrivateIPv4(_ b: [UInt8]) -> Bool {
        switch (b[0], b[1]) {
        case (0, _), (10, _), (127, _): true
        case (100, 64...127): true  // carrier-grade NAT
        case (169, 254): true  // link-local, cloud metadata
        case (172, 16...31): true
        case (192, 168): true
        case (192, 0) where b[2] == 0: true  // IETF protocol assignments
        case (198, 18...19): true  // benchmarking
        case (224...255, _): true  // multicast, reserved, broadcast
        default: false
        }
    }

    static func resolve(_ host: String) -> [String] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(result) }
        var addresses: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(info.pointee.ai_addr, info.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                addresses.append(String(cString: buffer))
            }
            cursor = info.pointee.ai_next
        }
        return addresses
    }
}
