import Dispatch
import Foundation

extension Array where Element: Sendable {
    /// `map` in chunks on every core, results in the elements' order. Blocks the calling thread
    /// until every chunk is done, so call it from a thread of its own (a connection's, the NIO
    /// thread pool's), never from the cooperative pool.
    public func concurrentMap<T: Sendable, Failure: Error>(_ transform: @Sendable (Element) throws(Failure) -> T) throws(Failure) -> [T] {
        let mostChunks = 4 * ProcessInfo.processInfo.activeProcessorCount
        let chunkSize = (count + mostChunks - 1) / mostChunks
        // Counted from the size, so that no chunk starts past the end: 9 elements in chunks of 2 are 5 chunks, not 8.
        let chunkCount = chunkSize == 0 ? 0 : (count + chunkSize - 1) / chunkSize
        guard chunkCount > 1 else { return try map(transform) }
        let chunks = ChunkResults<T, Failure>(count: chunkCount)
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
            let range = (chunk * chunkSize)..<Swift.min(count, (chunk + 1) * chunkSize)
            let result = Result { () throws(Failure) -> [T] in try self[range].map(transform) }
            chunks.set(chunk, result)
        }
        var mapped: [T] = []
        mapped.reserveCapacity(count)
        for chunk in 0..<chunkCount { mapped += try chunks.get(chunk) }
        return mapped
    }
}

/// The chunks' results as they finish. Every access holds the lock: writing one slot of a shared
/// array from several threads is a race on the array's buffer (its uniqueness check may copy it).
private final class ChunkResults<T, Failure: Error>: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<[T], Failure>?]

    init(count: Int) { results = Array(repeating: nil, count: count) }

    func set(_ chunk: Int, _ result: Result<[T], Failure>) {
        lock.withLock { results[chunk] = result }
    }

    func get(_ chunk: Int) throws(Failure) -> [T] {
        try lock.withLock { results[chunk] }?.get() ?? []
    }
}
