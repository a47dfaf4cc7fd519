import Foundation
import Hummingbird
import NIOCore

/// Serves the OpenAPI 3.1 document of this service, a resource of this module, at `GET /openapi.json`.
struct OpenAPIController {
    /// The document as shipped; nil only when the resource is missing from the build.
    static let document: Data? = Bundle.module.url(forResource: "openapi", withExtension: "json").flatMap { try? Data(contentsOf: $0) }

    /// Read and copied into a buffer once, when the routes are added: not on an event loop per request.
    private let body = document.map { ByteBuffer(bytes: $0) }

    func addRoutes(to router: Router<AppRequestContext>) {
        let body = body
        router.get("/openapi.json") { _, _ in
            guard let body else { throw Problem.internalError }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: body))
        }
    }
}
