import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A minimal keep-alive HTTP/1.1 client over a blocking socket, for benchmarks on loopback only.
/// It runs on a thread of its own, never on the cooperative pool.
final class HTTPProbe {
    struct Reply {
        let status: Int
        /// The service's own time from `Server-Timing: app;dur=`, in milliseconds.
        let serverMilliseconds: Double?
        let bodyBytes: Int
    }

    enum ProbeError: Error {
        case connect(Int32)
        case closed
        case malformed
    }

    private let descriptor: Int32
    private var buffer: [UInt8] = []

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(descriptor)
            throw ProbeError.connect(errno)
        }
        var noDelay: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit {
        close(descriptor)
    }

    func get(_ path: String, headers: [String: String] = [:]) throws -> Reply {
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        let bytes = Array(request.utf8)
        var sent = 0
        while sent < bytes.count {
            let written = bytes[sent...].withUnsafeBufferPointer { send(descriptor, $0.baseAddress, $0.count, 0) }
            guard written > 0 else { throw ProbeError.closed }
            sent += written
        }
        let head = try readHead()
        let lines = head.split(separator: "\r\n")
        guard let statusLine = lines.first, let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") else {
            throw ProbeError.malformed
        }
        var length = 0
        var serverMilliseconds: Double?
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { continue }
            switch parts[0].lowercased() {
            case "content-length": length = Int(parts[1]) ?? 0
            case "server-timing":
                serverMilliseconds = parts[1].components(separatedBy: "dur=").last.flatMap(Double.init)
            default: break
            }
        }
        try readBody(length)
        return Reply(status: status, serverMilliseconds: serverMilliseconds, bodyBytes: length)
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let received = chunk.withUnsafeMutableBufferPointer { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard received > 0 else { throw ProbeError.closed }
        buffer += chunk[0..<received]
    }

    private func readHead() throws -> String {
        while true {
            if let end = headEnd() {
                let head = String(decoding: buffer[0..<end], as: UTF8.self)
                buffer.removeFirst(end + 4)
                return head
            }
            try fill()
        }
    }

    private func headEnd() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for index in 0...(buffer.count - 4)
        where buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13 && buffer[index + 3] == 10 {
            return index
        }
        return nil
    }

    private func readBody(_ length: Int) throws {
        while buffer.count < length { try fill() }
        buffer.removeFirst(length)
    }
}

/// Runs blocking work on a new thread and awaits its result.
func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try work() })
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
}
