/// A small 0/1 knapsack by depth-first branch and bound, with a node limit so it stays fast.
enum Knapsack {
    struct Item {
        let id: Int
        let size: Int64
        let value: Double
    }

    /// Ids of a subset of at most `maxCount` of `items` fitting `capacity` whose value exceeds `beat`, the
    /// best found within `nodeLimit` search nodes; nil when none was found. Deterministic: ties keep the
    /// earlier find.
    static func solve(_ items: [Item], capacity: Int64, maxCount: Int = .max, beat: Double, nodeLimit: Int = 4_000) -> [Int]? {
        // Best value per unit of size first, so the greedy fill bounds the rest (Dantzig's bound).
        let items = items.filter { $0.size <= capacity && $0.value > 0 }.sorted { left, right in
            let (l, r) = (left.value * Double(right.size), right.value * Double(left.size))
            return l != r ? l > r : (left.size, left.id) < (right.size, right.id)
        }
        var best = beat
        var bestSet: [Int]?
        var nodesLeft = nodeLimit
        var taken: [Int] = []
        // An explicit stack rather than recursion: a sponsor may have thousands of candidate projects.
        var stack = [Frame(index: 0, room: capacity, value: 0, count: 0, included: false)]
        while let frame = stack.last {
            let top = stack.count - 1
            switch frame.phase {
            case .enter:
                if frame.value > best {
                    best = frame.value
                    bestSet = taken
                }
                // A full set is a leaf. The bound ignores the count: looser, still an upper bound.
                guard frame.index < items.count, frame.count < maxCount, nodesLeft > 0,
                      bound(items, from: frame.index, room: frame.room, value: frame.value) > best
                else {
                    pop(&stack, &taken)
                    continue
                }
                nodesLeft -= 1
                stack[top].phase = .excludeNext
                let item = items[frame.index]
                if item.size <= frame.room {
                    taken.append(frame.index)
                    stack.append(Frame(
                        index: frame.index + 1, room: frame.room - item.size, value: frame.value + item.value,
                        count: frame.count + 1, included: true
                    ))
                }
            case .excludeNext:
                stack[top].phase = .done
                stack.append(Frame(index: frame.index + 1, room: frame.room, value: frame.value, count: frame.count, included: false))
            case .done:
                pop(&stack, &taken)
            }
        }
        return bestSet.map { $0.map { items[$0].id } }
    }

    private struct Frame {
        enum Phase { case enter, excludeNext, done }
        let index: Int
        let room: Int64
        let value: Double
        /// Items taken so far.
        let count: Int
        /// Whether reaching this frame took the previous item.
        let included: Bool
        var phase = Phase.enter
    }

    private static func pop(_ stack: inout [Frame], _ taken: inout [Int]) {
        if stack.removeLast().included { taken.removeLast() }
    }

    /// The LP relaxation of what is left: whole items in order, then a fraction of the first that does not fit.
    private static func bound(_ items: [Item], from start: Int, room: Int64, value: Double) -> Double {
        var room = room
        var total = value
        for item in items[start...] {
            if item.size <= room {
                room -= item.size
                total += item.value
            } else {
                return total + item.value * Double(room) / Double(item.size)
            }
        }
        return total
    }
}
