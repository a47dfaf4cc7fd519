import Foundation

public enum FundingMode: String, Sendable, CaseIterable {
    /// Several sponsors may share a project; the allocation is optimal.
    case split
    /// One sponsor covers a project's whole need, or none does; the gap to the optimum is reported.
    case whole
}

public enum RoundState: String, Sendable {
    case computed, accepted
}

/// What a government body asks for when it runs a round.
public struct RoundRequest: Sendable {
    public var jurisdiction: String
    public var national: Bool
    public var focusAreas: [String]
    public var mode: FundingMode
    public var consentDeadline: Date
    /// The only businesses the round may place money with, wherever they work; empty for every
    /// business working in the jurisdiction or nationwide.
    public var sponsorIDs: [UUID]

    /// At most this many named sponsors (the database holds the same limit).
    public static let maxSponsors = 50

    public init(jurisdiction: String, national: Bool, focusAreas: [String], mode: FundingMode, consentDeadline: Date, sponsorIDs: [UUID] = []) {
        self.jurisdiction = jurisdiction
        self.national = national
        self.focusAreas = focusAreas
        self.mode = mode
        self.consentDeadline = consentDeadline
        self.sponsorIDs = sponsorIDs
    }
}

public struct RoundPlacement: Sendable, Equatable {
    public let projectID: UUID
    public let sponsorID: UUID
    public let amountKZT: Int64
    public let score: Double
    public var partnershipID: UUID?
    public var skippedReason: String?

    public init(projectID: UUID, sponsorID: UUID, amountKZT: Int64, score: Double, partnershipID: UUID? = nil, skippedReason: String? = nil) {
        self.projectID = projectID
        self.sponsorID = sponsorID
        self.amountKZT = amountKZT
        self.score = score
        self.partnershipID = partnershipID
        self.skippedReason = skippedReason
    }
}

public struct UnfundedProject: Sendable, Equatable {
    public enum Reason: String, Sendable {
        /// No sponsor in scope works on anything near the project's focus.
        case noPlausibleSponsor = "no_plausible_sponsor"
        /// Sponsors that fit it spent their budgets on projects they fit better.
        case outbid
        /// Some, not all, of the need was placed.
        case partlyFunded = "partly_funded"
    }

    public let projectID: UUID
    public let needKZT: Int64
    public let placedKZT: Int64
    public let reason: Reason

    public init(projectID: UUID, needKZT: Int64, placedKZT: Int64, reason: Reason) {
        self.projectID = projectID
        self.needKZT = needKZT
        self.placedKZT = placedKZT
        self.reason = reason
    }
}

/// A project and a sponsor the round did not place together though both would rather it had.
public struct RoundBlockingPair: Sendable, Equatable {
    public let projectID: UUID
    public let sponsorID: UUID
    public let score: Double
    /// The sponsor has budget left; otherwise it funds a project it fits less well.
    public let sponsorHasRoom: Bool
    /// The project's need is not wholly met; otherwise it takes money from a sponsor it fits less well.
    public let projectHasRoom: Bool

    public init(projectID: UUID, sponsorID: UUID, score: Double, sponsorHasRoom: Bool, projectHasRoom: Bool) {
        self.projectID = projectID
        self.sponsorID = sponsorID
        self.score = score
        self.sponsorHasRoom = sponsorHasRoom
        self.projectHasRoom = projectHasRoom
    }

    /// A round keeps this many of them, the best-fitting first; `blockingPairs` counts them all.
    public static let kept = 100
}

public struct FundingRound: Sendable {
    public let id: UUID
    public let governmentBodyID: UUID
    public let request: RoundRequest
    public let state: RoundState
    public let projectsInScope: Int
    public let sponsorsInScope: Int
    public let pairsScored: Int
    public let objective: Double
    public let upperBound: Double
    public let blockingPairs: Int
    /// The strongest `RoundBlockingPair.kept` of them.
    public let strongestBlockingPairs: [RoundBlockingPair]
    public let createdAt: Date
    public let acceptedAt: Date?
    public let placements: [RoundPlacement]
    public let unfunded: [UnfundedProject]
    public let needInScopeKZT: Int64

    public init(id: UUID, governmentBodyID: UUID, request: RoundRequest, state: RoundState, projectsInScope: Int, sponsorsInScope: Int, pairsScored: Int, objective: Double, upperBound: Double, blockingPairs: Int, strongestBlockingPairs: [RoundBlockingPair] = [], createdAt: Date, acceptedAt: Date?, placements: [RoundPlacement], unfunded: [UnfundedProject], needInScopeKZT: Int64) {
        self.id = id
        self.governmentBodyID = governmentBodyID
        self.request = request
        self.state = state
        self.projectsInScope = projectsInScope
        self.sponsorsInScope = sponsorsInScope
        self.pairsScored = pairsScored
        self.objective = objective
        self.upperBound = upperBound
        self.blockingPairs = blockingPairs
        self.strongestBlockingPairs = strongestBlockingPairs
        self.createdAt = createdAt
        self.acceptedAt = acceptedAt
        self.placements = placements
        self.unfunded = unfunded
        self.needInScopeKZT = needInScopeKZT
    }
}

/// A computed allocation, ready to store.
public struct RoundOutcome: Sendable {
    public let projectsInScope: Int
    public let sponsorsInScope: Int
    public let pairsScored: Int
    public let objective: Double
    public let upperBound: Double
    public let blockingPairs: Int
    public let strongestBlockingPairs: [RoundBlockingPair]
    public let placements: [RoundPlacement]
    public let unfunded: [UnfundedProject]
    public let needInScopeKZT: Int64

    public init(
        projectsInScope: Int, sponsorsInScope: Int, pairsScored: Int, objective: Double, upperBound: Double,
        blockingPairs: Int, strongestBlockingPairs: [RoundBlockingPair] = [], placements: [RoundPlacement], unfunded: [UnfundedProject], needInScopeKZT: Int64
    ) {
        self.projectsInScope = projectsInScope
        self.sponsorsInScope = sponsorsInScope
        self.pairsScored = pairsScored
        self.objective = objective
        self.upperBound = upperBound
        self.blockingPairs = blockingPairs
        self.strongestBlockingPairs = strongestBlockingPairs
        self.placements = placements
        self.unfunded = unfunded
        self.needInScopeKZT = needInScopeKZT
    }
}
