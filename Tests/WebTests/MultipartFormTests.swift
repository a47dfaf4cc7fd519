import NIOCore
import Testing

@testable import Web

/// The multipart reader behind the one form that sends a file (hand-written: MultipartKit would
/// add every swift-collections module to each clean build, 51 s measured; see README).
@Suite struct MultipartFormTests {
    static func body(_ text: String, file: [UInt8] = []) -> ByteBuffer {
        var buffer = ByteBuffer(string: text)
        buffer.writeBytes(file)
        buffer.writeString("\r\n--XyZ--\r\n")
        return buffer
    }

    @Test func fieldsAndAFileWithLineBreaksAndDashesInsideComeBackWhole() throws {
        let content: [UInt8] = Array("%PDF-1.4\r\n--Xy\r\n -XyZ--XyZ".utf8) + [0, 255, 13, 10]
        let body = Self.body(
            "preamble to ignore\r\n--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntoken\r\n"
                + "--XyZ\r\ncontent-disposition: form-data; name=\"kind\"\r\n\r\nкуәлік\r\n"
                + "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a;b \\c.pdf\"\r\nContent-Type: application/pdf\r\n\r\n",
            file: content
        )
        let form = try #require(MultipartForm.parse(body, boundary: "XyZ"))
        #expect(form.fields == ["csrf": "token", "kind": "куәлік"])
        #expect(form.files["file"]?.fileName == "a;b \\c.pdf")
        #expect(form.files["file"]?.bytes == content)
    }

    @Test func aBodyWithoutItsClosingDelimiterOrBlankLineIsRefused() {
        #expect(MultipartForm.parse(ByteBuffer(string: "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb"), boundary: "XyZ") == nil)
        #expect(MultipartForm.parse(ByteBuffer(string: "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\nb\r\n--XyZ--"), boundary: "XyZ") == nil)
        #expect(MultipartForm.parse(ByteBuffer(string: "no delimiter at all"), boundary: "XyZ") == nil)
        #expect(MultipartForm.parse(ByteBuffer(string: "--XyZ--\r\n"), boundary: "XyZ")?.fields.isEmpty == true)
    }

    @Test func theBoundaryComesFromTheContentTypeQuotedOrNot() {
        #expect(MultipartForm.boundary(in: "multipart/form-data; boundary=----WebKitFormBoundaryA1") == "----WebKitFormBoundaryA1")
        #expect(MultipartForm.boundary(in: "Multipart/Form-Data; charset=utf-8; boundary=\"a b\"") == "a b")
        #expect(MultipartForm.boundary(in: "application/x-www-form-urlencoded") == nil)
        #expect(MultipartForm.boundary(in: "multipart/form-data; boundary=") == nil)
    }
}
