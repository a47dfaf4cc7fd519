import Hummingbird

/// What a handler returns: a JSON body with its status and headers, encoded by `JSONBody`.
struct Reply<Body: Encodable>: ResponseGenerator {
    var body: Body
    var status: HTTPResponse.Status = .ok
    var headers: HTTPFields = [:]

    init(_ body: Body, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) {
        self.body = body
        self.status = status
        self.headers = headers
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        try JSONBody.response(body, status: status, headers: headers)
    }
}
