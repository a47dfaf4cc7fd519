/// The parts a direction's score is made of.
public enum Component: String, Sendable, CaseIterable {
    case focus, geography, resources
    case trackRecord = "track_record"
    case text
    /// For a government body's view: how much of the project's need is still unfunded.
    case fundingGap = "funding_gap"

    /// Focus and geography state one fact about the pair, which each direction words its own way
    /// ("shares education, health" and "shares health"); the others are about one side or the other.
    public var sharedByBothSides: Bool { self == .focus || self == .geography }
}

/// Whose view a direction score takes.
public enum Direction: String, Sendable, CaseIterable {
    /// Would the sponsor want to fund this project?
    case sponsorToProject = "sponsor_to_project"
    /// Would the project's NGO want this sponsor?
    case projectToSponsor = "project_to_sponsor"
    /// Would the government body want to back this project?
    case governmentToProject = "government_to_project"
    /// Is this government body the right partner for the project?
    case projectToGovernment = "project_to_government"
}

/// Why a component scored as it did, in words any of the three languages can render.
public enum Reason: Sendable, Equatable {
    case sharedFocus([String])
    case relatedFocus(area: String, partnerArea: String, goal: Int)
    case noFocusOverlap
    case sameDistrict(String)
    case sameRegion(String)
    case nationwidePartner
    case differentRegion
    case jurisdictionCovers(String)
    case nationalBody
    case budgetCovers(percent: Int)
    case budgetUnknown
    /// The project's need as a share of the NGO's yearly budget.
    case capacityFits(percent: Int)
    case capacityUnknown
    /// Partnerships completed and cancelled; proposals from others accepted of those answered.
    case trackRecord(completed: Int, cancelled: Int, accepted: Int, received: Int)
    case noTrackRecord
    case textSimilar
    case fundingGap(percent: Int)
}

/// One component's value in one direction, with the reason behind it.
public struct ComponentScore: Sendable, Equatable {
    public let component: Component
    public let value: Double
    public let reason: Reason
}

/// One side's view of a pair: the weighted sum of its components.
public struct DirectionScore: Sendable, Equatable {
    public let direction: Direction
    public let value: Double
    public let components: [ComponentScore]
}

/// Why a pair can never match.
public enum Veto: String, Sendable, Equatable {
    case inactiveOrganization = "inactive_organization"
    case budgetExhausted = "budget_exhausted"
    case partnershipLimitReached = "partnership_limit_reached"
    case projectNotOpen = "project_not_open"
    case outsideJurisdiction = "outside_jurisdiction"
    case wrongKind = "wrong_kind"
}

/// A scored pair or triple: the combined score and everything that explains it.
public struct Match: Sendable, Equatable {
    /// The candidate being ranked (an organization or a project).
    public let candidateID: PairKey
    /// Harmonic mean of the directions, times the exposure factor; 0 when vetoed.
    public let score: Double
    public let directions: [DirectionScore]
    /// Below 1 when the candidate was shown often recently.
    public let exposureFactor: Double
    public let veto: Veto?

    public var isVetoed: Bool { veto != nil }
}

/// What a ranked item is: one organization, one project, or a sponsor and a government body together.
public struct PairKey: Sendable, Hashable, Comparable {
    public let ids: [String]

    public init(_ ids: String...) { self.ids = ids }
    public init(ids: [String]) { self.ids = ids }

    public static func < (lhs: PairKey, rhs: PairKey) -> Bool { lhs.ids.lexicographicallyPrecedes(rhs.ids) }
}
