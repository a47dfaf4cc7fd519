import Foundation

/// Why a person may not review an application. ASAR refuses an assignment for any of them and
/// never makes one itself.
public enum ReviewConflict: String, Sendable, CaseIterable {
    /// The reviewer belongs to the applicant NGO.
    case applicant
    /// The reviewer belongs to a business whose earmarked pledge to the call could pay for this application.
    case earmarkedCoFunder = "earmarked_co_funder"
    /// The reviewer belongs to an organization that has been the applicant's partner (an approved,
    /// active or completed partnership): a sponsor, or a government body other than the call's own.
    case pastPartner = "past_partner"
    /// The reviewer said so.
    case declared

    /// What an application's reviewer may not be, from the organizations around the application.
    public struct Parties: Sendable, Equatable {
        public let applicant: UUID
        public let earmarkedCoFunders: Set<UUID>
        public let pastPartners: Set<UUID>

        public init(applicant: UUID, earmarkedCoFunders: Set<UUID>, pastPartners: Set<UUID>) {
            self.applicant = applicant
            self.earmarkedCoFunders = earmarkedCoFunders
            self.pastPartners = pastPartners
        }
    }

    /// Every conflict between a reviewer (the organizations they belong to, and whether they
    /// declared one) and an application, in the order of `allCases`; empty when none.
    public static func between(reviewerOrganizations: Set<UUID>, declared: Bool, and parties: Parties) -> [ReviewConflict] {
        var found: [ReviewConflict] = []
        if reviewerOrganizations.contains(parties.applicant) { found.append(.applicant) }
        if !reviewerOrganizations.isDisjoint(with: parties.earmarkedCoFunders) { found.append(.earmarkedCoFunder) }
        if !reviewerOrganizations.isDisjoint(with: parties.pastPartners) { found.append(.pastPartner) }
        if declared { found.append(.declared) }
        return found
    }

    public var message: String {
        switch self {
        case .applicant: "The reviewer belongs to the applicant NGO."
        case .earmarkedCoFunder: "The reviewer belongs to a co-funder whose earmarked pledge could pay for this application."
        case .pastPartner: "The reviewer belongs to an organization that has partnered with the applicant."
        case .declared: "The reviewer declared a conflict of interest with this application."
        }
    }
}

/// What an application's reviews add up to: each review's weighted total (points of 100), how
/// many reviews were asked for, and a moderator's score where one was given.
public struct ApplicationScore: Sendable, Equatable {
    public let totals: [Double]
    public let expected: Int
    public let moderated: Double?

    public init(totals: [Double], expected: Int, moderated: Double? = nil) {
        self.totals = totals
        self.expected = expected
        self.moderated = moderated
    }

    /// Every assigned reviewer has scored it: only then are the scores read by anyone but their author.
    public var isComplete: Bool { expected > 0 && totals.count >= expected }

    public var mean: Double? { totals.isEmpty ? nil : totals.reduce(0, +) / Double(totals.count) }

    /// How far apart the reviewers' totals are.
    public var spread: Double { (totals.max() ?? 0) - (totals.min() ?? 0) }

    /// Complete, with totals further apart than `limit` and no moderator's score yet.
    public func awaitsModeration(limit: Double) -> Bool {
        isComplete && spread > limit && moderated == nil
    }

    /// The score the allocation uses: the moderator's where given, else the mean of a complete
    /// set of reviews that agree within `limit`; nil while reviews are missing or a moderator is awaited.
    public func final(limit: Double) -> Double? {
        if let moderated { return moderated }
        guard isComplete, spread <= limit else { return nil }
        return mean
    }
}
