import Domain
import Foundation

/// What the matching engine needs to know about a project.
public struct ProjectProfile: Sendable, Equatable {
    public var id: UUID
    public var organizationID: UUID
    public var focusAreas: [String]
    public var regions: [String]
    public var fundingNeededKZT: Int64
    /// Pledged by sponsors in approved or active partnerships.
    public var pledgedKZT: Int64
    public var isOpen: Bool
    /// How often it was shown recently (decayed count of impressions).
    public var recentImpressions: Double

    public init(
        id: UUID, organizationID: UUID, focusAreas: [String], regions: [String],
        fundingNeededKZT: Int64, pledgedKZT: Int64 = 0, isOpen: Bool = true, recentImpressions: Double = 0
    ) {
        self.id = id
        self.organizationID = organizationID
        self.focusAreas = focusAreas
        self.regions = regions
        self.fundingNeededKZT = fundingNeededKZT
        self.pledgedKZT = pledgedKZT
        self.isOpen = isOpen
        self.recentImpressions = recentImpressions
    }

    /// The part of the need no sponsor has pledged yet.
    public var fundingGapKZT: Int64 { max(0, fundingNeededKZT - pledgedKZT) }
}

public enum PartnerKind: String, Sendable, Equatable {
    case business, ngo
    case governmentBody = "government_body"
}

/// What the matching engine needs to know about an organization, of any kind.
public struct PartnerProfile: Sendable, Equatable {
    public var id: UUID
    public var kind: PartnerKind
    public var isActive: Bool
    public var nationwide: Bool
    public var regions: [String]
    public var focusAreas: [String]
    public var seeking: [String]
    /// Business: declared yearly CSR budget and what approved or active partnerships already pledge.
    public var annualCSRBudgetKZT: Int64?
    public var pledgedKZT: Int64
    public var activePartnerships: Int
    public var maxActivePartnerships: Int?
    /// NGO: size.
    public var annualBudgetKZT: Int64?
    public var staffCount: Int?
    /// Government body: the KATO code it governs, and whether it is national.
    public var jurisdiction: String?
    public var isNational: Bool
    /// Partnerships it took part in that completed, and that were cancelled.
    public var completedPartnerships: Int
    public var cancelledPartnerships: Int
    /// Proposals made to it by another party that it has answered, and those it consented to
    /// (partnership_stats, migration 0011).
    public var proposalsReceived: Int
    public var proposalsAccepted: Int
    public var recentImpressions: Double

    public init(id: UUID, kind: PartnerKind) {
        self.id = id
        self.kind = kind
        isActive = true
        nationwide = false
        regions = []
        focusAreas = []
        seeking = []
        pledgedKZT = 0
        activePartnerships = 0
        isNational = false
        completedPartnerships = 0
        cancelledPartnerships = 0
        proposalsReceived = 0
        proposalsAccepted = 0
        recentImpressions = 0
    }

    /// A sponsor's budget not yet pledged; nil when it declared none.
    public var remainingBudgetKZT: Int64? {
        annualCSRBudgetKZT.map { max(0, $0 - pledgedKZT) }
    }
}

/// What a person narrowed a list of projects to: a place (a project there, or covering it), focus
/// areas (any of them), an upper bound on the unfunded need. Nil or empty parts do not narrow.
public struct ProjectRestriction: Sendable, Equatable {
    public var place: String?
    public var focusAreas: [String]
    public var maxGapKZT: Int64?

    public init(place: String? = nil, focusAreas: [String] = [], maxGapKZT: Int64? = nil) {
        self.place = place
        self.focusAreas = focusAreas
        self.maxGapKZT = maxGapKZT
    }

    public var isEmpty: Bool { place == nil && focusAreas.isEmpty && maxGapKZT == nil }

    /// A project working in the place or in a wider unit containing it (a region-wide project
    /// serves each of its districts), touching one of the areas, with no more than the bound unfunded.
    public func admits(_ project: ProjectProfile) -> Bool {
        if let place, !project.regions.contains(where: { KATO.covers(place, $0) || KATO.covers($0, place) }) { return false }
        if !focusAreas.isEmpty, !project.focusAreas.contains(where: focusAreas.contains) { return false }
        if let maxGapKZT, project.fundingGapKZT > maxGapKZT { return false }
        return true
    }
}
