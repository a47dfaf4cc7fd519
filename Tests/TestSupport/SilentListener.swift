import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A receiver that takes connections and never answers: the kernel completes each handshake
/// into the listen backlog and nobody reads. For proving that a hung receiver is cut off by a
/// timeout and holds nothing else up.
public final class SilentListener: @unchecked Sendable {
    // Set in init, closed in deinit; nothing else writes it.
    private let socket: Int32
    public let port: Int

    public init() throws {
        // Linux only, like the rest of the test support (SOCK_STREAM is an enum there).
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw TestFailure("socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) == 0 }
        }
        guard bound, named, listen(socket, 16) == 0 else {
            close(socket)
            throw TestFailure("could not listen on 127.0.0.1")
        }
        self.socket = socket
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(socket) }

    /// Whether a connection waits in the backlog, waiting up to `milliseconds` for one.
    public func hasWaitingConnection(milliseconds: Int32) -> Bool {
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, milliseconds) == 1
    }
}
