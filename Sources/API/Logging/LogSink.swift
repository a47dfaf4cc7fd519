import Foundation

/// Collects log lines and writes them in batches from a thread of its own: a write per line
/// halved the service's throughput, and a slow reader of stderr must never stall an event loop.
/// Lines reach the file within `interval`, at once after a warning, and at exit. If the reader
/// falls behind by more than `capacity`, whole lines are dropped and counted, never cut.
public final class LogSink: @unchecked Sendable {
    // Safe: `pending`, `dropped`, `urgent` and `flusherStarted` are only touched while holding
    // `condition`; `writeLock` orders whole batches on the file.
    private let fileDescriptor: Int32
    private let condition = NSCondition()
    private let writeLock = NSLock()
    private var pending: [UInt8] = []
    private var dropped = 0
    private var urgent = false
    private var flusherStarted = false

    /// How long an info line may wait for its batch.
    let interval: TimeInterval
    /// Writes each line at once on the logging thread, one write per line, with no batching:
    /// only for `deploy/bench`'s encoding part, which compares the two (`ASAR_LOG_SINK=direct`).
    let direct: Bool
    static let capacity = 4 * 1024 * 1024

    /// Standard error, so that standard output carries only a command's result (a token, a count).
    public static let standardError: LogSink = {
        let sink = LogSink(fileDescriptor: STDERR_FILENO)
        atexit { LogSink.standardError.flush() }
        return sink
    }()

    public init(fileDescriptor: Int32, interval: TimeInterval = 0.05, direct: Bool = false) {
        self.fileDescriptor = fileDescriptor
        self.interval = interval
        self.direct = direct
    }

    /// Queues `line`, UTF-8 ending in a newline; `urgent` wakes the writer at once.
    public func write(_ line: [UInt8], urgent: Bool = false) {
        if direct {
            writeLock.lock()
            writeAll(line)
            writeLock.unlock()
            return
        }
        condition.lock()
        if pending.count + line.count > Self.capacity {
            dropped += 1
        } else {
            pending.append(contentsOf: line)
        }
        let startFlusher = !flusherStarted
        flusherStarted = true
        if urgent {
            self.urgent = true
            condition.signal()
        }
        condition.unlock()
        if startFlusher { startFlusherThread() }
    }

    private func startFlusherThread() {
        let flusher = Thread { [self] in
            while true {
                condition.lock()
                if !urgent { _ = condition.wait(until: Date(timeIntervalSinceNow: interval)) }
                urgent = false
                condition.unlock()
                flush()
            }
        }
        flusher.name = "log-writer"
        flusher.start()
    }

    /// Writes out everything queued so far, on the calling thread.
    public func flush() {
        writeLock.lock()
        defer { writeLock.unlock() }
        condition.lock()
        var batch: [UInt8] = []
        swap(&batch, &pending)
        let droppedLines = dropped
        dropped = 0
        condition.unlock()
        if droppedLines > 0 {
            batch += Array(#"{"level":"warning","msg":"log lines dropped: the log reader fell behind","dropped":\#(droppedLines)}"#.utf8)
            batch.append(UInt8(ascii: "\n"))
        }
        guard !batch.isEmpty else { return }
        writeAll(batch)
    }

    private func writeAll(_ batch: [UInt8]) {
        batch.withUnsafeBytes { bytes in
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
                    return  // Nowhere to report a failing log file; drop the batch rather than spin.
                }
            }
        }
    }
}
