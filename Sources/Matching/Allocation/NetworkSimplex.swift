/// Minimum-cost flow by the primal network simplex method, after LEMON's `NetworkSimplex`: an artificial
/// root, block-search pricing, and a strongly feasible spanning tree kept as parent, thread (preorder)
/// and subtree-size arrays, so that a pivot only touches the part of the tree that moves.
enum NetworkSimplex {
    struct Arc {
        let from: Int
        let to: Int
        /// `Int64.max` means unbounded.
        let capacity: Int64
        let cost: Int64
    }

    /// Flows on `arcs`, in their order, of a minimum-cost flow that meets `supply` exactly (positive
    /// values supply, negative ones demand), or nil when no such flow exists or the cost is unbounded.
    /// Supplies must sum to 0; costs times the node count must stay far below `Int64.max`.
    static func solve(nodeCount: Int, supply: [Int64], arcs: [Arc]) -> [Int64]? {
        guard nodeCount > 0 else { return arcs.isEmpty ? [] : nil }
        var solver = Solver(nodeCount: nodeCount, supply: supply, arcs: arcs)
        guard solver.run() else { return nil }
        return solver.position.map { solver.flow[$0] }
    }

    private struct Solver {
        // Arc states: a non-tree arc at its lower or upper bound, or a tree arc.
        static let lower: Int64 = 1
        static let tree: Int64 = 0
        static let upper: Int64 = -1
        static let infinite = Int64.max

        let nodeCount: Int
        let root: Int
        /// Real arcs come first, at `position[original index]`; one artificial arc per node follows.
        let searchCount: Int
        var position: [Int]

        var source: [Int]
        var target: [Int]
        var cost: [Int64]
        var capacity: [Int64]
        var flow: [Int64]
        var state: [Int64]

        var potential: [Int64]
        var parent: [Int]
        /// The tree arc joining a node to its parent.
        var pred: [Int]
        /// +1 when `pred` points up to the parent, -1 when it points down from it.
        var predDirection: [Int64]
        var thread: [Int]
        var reverseThread: [Int]
        var subtreeSize: [Int]
        var lastSuccessor: [Int]
        var dirty: [Int] = []

        let blockSize: Int
        var nextArc = 0

        // The current pivot.
        var inArc = 0
        var join = 0
        var uIn = 0
        var vIn = 0
        var uOut = 0
        var delta: Int64 = 0

        init(nodeCount: Int, supply: [Int64], arcs: [Arc]) {
            self.nodeCount = nodeCount
            root = nodeCount
            searchCount = arcs.count
            let allCount = arcs.count + nodeCount

            // Spread consecutive arcs apart, so one pricing block sees many different nodes.
            position = [Int](repeating: 0, count: arcs.count)
            let skip = max(arcs.count / nodeCount, 3)
            var slot = 0
            var round = 0
            for index in arcs.indices {
                position[index] = slot
                slot += skip
                if slot >= arcs.count {
                    round += 1
                    slot = round
                }
            }

            source = [Int](repeating: 0, count: allCount)
            target = [Int](repeating: 0, count: allCount)
            cost = [Int64](repeating: 0, count: allCount)
            capacity = [Int64](repeating: 0, count: allCount)
            flow = [Int64](repeating: 0, count: allCount)
            state = [Int64](repeating: Self.lower, count: allCount)
            var largestCost: Int64 = 0
            for (index, arc) in arcs.enumerated() {
                let slot = position[index]
                source[slot] = arc.from
                target[slot] = arc.to
                cost[slot] = arc.cost
                capacity[slot] = arc.capacity
                largestCost = max(largestCost, arc.cost == .min ? .max : abs(arc.cost))
            }
            // Dearer than any path of real arcs, so artificial arcs carry flow only when nothing else can.
            let (product, overflow) = (min(largestCost, .max - 1) + 1).multipliedReportingOverflow(by: Int64(nodeCount + 1))
            let artificialCost = overflow ? Int64.max / 4 : product

            let nodeSlots = nodeCount + 1
            potential = [Int64](repeating: 0, count: nodeSlots)
            parent = [Int](repeating: -1, count: nodeSlots)
            pred = [Int](repeating: -1, count: nodeSlots)
            predDirection = [Int64](repeating: 1, count: nodeSlots)
            thread = [Int](repeating: 0, count: nodeSlots)
            reverseThread = [Int](repeating: 0, count: nodeSlots)
            subtreeSize = [Int](repeating: 1, count: nodeSlots)
            lastSuccessor = [Int](repeating: 0, count: nodeSlots)

            thread[root] = 0
            reverseThread[0] = root
            subtreeSize[root] = nodeCount + 1
            lastSuccessor[root] = root - 1
            for node in 0..<nodeCount {
                let arc = searchCount + node
                parent[node] = root
                pred[node] = arc
                thread[node] = node + 1
                reverseThread[node + 1] = node
                lastSuccessor[node] = node
                capacity[arc] = Self.infinite
                state[arc] = Self.tree
                let amount = node < supply.count ? supply[node] : 0
                if amount >= 0 {
                    predDirection[node] = 1
                    source[arc] = node
                    target[arc] = root
                    flow[arc] = amount
                } else {
                    predDirection[node] = -1
                    potential[node] = artificialCost
                    source[arc] = root
                    target[arc] = node
                    flow[arc] = -amount
                    cost[arc] = artificialCost
                }
            }
            blockSize = max(Int(Double(searchCount).squareRoot()), 10)
        }

        /// Pivots to optimality; false when the problem is unbounded or infeasible.
        mutating func run() -> Bool {
            while findEnteringArc() {
                findJoinNode()
                let change = findLeavingArc()
                if delta == Self.infinite { return false }
                changeFlow(change)
                if change {
                    updateTreeStructure()
                    updatePotential()
                }
            }
            for arc in searchCount..<source.count where flow[arc] != 0 { return false }
            return true
        }

        /// Block search: the most negative reduced cost within the first block, from where the last
        /// search stopped, that has any.
        mutating func findEnteringArc() -> Bool {
            guard searchCount > 0 else { return false }
            var best: Int64 = 0
            var remainingInBlock = blockSize
            var arc = nextArc
            for _ in 0..<searchCount {
                let reduced = state[arc] * (cost[arc] + potential[source[arc]] - potential[target[arc]])
                if reduced < best {
                    best = reduced
                    inArc = arc
                }
                arc += 1
                if arc == searchCount { arc = 0 }
                remainingInBlock -= 1
                if remainingInBlock == 0 {
                    if best < 0 { break }
                    remainingInBlock = blockSize
                }
            }
            nextArc = arc
            return best < 0
        }

        mutating func findJoinNode() {
            var u = source[inArc]
            var v = target[inArc]
            while u != v {
                if subtreeSize[u] < subtreeSize[v] {
                    u = parent[u]
                } else {
                    v = parent[v]
                }
            }
            join = u
        }

        /// Picks the leaving arc as the last blocking arc met when going round the cycle in the direction
        /// of the flow change from the join node, which keeps the tree strongly feasible (no cycling).
        /// False when the entering arc itself leaves, going from one bound to the other.
        mutating func findLeavingArc() -> Bool {
            let first: Int
            let second: Int
            if state[inArc] == Self.lower {
                first = source[inArc]
                second = target[inArc]
            } else {
                first = target[inArc]
                second = source[inArc]
            }
            delta = capacity[inArc]
            var result = 0

            var u = first
            while u != join {
                let arc = pred[u]
                var room = flow[arc]
                if predDirection[u] == -1 {
                    room = capacity[arc] == Self.infinite ? Self.infinite : capacity[arc] - room
                }
                if room < delta {
                    delta = room
                    uOut = u
                    result = 1
                }
                u = parent[u]
            }
            u = second
            while u != join {
                let arc = pred[u]
                var room = flow[arc]
                if predDirection[u] == 1 {
                    room = capacity[arc] == Self.infinite ? Self.infinite : capacity[arc] - room
                }
                if room <= delta {
                    delta = room
                    uOut = u
                    result = 2
                }
                u = parent[u]
            }
            if result == 1 {
                uIn = first
                vIn = second
            } else {
                uIn = second
                vIn = first
            }
            return result != 0
        }

        mutating func changeFlow(_ change: Bool) {
            if delta > 0 {
                let value = state[inArc] * delta
                flow[inArc] += value
                var u = source[inArc]
                while u != join {
                    flow[pred[u]] -= predDirection[u] * value
                    u = parent[u]
                }
                u = target[inArc]
                while u != join {
                    flow[pred[u]] += predDirection[u] * value
                    u = parent[u]
                }
            }
            if change {
                state[inArc] = Self.tree
                let leaving = pred[uOut]
                state[leaving] = flow[leaving] == 0 ? Self.lower : Self.upper
            } else {
                state[inArc] = -state[inArc]
            }
        }

        /// Hangs the subtree cut off at `uOut` under `vIn` through the entering arc, re-rooting it at `uIn`.
        mutating func updateTreeStructure() {
            let oldReverseThread = reverseThread[uOut]
            let oldSubtreeSize = subtreeSize[uOut]
            let oldLastSuccessor = lastSuccessor[uOut]
            let vOut = parent[uOut]

            if uIn == uOut {
                parent[uIn] = vIn
                pred[uIn] = inArc
                predDirection[uIn] = uIn == source[inArc] ? 1 : -1
                if thread[vIn] != uOut {
                    var after = thread[oldLastSuccessor]
                    thread[oldReverseThread] = after
                    reverseThread[after] = oldReverseThread
                    after = thread[vIn]
                    thread[vIn] = uOut
                    reverseThread[uOut] = vIn
                    thread[oldLastSuccessor] = after
                    reverseThread[after] = oldLastSuccessor
                }
            } else {
                // When the thread reaches uOut right from vIn, vOut is the join node.
                let threadContinue = oldReverseThread == vIn ? thread[oldLastSuccessor] : thread[vIn]

                // Walk the stem from uIn up to uOut, reversing parents and splicing each subtree into
                // the thread after its new parent.
                var stem = uIn
                var parentOfStem = vIn
                var last = lastSuccessor[uIn]
                var after = thread[last]
                thread[vIn] = uIn
                dirty.removeAll(keepingCapacity: true)
                dirty.append(vIn)
                while stem != uOut {
                    let nextStem = parent[stem]
                    thread[last] = nextStem
                    dirty.append(last)

                    let before = reverseThread[stem]
                    thread[before] = after
                    reverseThread[after] = before

                    parent[stem] = parentOfStem
                    parentOfStem = stem
                    stem = nextStem

                    last = lastSuccessor[stem] == lastSuccessor[parentOfStem]
                        ? reverseThread[parentOfStem] : lastSuccessor[stem]
                    after = thread[last]
                }
                parent[uOut] = parentOfStem
                thread[last] = threadContinue
                reverseThread[threadContinue] = last
                lastSuccessor[uOut] = last

                if oldReverseThread != vIn {
                    thread[oldReverseThread] = after
                    reverseThread[after] = oldReverseThread
                }
                for node in dirty {
                    reverseThread[thread[node]] = node
                }

                // Along the stem from uOut down to uIn, each node takes its old parent's arc, reversed.
                var sizeSoFar = 0
                let stemLast = lastSuccessor[uOut]
                var u = uOut
                var p = parent[u]
                while u != uIn {
                    pred[u] = pred[p]
                    predDirection[u] = -predDirection[p]
                    sizeSoFar += subtreeSize[u] - subtreeSize[p]
                    subtreeSize[u] = sizeSoFar
                    lastSuccessor[p] = stemLast
                    u = p
                    p = parent[u]
                }
                pred[uIn] = inArc
                predDirection[uIn] = uIn == source[inArc] ? 1 : -1
                subtreeSize[uIn] = oldSubtreeSize
            }

            let upLimitOut = lastSuccessor[join] == vIn ? join : -1
            let lastSuccessorOut = lastSuccessor[uOut]
            var u = vIn
            while u != -1 && lastSuccessor[u] == vIn {
                lastSuccessor[u] = lastSuccessorOut
                u = parent[u]
            }
            if join != oldReverseThread && vIn != oldReverseThread {
                u = vOut
                while u != upLimitOut && lastSuccessor[u] == oldLastSuccessor {
                    lastSuccessor[u] = oldReverseThread
                    u = parent[u]
                }
            } else if lastSuccessorOut != oldLastSuccessor {
                u = vOut
                while u != upLimitOut && lastSuccessor[u] == oldLastSuccessor {
                    lastSuccessor[u] = lastSuccessorOut
                    u = parent[u]
                }
            }

            u = vIn
            while u != join {
                subtreeSize[u] += oldSubtreeSize
                u = parent[u]
            }
            u = vOut
            while u != join {
                subtreeSize[u] -= oldSubtreeSize
                u = parent[u]
            }
        }

        /// Shifts the potentials of the moved subtree so the entering arc has zero reduced cost.
        mutating func updatePotential() {
            let sigma = potential[vIn] - potential[uIn] - predDirection[uIn] * cost[inArc]
            let end = thread[lastSuccessor[uIn]]
            var u = uIn
            while u != end {
                potential[u] += sigma
                u = thread[u]
            }
        }
    }
}
