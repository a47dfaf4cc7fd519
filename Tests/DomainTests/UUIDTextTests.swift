import Domain
import Foundation
import Testing

@Suite struct UUIDTextTests {
    @Test func precedesOrdersAsUUIDStringDoes() {
        var ids = (0..<3_000).map { _ in UUID() }
        // Ids that differ only in a late byte, or only in the high or low bits of one.
        let base = UUID().uuid
        for index in [0, 7, 8, 15] {
            for value: UInt8 in [0x00, 0x0F, 0x10, 0x7F, 0x80, 0xF0, 0xFF] {
                var bytes = base
                withUnsafeMutableBytes(of: &bytes) { $0[index] = value }
                ids.append(UUID(uuid: bytes))
            }
        }
        #expect(ids.sorted { $0.precedes($1) } == ids.sorted { $0.uuidString < $1.uuidString })
        for (left, right) in zip(ids, ids.reversed()) {
            #expect(left.precedes(right) == (left.uuidString < right.uuidString))
        }
        #expect(!ids[0].precedes(ids[0]))
    }
}
