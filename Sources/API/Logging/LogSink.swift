import Foundation

/// Collects log lines and writes them in batches: a write per line to a pipe or terminal
/// halved the service's throughput. Lines reach the file within `interval`, at once for
/// warnings and errors, and at exit.
public final class LogSink: @unchecked Sendable {
    // Safe: `pending` is only touched under `bufferLock`, and `writeLock` orders whole batches.
    private let fileDescriptor: Int32
    private let bufferLock = NSLock()
    private let writeLock = NSLock()
    private var pending: [UInt8] = []
    private var flusherStarted = false

    static let interval: TimeInterval = 0.05
    static let batchBytes = 64 * 1024

    /// Standard error, so that standard output carries only a command's result (a token, a count).
    public static let standardError: LogSink = {
        let sink = LogSink(fileDescriptor: STDERR_FILENO)
        atexit { LogSink.standardError.flush() }
        return sink
    }()

    public init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
    }

    public func write(_ line: String, flush: Bool = false) {
        bufferLock.lock()
        pending.append(contentsOf: line.utf8)
        let full = pending.count >= Self.batchBytes
        let startFlusher = !flusherStarted
        flusherStarted = true
        bufferLock.unlock()
        if startFlusher {
            let flusher = Thread { [self] in
                while true {
                    Thread.sleep(forTimeInterval: Self.interval)
                    self.flush()
                }
            }
            flusher.name = "log-flusher"
            flusher.start()
        }
        if flush || full { self.flush() }
    }

    /// Writes out everything collected so far.
    public func flush() {
        writeLock.lock()
        defer { writeLock.unlock() }
        bufferLock.lock()
        let batch = pending
        pending.removeAll(keepingCapacity: true)
        bufferLock.unlock()
        guard !batch.isEmpty else { return }
        batch.withUnsafeBytes { bytes in
            guard let start = bytes.baseAddress else { return }
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(fileDescriptor, start + offset, bytes.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return  // Nowhere to report a failing log file; drop the batch rather than spin.
                }
            }
        }
    }
}
