import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// What one attempt to deliver got back.
public struct WebhookResponse: Sendable, Equatable {
    /// The receiver's status; nil when no response came.
    public let status: Int?
    public let error: String?
    public let durationMilliseconds: Int

    public init(status: Int?, error: String?, durationMilliseconds: Int) {
        self.status = status
        self.error = error
        self.durationMilliseconds = durationMilliseconds
    }

    public var succeeded: Bool { status.map { (200..<300).contains($0) } ?? false }
}

/// POSTs a delivery and reads only the status. Redirects are not followed (a redirect could point
/// back inside the network), and a slow receiver is cut off after `timeout`.
public final class WebhookSender: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    // The session is immutable after init and URLSession is thread-safe.
    private var session: URLSession!

    public init(timeout: TimeInterval = 10) {
        super.init()
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        session = URLSession(configuration: configuration, delegate: self, delegateQueue: nil)
    }

    public func post(_ url: URL, body: [UInt8], headers: [String: String]) async -> WebhookResponse {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let start = ContinuousClock.now
        let (status, error): (Int?, String?) = await withCheckedContinuation { continuation in
            session.dataTask(with: request) { _, response, error in
                if let response = response as? HTTPURLResponse {
                    continuation.resume(returning: (response.statusCode, nil))
                } else {
                    continuation.resume(returning: (nil, error.map { String(describing: $0.localizedDescription) } ?? "no response"))
                }
            }.resume()
        }
        let elapsed = ContinuousClock.now - start
        let milliseconds = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
        return WebhookResponse(status: status, error: error, durationMilliseconds: milliseconds)
    }

    public func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}
