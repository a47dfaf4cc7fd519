import Hummingbird

/// Public pages carry a validator so a browser or proxy revalidates instead of downloading again.
/// They may differ by language cookie and sign-in, so they are `private` and revalidated each time.
enum Caching {
    static func publicResponse(_ body: String, contentType: String = "text/html; charset=utf-8", request: Request) -> Response {
        let tag = "W/\"" + fnv1a(body) + "\""
        var response = Response(status: .ok, headers: [.contentType: contentType], body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
        response.headers[.eTag] = tag
        response.headers[.cacheControl] = "private, max-age=0, must-revalidate"
        response.headers[.vary] = "Cookie, Accept-Language"
        if let match = request.headers[.ifNoneMatch],
           match.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == tag }) {
            var headers = response.headers
            headers[.contentType] = nil
            return Response(status: .notModified, headers: headers)
        }
        return response
    }

    /// 64-bit FNV-1a: fast and not a secret; two versions of one page colliding (about 1 in 2^64)
    /// would keep a reader's stale copy until the page changes again.
    static func fnv1a(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}
