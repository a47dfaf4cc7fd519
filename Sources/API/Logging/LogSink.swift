import Foundation

/// Writes each log line at once, one `write` per line, on the logging thread. Batching lines on a
/// thread of its own did not win by 10% in `deploy/bench`'s measurement (see BENCHMARKS.md).
public final class LogSink: @unchecked Sendable {
    // Safe: the only state is the file descriptor, and `lock` keeps lines from interleaving.
    private let fileDescriptor: Int32
    private let lock = NSLock()

    /// Standard error, so that standard output carries only a command's result (a token, a count).
    public static let standardError = LogSink(fileDescriptor: STDERR_FILENO)

    public init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
    }

    /// Writes `line`, UTF-8 ending in a newline, whole.
    public func write(_ line: [UInt8]) {
        lock.lock()
        defer { lock.unlock() }
        line.withUnsafeBytes { bytes in
            guard let start = bytes.baseAddress else { return }
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(fileDescriptor, start + offset, bytes.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && (errno == EINTR || errno == EAGAIN) {
                    // A non-blocking stderr: wait until it takes more rather than cut a line.
                    var descriptor = pollfd(fd: fileDescriptor, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&descriptor, 1, 100)
                } else {
                    return  // Nowhere to report a failing log file; drop the line rather than spin.
                }
            }
        }
    }
}
