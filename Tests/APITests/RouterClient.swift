import HTTPTypes
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import ServiceLifecycle

/// An answer as a test reads it.
struct TestResponse: Sendable {
    let head: HTTPResponse
    var status: HTTPResponse.Status { head.status }
    var headers: HTTPFields { head.headerFields }
    let body: ByteBuffer
}

/// What tests send requests through.
protocol TestClientProtocol: Sendable {
    func executeRequest(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> TestResponse
}

extension TestClientProtocol {
    func execute(uri: String, method: HTTPRequest.Method, headers: HTTPFields = [:], body: ByteBuffer? = nil) async throws -> TestResponse {
        try await executeRequest(uri: uri, method: method, headers: headers, body: body)
    }
}

/// Hands requests straight to the application's responder, as the server would after parsing them
/// (the body streamed in 32 KiB chunks, readable once), with the application's background services
/// running beside the test; no sockets. This is what HummingbirdTesting's router mode does (it also
/// adds no Date or Server header); that library also has live modes that depend on
/// async-http-client and swift-nio-ssl, which added 338 s to a clean build of the tests here
/// (README, Dependencies).
struct RouterClient: TestClientProtocol {
    /// The responder with a context made for each request, as the server makes one per request.
    let respond: @Sendable (Request) async throws -> Response

    func executeRequest(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> TestResponse {
        var headers = headers
        if let body { headers[.contentLength] = String(body.readableBytes) }
        // The body arrives as the server hands it on: a stream of chunks, readable once.
        let (chunks, source) = AsyncStream.makeStream(of: ByteBuffer.self)
        if var body {
            while body.readableBytes > 0, let chunk = body.readSlice(length: min(32 * 1024, body.readableBytes)) {
                source.yield(chunk)
            }
        }
        source.finish()
        let request = Request(
            head: HTTPRequest(method: method, scheme: "http", authority: "localhost", path: uri, headerFields: headers),
            body: RequestBody(asyncSequence: chunks)
        )
        let response: Response
        do {
            response = try await respond(request)
        } catch {
            // What the server does with an error no middleware turned into a response.
            response = Response(status: .internalServerError)
        }
        let writer = CollectedBody()
        try await response.body.write(writer)
        return TestResponse(head: response.head, body: writer.bytes.withLockedValue { $0 })
    }

    /// Gathers a response body as the server would write it out.
    final class CollectedBody: ResponseBodyWriter, Sendable {
        let bytes = NIOLockedValueBox(ByteBuffer())

        func write(_ buffer: ByteBuffer) async throws {
            bytes.withLockedValue { $0.writeImmutableBuffer(buffer) }
        }

        func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}

extension ApplicationProtocol {
    /// Runs `body` against the application: its start-up work first, its services beside the test
    /// (started before the first request, shut down gracefully after the last).
    func testThroughRouter<T: Sendable>(_ body: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        let responder = try await self.responder
        let logger = self.logger
        let client = RouterClient { request in
            // Each request's logger carries its id, as the server's does (RequestContext.id reads it).
            var requestLogger = logger
            requestLogger[metadataKey: "hb.request.id"] = .stringConvertible(RequestID())
            let context = Responder.Context(source: ApplicationRequestContextSource(channel: NIOAsyncTestingChannel(), logger: requestLogger))
            return try await responder.respond(to: request, context: context)
        }
        guard !services.isEmpty else {
            for process in processesRunBeforeServerStart { try await process() }
            return try await body(client)
        }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
            let serviceGroup = ServiceGroup(
                configuration: .init(services: services + [StartedService(continuation: startedContinuation)], logger: logger)
            )
            group.addTask { try await serviceGroup.run() }
            do {
                for process in processesRunBeforeServerStart { try await process() }
                // The services must be running before the test can end, or shutting the group down
                // before it starts would leave it running.
                await started.first { _ in true }
                let value = try await body(client)
                await serviceGroup.triggerGracefulShutdown()
                return value
            } catch {
                await serviceGroup.triggerGracefulShutdown()
                throw error
            }
        }
    }
}

/// Says the service group has started its services.
private struct StartedService: Service {
    let continuation: AsyncStream<Void>.Continuation

    func run() async throws {
        continuation.finish()
        try? await gracefulShutdown()
    }
}
