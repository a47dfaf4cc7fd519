import Matching
import Testing

struct ConcurrentMapTests {
    /// Every length, including those that do not split evenly into the chunks (9 in chunks of 2
    /// once started a chunk past the end and trapped).
    @Test func equalsMapForEveryLength() {
        for length in 0...200 {
            let elements = Array(0..<length)
            #expect(elements.concurrentMap { $0 * 3 + 1 } == elements.map { $0 * 3 + 1 }, "length \(length)")
        }
    }

    struct Odd: Error, Equatable { let value: Int }

    @Test func aThrowingTransformThrowsItsError() {
        #expect(throws: Odd(value: 7)) {
            try Array(0..<50).concurrentMap { value throws(Odd) -> Int in
                if value == 7 { throw Odd(value: value) }
                return value
            }
        }
    }
}
