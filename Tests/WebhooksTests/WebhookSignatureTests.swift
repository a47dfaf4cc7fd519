import Foundation
import Testing
@testable import Webhooks

@Suite struct WebhookSignatureTests {
    @Test func theSignatureMatchesRFC4231AndVerifiesOnlyFreshUnchangedBodies() {
        // RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?".
        #expect(WebhookSignature.hex(WebhookSignature.hmacSHA256(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)))
            == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        let body = Array(#"{"id":"1"}"#.utf8)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let header = WebhookSignature.value(secret: "whsec_test", timestamp: 1_800_000_000, body: body)
        #expect(WebhookSignature.verify(header, secret: "whsec_test", body: body, now: now))
        #expect(!WebhookSignature.verify(header, secret: "whsec_other", body: body, now: now))
        #expect(!WebhookSignature.verify(header, secret: "whsec_test", body: Array(#"{"id":"2"}"#.utf8), now: now))
        #expect(!WebhookSignature.verify(header, secret: "whsec_test", body: body, now: now.addingTimeInterval(301)), "a replay after five minutes")
    }

    @Test func privateAndSpecialAddressesAreRecognised() {
        for address in ["127.0.0.1", "10.0.0.5", "172.20.1.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fd00::1",
                        "::ffff:127.0.0.1", "224.0.0.1", "::", "::10.0.0.1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::1", "fec0::1", "192.0.0.8", "198.18.0.1"] {
            #expect(WebhookAddress.isPrivate(address), "\(address) passed")
        }
        for address in ["8.8.8.8", "172.32.0.1", "2a00:1450:4001::1", "93.184.216.34", "64:ff9b::808:808", "2002:808:808::1"] {
            #expect(!WebhookAddress.isPrivate(address), "\(address) was refused")
        }
    }
}
