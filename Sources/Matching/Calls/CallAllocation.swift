/// The money of one call for proposals and what may draw on it. The state budget and each
/// co-funder's pledge (or each earmarked part of one) are funds; an application may take money
/// only from the funds whose terms admit it.
public struct CallAllocationProblem: Sendable, Equatable {
    public struct Application: Sendable, Equatable {
        /// What the NGO asked for, in KZT.
        public let asked: Int64
        /// The reviewers' score in hundredths (8_250 for 82.5): what one KZT placed with it is worth.
        public let score: Int64
        /// Indices of the funds that may pay for it.
        public let funds: [Int]

        public init(asked: Int64, score: Int64, funds: [Int]) {
            self.asked = asked
            self.score = score
            self.funds = funds
        }
    }

    /// What each fund holds, by fund index.
    public var budgets: [Int64]
    /// In the order ties are broken: of two applications with the same score, the earlier one is
    /// funded first.
    public var applications: [Application]

    public init(budgets: [Int64], applications: [Application]) {
        self.budgets = budgets
        self.applications = applications
    }
}

/// Who pays what to which application.
public struct CallAllocation: Sendable, Equatable {
    public struct Grant: Sendable, Equatable {
        public let application: Int
        public let fund: Int
        public let amount: Int64

        public init(application: Int, fund: Int, amount: Int64) {
            self.application = application
            self.fund = fund
            self.amount = amount
        }
    }

    /// Positive amounts only, sorted by (application, fund).
    public let grants: [Grant]
    /// Σ score × amount.
    public let objective: Double
    /// The best objective the mode could reach: `objective` when the result is exact, the split
    /// bound when a whole-grant search was cut short.
    public let upperBound: Double
    /// What split funding reaches with the same money: what funding whole grants only costs.
    public let splitBound: Double
    /// Whether the result is known to be the best of its mode (split always; whole when the search
    /// finished within its node limit).
    public let isExact: Bool

    /// The share of the upper bound the objective falls short by; 0 when exact or split.
    public var gap: Double { upperBound <= 0 ? 0 : max(0, upperBound - objective) / upperBound }

    /// What each application receives in all, by application index.
    public func amounts(applicationCount: Int) -> [Int64] {
        var amounts = [Int64](repeating: 0, count: applicationCount)
        for grant in grants where amounts.indices.contains(grant.application) { amounts[grant.application] += grant.amount }
        return amounts
    }
}

/// Allocates a call's funds among the applications that passed, to maximise Σ score × amount.
public enum CallAllocator {
    /// Applications may be funded in part. Exact: a flow problem solved by the rounds' network
    /// simplex. Ties are broken by application order without changing the optimum: each weight is
    /// the score scaled past the number of applications plus a bonus for coming earlier, so any
    /// higher score still outweighs every bonus per KZT, and money goes first to the higher score
    /// (the funded amounts form a polymatroid, where that order decides the optimum).
    public static func split(_ problem: CallAllocationProblem) -> CallAllocation {
        let clean = Clean(problem)
        let count = Int64(clean.applications.count)
        var edges: [AllocationProblem.Edge] = []
        for (index, application) in clean.applications.enumerated() where application.asked > 0 {
            let weight = application.score * (count + 1) + (count - Int64(index))
            for fund in application.funds { edges.append(AllocationProblem.Edge(sponsor: fund, project: index, weight: weight)) }
        }
        let solved = Allocator.split(AllocationProblem(budgets: clean.budgets, needs: clean.applications.map(\.asked), edges: edges))
        let grants = solved.placements.map { Grant(application: $0.project, fund: $0.sponsor, amount: $0.amount) }
        let objective = clean.objective(grants)
        return CallAllocation(grants: grants, objective: objective, upperBound: objective, splitBound: objective, isExact: true)
    }

    /// Whole grants: an application gets all it asked, from one fund or several, or nothing — a
    /// knapsack with earmarks. Depth-first branch and bound in score order (the first dive is the
    /// greedy fill), bounded by filling the money left with the best scores left as if every fund
    /// admitted every application; whether a set can be paid is kept as a flow from funds to
    /// applications, repaired along augmenting paths when an earmark is in the way. Deterministic:
    /// of equal totals the first found (earlier applications) is kept. When `nodeLimit` stops the
    /// search the result is the best found and `gap` says how far from the split bound it may be.
    public static func whole(_ problem: CallAllocationProblem, nodeLimit: Int = 200_000) -> CallAllocation {
        let clean = Clean(problem)
        let bound = split(problem).objective
        var search = WholeGrantSearch(clean, nodeLimit: nodeLimit)
        let (grants, finished) = search.run()
        let objective = clean.objective(grants)
        return CallAllocation(grants: grants, objective: objective, upperBound: finished ? objective : bound, splitBound: bound, isExact: finished)
    }

    typealias Grant = CallAllocation.Grant

    /// Negative amounts read as 0; unknown or repeated funds dropped; scores held to 0–100 in
    /// hundredths, so that a tie-breaking weight cannot overflow.
    struct Clean {
        let budgets: [Int64]
        let applications: [CallAllocationProblem.Application]

        init(_ problem: CallAllocationProblem) {
            budgets = problem.budgets.map { max(0, $0) }
            let fundCount = problem.budgets.count
            applications = problem.applications.map { application in
                var seen = Set<Int>()
                let funds = application.funds.filter { (0..<fundCount).contains($0) && seen.insert($0).inserted }
                return CallAllocationProblem.Application(asked: max(0, application.asked), score: min(10_000, max(0, application.score)), funds: funds)
            }
        }

        func objective(_ grants: [Grant]) -> Double {
            grants.reduce(0.0) { $0 + Double(applications[$1.application].score) * Double($1.amount) }
        }
    }
}

/// The branch and bound behind `CallAllocator.whole`. Applications that may draw on the same
/// funds are one kind: whether a set can be paid depends only on how much each kind asks, so the
/// flow it keeps runs from funds to kinds (as many as distinct earmark combinations occur, far
/// fewer than applications when the funds are few).
struct WholeGrantSearch {
    let applications: [CallAllocationProblem.Application]
    /// Application indices by score, highest first; ties in application order.
    let order: [Int]
    /// kindOf[application]: which kind it is; kinds[kind]: the funds that kind may draw on.
    let kindOf: [Int]
    let kinds: [[Int]]
    let nodeLimit: Int

    /// What each fund has left.
    var remaining: [Int64]
    /// flows[fund * kinds.count + kind]: what the fund gives applications of that kind taken so
    /// far. Flat arrays rather than a dictionary per fund: the search reads them at every node.
    var flows: [Int64]
    /// Changes to undo when the search backs out: (fund, kind, amount before).
    var undoLog: [(fund: Int, kind: Int, before: Int64)] = []
    /// Bit sets, in words of 64, that let `augment` step over what cannot matter: the funds of
    /// each kind (`fundWords` words a kind), and the kinds each fund gives money to now
    /// (`kindWords` words a fund, kept by `give` and `undo`).
    private let fundWords: Int
    private let kindWords: Int
    private let fundsOfKind: [UInt64]
    private var drawersOfFund: [UInt64]
    /// Scratch space of `augment`: funds reached, funds with money left, from which fund and
    /// kind each fund was reached, and the queue.
    private var visited: [UInt64]
    private var withMoney: [UInt64]
    private var cameFrom: [(fund: Int, kind: Int)]
    private var queue: [Int] = []

    init(_ clean: CallAllocator.Clean, nodeLimit: Int) {
        let order = clean.applications.indices
            .filter { clean.applications[$0].asked > 0 && !clean.applications[$0].funds.isEmpty }
            .sorted { (clean.applications[$1].score, $0) < (clean.applications[$0].score, $1) }
        var kindByFunds: [[Int]: Int] = [:]
        var kinds: [[Int]] = []
        let kindOf = clean.applications.map { application in
            let funds = application.funds.sorted()
            if let kind = kindByFunds[funds] { return kind }
            kindByFunds[funds] = kinds.count
            kinds.append(funds)
            return kinds.count - 1
        }
        self.init(applications: clean.applications, order: order, kindOf: kindOf, kinds: kinds, budgets: clean.budgets, nodeLimit: nodeLimit)
    }

    private struct Frame {
        enum Phase { case enter, exclude, done }
        let position: Int
        var phase = Phase.enter
        /// The undo log's length before this frame took its application.
        var mark = 0
        /// Whether it took its application, and what that added to the value.
        var took = false
        var worth = 0.0
    }

    /// The grants of the best set found, and whether the search ran to the end.
    mutating func run() -> (grants: [CallAllocation.Grant], finished: Bool) {
        var value = 0.0
        var best = -1.0
        var taken: [Int] = []
        var bestTaken: [Int] = []
        var nodesLeft = nodeLimit
        var finished = true
        // An explicit stack: a path holds one frame per application considered, thousands in a national call.
        var stack = [Frame(position: 0)]
        search: while let frame = stack.last {
            let top = stack.count - 1
            switch frame.phase {
            case .enter:
                if value > best {
                    best = value
                    bestTaken = taken
                }
                // Equal bounds are pruned: of equal totals the first found stays.
                guard frame.position < order.count, optimisticValue(from: frame.position, value: value) > best else {
                    stack.removeLast()
                    continue
                }
                guard nodesLeft > 0 else {
                    finished = false
                    break search
                }
                nodesLeft -= 1
                let application = order[frame.position]
                stack[top].phase = .exclude
                stack[top].mark = undoLog.count
                if take(application) {
                    let worth = Double(applications[application].score) * Double(applications[application].asked)
                    stack[top].took = true
                    stack[top].worth = worth
                    value += worth
                    taken.append(application)
                    stack.append(Frame(position: frame.position + 1))
                }
            case .exclude:
                if frame.took {
                    taken.removeLast()
                    value -= frame.worth
                }
                undo(to: frame.mark)
                stack[top].phase = .done
                stack.append(Frame(position: frame.position + 1))
            case .done:
                stack.removeLast()
            }
        }
        return (grants(for: bestTaken), finished)
    }

    /// Pays `taken` again from the start, in the order the search took them (the same moves give
    /// the same flows), then splits each kind's money among its applications in order.
    private func grants(for taken: [Int]) -> [CallAllocation.Grant] {
        var replay = WholeGrantSearch(applications: applications, order: order, kindOf: kindOf, kinds: kinds, budgets: remainingAtStart, nodeLimit: 0)
        for application in taken {
            let paid = replay.take(application)
            assert(paid, "a set the search paid could not be paid again")
        }
        var grants: [CallAllocation.Grant] = []
        // What each kind still has to hand out, fund by fund.
        var purses = kinds.indices.map { kind in
            replay.remaining.indices.compactMap { fund -> (fund: Int, amount: Int64)? in
                let amount = replay.flows[fund * kinds.count + kind]
                return amount > 0 ? (fund, amount) : nil
            }
        }
        for application in taken.sorted() {
            var need = applications[application].asked
            let kind = kindOf[application]
            var index = 0
            while need > 0 && index < purses[kind].count {
                let amount = min(need, purses[kind][index].amount)
                if amount > 0 {
                    grants.append(CallAllocation.Grant(application: application, fund: purses[kind][index].fund, amount: amount))
                    purses[kind][index].amount -= amount
                    need -= amount
                }
                if purses[kind][index].amount == 0 { index += 1 }
            }
        }
        grants.sort { ($0.application, $0.fund) < ($1.application, $1.fund) }
        return grants
    }

    private let remainingAtStart: [Int64]

    private init(applications: [CallAllocationProblem.Application], order: [Int], kindOf: [Int], kinds: [[Int]], budgets: [Int64], nodeLimit: Int) {
        self.applications = applications
        self.order = order
        self.kindOf = kindOf
        self.kinds = kinds
        self.nodeLimit = nodeLimit
        remaining = budgets
        remainingAtStart = budgets
        flows = [Int64](repeating: 0, count: budgets.count * kinds.count)
        fundWords = (budgets.count + 63) / 64
        kindWords = (kinds.count + 63) / 64
        var fundsOfKind = [UInt64](repeating: 0, count: kinds.count * fundWords)
        for (kind, funds) in kinds.enumerated() {
            for fund in funds { fundsOfKind[kind * fundWords + fund / 64] |= 1 << UInt64(fund % 64) }
        }
        self.fundsOfKind = fundsOfKind
        drawersOfFund = [UInt64](repeating: 0, count: budgets.count * kindWords)
        visited = [UInt64](repeating: 0, count: fundWords)
        withMoney = [UInt64](repeating: 0, count: fundWords)
        cameFrom = [(fund: Int, kind: Int)](repeating: (-1, -1), count: budgets.count)
    }

    /// The value so far plus the money left filled with the best applications left, fractionally,
    /// as if every fund admitted every application.
    private func optimisticValue(from position: Int, value: Double) -> Double {
        var money = remaining.reduce(Int64(0)) { $0.addingSaturated($1) }
        var total = value
        for application in order[position...] where money > 0 {
            let asked = applications[application].asked
            let score = Double(applications[application].score)
            if asked <= money {
                money -= asked
                total += score * Double(asked)
            } else {
                total += score * Double(money)
                money = 0
            }
        }
        return total
    }

    /// Finds the whole of what `application` asked: first its own funds' money left, then money
    /// freed by moving kinds taken earlier to other funds they may use. False (with the changes
    /// still to undo) when it cannot be found.
    mutating func take(_ application: Int) -> Bool {
        var need = applications[application].asked
        let kind = kindOf[application]
        // Whatever moves, the money must come out of what is left somewhere.
        guard need <= remaining.reduce(Int64(0), { $0.addingSaturated($1) }) else { return false }
        for fund in kinds[kind] where need > 0 && remaining[fund] > 0 {
            let amount = min(need, remaining[fund])
            give(fund, kind, amount)
            need -= amount
        }
        while need > 0 {
            guard let moved = augment(kind, need) else { return false }
            need -= moved
        }
        return true
    }

    /// One augmenting path: from one of the kind's funds, through a kind taken earlier that may
    /// switch to another fund, and so on, to a fund with money left. Moves the bottleneck along
    /// it and returns how much the kind gained; nil when there is no such path.
    private mutating func augment(_ kind: Int, _ need: Int64) -> Int64? {
        // Breadth-first over funds: cameFrom[g] = (f, k) when fund g was reached from fund f by
        // moving kind k's money from f to g; the kind's own funds, where it starts, need none.
        // Funds and kinds are taken in ascending order, so the path found is always the same.
        let (kindCount, fundWords, kindWords) = (kinds.count, fundWords, kindWords)
        for word in 0..<fundWords {
            visited[word] = fundsOfKind[kind * fundWords + word]
            withMoney[word] = 0
        }
        for fund in remaining.indices where remaining[fund] > 0 { withMoney[fund / 64] |= 1 << UInt64(fund % 64) }
        queue.removeAll(keepingCapacity: true)
        queue.append(contentsOf: kinds[kind])
        var head = 0
        var end = -1
        search: while head < queue.count {
            let fund = queue[head]
            head += 1
            for drawerWord in 0..<kindWords {
                var drawers = drawersOfFund[fund * kindWords + drawerWord]
                if drawerWord == kind / 64 { drawers &= ~(1 << UInt64(kind % 64)) }
                while drawers != 0 {
                    let drawer = drawerWord * 64 + drawers.trailingZeroBitCount
                    drawers &= drawers - 1
                    for word in 0..<fundWords {
                        let fresh = fundsOfKind[drawer * fundWords + word] & ~visited[word]
                        guard fresh != 0 else { continue }
                        let funded = fresh & withMoney[word]
                        if funded != 0 {
                            // The first fund reached with money left ends the search.
                            end = word * 64 + funded.trailingZeroBitCount
                            cameFrom[end] = (fund, drawer)
                            break search
                        }
                        visited[word] |= fresh
                        var next = fresh
                        while next != 0 {
                            let reached = word * 64 + next.trailingZeroBitCount
                            next &= next - 1
                            cameFrom[reached] = (fund, drawer)
                            queue.append(reached)
                        }
                    }
                }
            }
        }
        guard end >= 0 else { return nil }
        func isStart(_ fund: Int) -> Bool { fundsOfKind[kind * fundWords + fund / 64] & (1 << UInt64(fund % 64)) != 0 }
        var bottleneck = min(need, remaining[end])
        var fund = end
        while !isStart(fund) {
            let step = cameFrom[fund]
            bottleneck = min(bottleneck, flows[step.fund * kindCount + step.kind])
            fund = step.fund
        }
        guard bottleneck > 0 else { return nil }
        fund = end
        while !isStart(fund) {
            let step = cameFrom[fund]
            give(fund, step.kind, bottleneck)
            give(step.fund, step.kind, -bottleneck)
            fund = step.fund
        }
        // `fund` is now one of the kind's own funds, with the bottleneck freed on it.
        give(fund, kind, bottleneck)
        return bottleneck
    }

    private mutating func give(_ fund: Int, _ kind: Int, _ amount: Int64) {
        let index = fund * kinds.count + kind
        let before = flows[index]
        undoLog.append((fund, kind, before))
        setFlow(index, fund, kind, before + amount)
        remaining[fund] -= amount
    }

    private mutating func undo(to mark: Int) {
        while undoLog.count > mark {
            let change = undoLog.removeLast()
            let index = change.fund * kinds.count + change.kind
            remaining[change.fund] += flows[index] - change.before
            setFlow(index, change.fund, change.kind, change.before)
        }
    }

    private mutating func setFlow(_ index: Int, _ fund: Int, _ kind: Int, _ amount: Int64) {
        flows[index] = amount
        let bit: UInt64 = 1 << UInt64(kind % 64)
        if amount > 0 { drawersOfFund[fund * kindWords + kind / 64] |= bit } else { drawersOfFund[fund * kindWords + kind / 64] &= ~bit }
    }
}
