import Foundation

/// What a call's published results tell everyone: how many applications came in, were eligible
/// and were funded, the cut-off, the winners with each funder's share, and the reviewers' scores
/// per criterion only in aggregate (never one reviewer's, never one application's but the funded ones').
public struct CallResults: Sendable, Equatable {
    /// One funder's share of a winning application.
    public struct Funder: Sendable, Equatable {
        /// The call's government body for the state budget, the business for a co-funder.
        public let organizationID: UUID
        public let isState: Bool
        public let amountKZT: Int64

        public init(organizationID: UUID, isState: Bool, amountKZT: Int64) {
            self.organizationID = organizationID
            self.isState = isState
            self.amountKZT = amountKZT
        }
    }

    public struct Winner: Sendable, Equatable {
        public let applicationID: UUID
        public let projectID: UUID
        public let ngoID: UUID
        /// The partnership the award made of it, once made.
        public let partnershipID: UUID?
        /// The final score (points of 100) the allocation used.
        public let score: Double
        public let askedKZT: Int64
        /// The state's share first, then the co-funders', largest first.
        public let funders: [Funder]

        public init(applicationID: UUID, projectID: UUID, ngoID: UUID, partnershipID: UUID?, score: Double, askedKZT: Int64, funders: [Funder]) {
            self.applicationID = applicationID
            self.projectID = projectID
            self.ngoID = ngoID
            self.partnershipID = partnershipID
            self.score = score
            self.askedKZT = askedKZT
            self.funders = funders
        }

        public var amountKZT: Int64 { funders.reduce(0) { $0 + $1.amountKZT } }
    }

    /// One criterion's scores over every completed review of the call (an application's reviews
    /// count once all its reviewers have scored it), in the criterion's own points (0…scale).
    public struct CriterionScores: Sendable, Equatable {
        /// The criterion's position in the rubric, from 0.
        public let position: Int
        public let reviews: Int
        public let mean: Double
        /// The population standard deviation, and the lowest and highest score given.
        public let standardDeviation: Double
        public let lowest: Int
        public let highest: Int
        /// The mean over the funded applications' reviews; nil when none was funded.
        public let fundedMean: Double?
        /// How many reviews `fundedMean` is over.
        public let fundedReviews: Int
        /// How many applications the reviews are of, and how many of them were not funded.
        public let applications: Int
        public let unfundedApplications: Int

        public init(
            position: Int, reviews: Int, mean: Double, standardDeviation: Double, lowest: Int, highest: Int, fundedMean: Double?, fundedReviews: Int,
            applications: Int, unfundedApplications: Int
        ) {
            self.position = position
            self.reviews = reviews
            self.mean = mean
            self.standardDeviation = standardDeviation
            self.lowest = lowest
            self.highest = highest
            self.fundedMean = fundedMean
            self.fundedReviews = fundedReviews
            self.applications = applications
            self.unfundedApplications = unfundedApplications
        }
    }

    /// The fewest reviews an aggregate is published over: with fewer, a mean, a lowest or a
    /// highest score could be read back to one reviewer's score of one application.
    public static let minimumGroup = 5

    /// Submitted applications (withdrawn ones left out).
    public let received: Int
    /// Of them, those the allocation did not find ineligible.
    public let eligible: Int
    public let funded: Int
    /// The lowest score funded; nil when nothing was.
    public let cutOff: Double?
    /// By score, highest first.
    public let winners: [Winner]
    /// By position; criteria nobody scored are left out.
    public let criteria: [CriterionScores]
    /// Aggregates left out of `criteria` or their funded means because too few reviews make them up.
    public let withheld: Bool

    /// The results as the public reads them: no aggregate that could be read back to one
    /// reviewer's score or to one application that was not funded. A criterion's figures need at
    /// least `minimumGroup` reviews and not a single unfunded application alone; the funded
    /// applications' mean needs `minimumGroup` of their reviews, and, since the overall mean minus
    /// it gives the others' mean, the unfunded reviews must be none or again `minimumGroup` over
    /// more than one application.
    public var publishable: CallResults {
        let kept = criteria.filter { $0.reviews >= Self.minimumGroup && !($0.applications == 1 && $0.unfundedApplications == 1) }
        let shown = kept.map { scores in
            let unfundedReviews = scores.reviews - scores.fundedReviews
            let othersHidden = unfundedReviews == 0 || (unfundedReviews >= Self.minimumGroup && scores.unfundedApplications > 1)
            return scores.fundedReviews >= Self.minimumGroup && othersHidden ? scores : CriterionScores(
                position: scores.position, reviews: scores.reviews, mean: scores.mean, standardDeviation: scores.standardDeviation,
                lowest: scores.lowest, highest: scores.highest, fundedMean: nil, fundedReviews: 0,
                applications: scores.applications, unfundedApplications: scores.unfundedApplications
            )
        }
        let withheld = kept.count < criteria.count || zip(kept, shown).contains { $0.fundedMean != $1.fundedMean }
        return CallResults(received: received, eligible: eligible, funded: funded, cutOff: cutOff, winners: winners, criteria: shown, withheld: withheld)
    }

    public init(received: Int, eligible: Int, funded: Int, cutOff: Double?, winners: [Winner], criteria: [CriterionScores], withheld: Bool = false) {
        self.received = received
        self.eligible = eligible
        self.funded = funded
        self.cutOff = cutOff
        self.winners = winners
        self.criteria = criteria
        self.withheld = withheld
    }
}

/// A published call's figures anyone may read at any phase: the co-funders' live pledges and how
/// many applications were submitted (withdrawn ones left out).
public struct CallFigures: Sendable, Equatable {
    public let pledgedKZT: Int64
    /// Businesses with a live pledge.
    public let coFunders: Int
    public let received: Int

    public init(pledgedKZT: Int64, coFunders: Int, received: Int) {
        self.pledgedKZT = pledgedKZT
        self.coFunders = coFunders
        self.received = received
    }
}
