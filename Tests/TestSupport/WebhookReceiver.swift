import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real HTTP receiver for webhook tests, in Python so that the signature is checked by an
/// implementation of HMAC-SHA-256 other than ours. It answers 200 to a delivery whose
/// `ASAR-Signature` is valid and fresh, 401 to one that is not, and 500 to everything while
/// `failing`; every request is logged, one JSON line each, with whether its signature held.
public final class WebhookReceiver: @unchecked Sendable {
    // Written only by start() and stop(), which a test calls from one task in turn.
    public let port: Int
    public let log: URL
    private var process: Process?

    public init() throws {
        port = try SMTPSink.freePort()
        log = FileManager.default.temporaryDirectory.appendingPathComponent("asar-webhook-\(UUID().uuidString.prefix(8)).jsonl")
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: log)
    }

    public var url: String { "http://127.0.0.1:\(port)/hooks/asar" }

    static let script = #"""
import hashlib, hmac, json, sys, time
from http.server import BaseHTTPRequestHandler, HTTPServer
port, secret, mode, log = int(sys.argv[1]), sys.argv[2].encode(), sys.argv[3], sys.argv[4]
class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        header = self.headers.get("ASAR-Signature", "")
        parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
        expected = hmac.new(secret, parts.get("t", "").encode() + b"." + body, hashlib.sha256).hexdigest()
        fresh = abs(time.time() - int(parts.get("t", "0"))) < 300
        valid = fresh and hmac.compare_digest(expected, parts.get("v1", ""))
        with open(log, "a") as out:
            out.write(json.dumps({"valid": valid, "event": self.headers.get("ASAR-Event"), "delivery": self.headers.get("ASAR-Delivery"), "body": body.decode()}) + "\n")
        status = 500 if mode == "fail" else (200 if valid else 401)
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *args):
        pass
HTTPServer(("127.0.0.1", port), Handler).serve_forever()
"""#

    /// Starts answering deliveries signed with `secret`; `failing` answers 500 to everything.
    public func start(secret: String, failing: Bool = false) async throws {
        stop()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.script, String(port), secret, failing ? "fail" : "ok", log.path]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        self.process = process
        for _ in 0..<100 {
            if SMTPSink.accepts(port: port) { return }
            guard process.isRunning else { throw TestFailure("the webhook receiver exited at start") }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("the webhook receiver did not listen on port \(port) within 10 s")
    }

    public func stop() {
        if let process, process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            // Until the kernel has closed the socket, a restart on the same port could fail.
            for _ in 0..<50 where SMTPSink.accepts(port: port) { usleep(20_000) }
        }
        process = nil
    }

    /// One request as the receiver saw it.
    public struct Request: Sendable {
        public let valid: Bool
        public let event: String
        public let delivery: String
        public let body: String
    }

    public func requests() throws -> [Request] {
        guard let text = try? String(contentsOf: log, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return Request(
                valid: object["valid"] as? Bool ?? false, event: object["event"] as? String ?? "",
                delivery: object["delivery"] as? String ?? "", body: object["body"] as? String ?? ""
            )
        }
    }
}
