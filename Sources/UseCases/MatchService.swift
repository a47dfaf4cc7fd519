import Domain
import Foundation
import Matching
import Storage

/// How the matching engine behaves; both fairness effects can be switched off.
public struct MatchingConfiguration: Sendable {
    public var fairness: ExposureFairness
    public var diversity: Diversity
    public var candidateLimit: Int

    public init(fairness: ExposureFairness = ExposureFairness(), diversity: Diversity = Diversity(), candidateLimit: Int = 100) {
        self.fairness = fairness
        self.diversity = diversity
        self.candidateLimit = candidateLimit
    }

    /// `ASAR_EXPOSURE_MAX_DISCOUNT` (0 switches it off) and `ASAR_DIVERSITY_LAMBDA` (1 switches it off).
    public static func fromEnvironment(_ environment: [String: String]) -> MatchingConfiguration {
        var configuration = MatchingConfiguration()
        if let discount = environment["ASAR_EXPOSURE_MAX_DISCOUNT"].flatMap(Double.init), (0...0.5).contains(discount) {
            configuration.fairness.maxDiscount = discount
        }
        if let lambda = environment["ASAR_DIVERSITY_LAMBDA"].flatMap(Double.init), (0...1).contains(lambda) {
            configuration.diversity.lambda = lambda
        }
        return configuration
    }
}

/// Where candidates may come from.
public enum MatchScope: String, Sendable, CaseIterable {
    /// Nearby first; a short list fills with the best from further away.
    case all
    /// Only partners working where the project is (or nationwide), as matching was before lists filled.
    case local
}

/// Per-request switches.
public struct MatchOptions: Sendable {
    public var limit: Int
    public var fairExposure: Bool
    public var diversify: Bool
    public var scope: MatchScope
    /// Lists of projects only (a business's or a government body's): what the asker narrowed them to.
    public var restriction: ProjectRestriction?

    public init(
        limit: Int = 10, fairExposure: Bool = true, diversify: Bool = true, scope: MatchScope = .all, restriction: ProjectRestriction? = nil
    ) {
        self.limit = limit
        self.fairExposure = fairExposure
        self.diversify = diversify
        self.scope = scope
        self.restriction = restriction
    }

    /// Vetoes and diversification drop some candidates, so a list that is to be full looks
    /// further away whenever the nearby candidates are fewer than three times its length.
    var reach: CandidateIndex.Reach {
        scope == .local ? .local : .anywhere
    }

    /// How many of the index's best candidates are scored in full (exposure, explanation): enough
    /// for diversification to reach three times down the list, and, where the index ranks by an
    /// estimate (government bodies, projects), some to spare for its misjudgements; at most `cap`.
    public func candidates(cap: Int) -> Int {
        min(cap, max(40, 4 * limit))
    }
}

/// A ranked result ready to render.
public struct RankedMatch<Item: Sendable>: Sendable {
    public let match: Match
    public let item: Item

    public init(match: Match, item: Item) {
        self.match = match
        self.item = item
    }
}

/// A ranked list, and why it is empty when it is.
public struct MatchAnswer: Sendable {
    public let items: [RankedMatch<MatchService.Subject>]
    public let notice: String?
}

/// Every match question, answered from memory: candidates from the instance's in-memory index,
/// with their text relevance from the index and their exposure from the recorder, scored by the
/// pure engine and ranked. Only a subject the index does not hold (a draft or closed project) is read.
public struct MatchService: Sendable {
    let repository: MatchRepository
    let index: LiveCandidateIndex
    let reference: ReferenceData
    let configuration: MatchingConfiguration
    let exposure: ExposureRecorder

    public init(
        repository: MatchRepository, index: LiveCandidateIndex, reference: ReferenceData, configuration: MatchingConfiguration,
        exposure: ExposureRecorder
    ) {
        self.repository = repository
        self.index = index
        self.reference = reference
        self.configuration = configuration
        self.exposure = exposure
    }

    static let notOpen = "The project is not open, so it is not matched."
    static let inactive = "The organization is deactivated, so it is not matched."
    public static let partnershipLimitReached =
        "The business has as many active partnerships as it allows (max_active_partnerships), so no project is recommended until one ends or the limit is raised."

    /// Businesses or government bodies for a project; anyone may ask, but a draft only its own NGO.
    public func partners(forProject id: UUID, kind: PartnerKind, options: MatchOptions, by caller: Caller) async throws -> MatchAnswer {
        guard let (project, items) = try await partners(forProject: id, kind: kind, options: options) else {
            throw DomainError.notFound(resource: "project")
        }
        try Access.requireVisible(project.status, owner: project.owner.id, to: caller)
        return MatchAnswer(items: items, notice: project.profile.isOpen ? nil : Self.notOpen)
    }

    /// Sponsor and government body pairs for a project; visible as the project is.
    public func triples(forProject id: UUID, options: MatchOptions, by caller: Caller) async throws -> MatchAnswer {
        guard let (project, items) = try await triples(forProject: id, options: options) else {
            throw DomainError.notFound(resource: "project")
        }
        try Access.requireVisible(project.status, owner: project.owner.id, to: caller)
        return MatchAnswer(items: items, notice: project.profile.isOpen ? nil : Self.notOpen)
    }

    /// For a business: projects to sponsor; for an NGO: businesses to approach; for a government
    /// body: projects in its jurisdiction. Public, like the organization's profile.
    public func forOrganization(_ id: UUID, options: MatchOptions, by caller: Caller) async throws -> MatchAnswer {
        let index = try await index.snapshot()
        guard let organization = try await organizationSubject(id, in: index) else {
            throw DomainError.notFound(resource: "organization")
        }
        guard organization.profile.isActive else { return MatchAnswer(items: [], notice: Self.inactive) }
        let profile = organization.profile
        if profile.kind == .business, let limit = profile.maxActivePartnerships, profile.activePartnerships >= limit {
            return MatchAnswer(items: [], notice: Self.partnershipLimitReached)
        }
        let items: [RankedMatch<Subject>] = switch organization.profile.kind {
        case .ngo:
            try await sponsors(forNGO: organization, options: options, index: index)
        case .business, .governmentBody:
            try await projects(for: organization, options: options, index: index)
        }
        return MatchAnswer(items: items, notice: nil)
    }

    public enum Subject: Sendable {
        case partner(PartnerCandidate)
        case project(ProjectCandidate)
        /// A sponsor and a government body for one project.
        case triple(sponsor: PartnerCandidate, government: PartnerCandidate)
        /// A sponsor for one of an NGO's projects.
        case sponsorForProject(PartnerCandidate, project: ProjectCandidate)
    }

    private func scorer(_ options: MatchOptions) async throws -> MatchScorer {
        let taxonomy = try await reference.snapshot().taxonomy
        return MatchScorer(taxonomy: taxonomy, fairness: options.fairExposure ? configuration.fairness : .off)
    }

    private func diversity(_ options: MatchOptions) -> Diversity {
        options.diversify ? configuration.diversity : .off
    }

    // MARK: - Subjects

    /// A project to match partners for, with the text its candidates are compared with.
    struct ProjectSubject {
        let project: ProjectCandidate
        let signature: TextSignature
    }

    /// From the index when open there; otherwise from the database (a draft or closed project, or
    /// one opened a moment ago whose notification is still on its way).
    func projectSubject(_ id: UUID, in index: CandidateIndex) async throws -> ProjectSubject? {
        if let indexed = index.openProject(id), let owner = index.organization(indexed.profile.organizationID) {
            let project = ProjectCandidate(
                profile: indexed.profile, status: .open, title: indexed.title, owner: owner.profile, ownerName: owner.name, text: 0
            )
            return ProjectSubject(project: project, signature: indexed.signature)
        }
        return try await repository.project(id).map { ProjectSubject(project: $0.project, signature: $0.signature) }
    }

    /// An organization to list candidates for, with its signature; from the database when the
    /// index has not seen it yet.
    private func organizationSubject(_ id: UUID, in index: CandidateIndex) async throws -> IndexedOrganization? {
        if let indexed = index.organization(id) { return indexed }
        return try await self.index.repository.organization(id)
    }

    // MARK: - Lists

    /// Businesses or government bodies for a project; nil when there is no such project.
    /// `record` false: nobody is shown the list (a form's choices), so no impression is counted.
    func partners(forProject id: UUID, kind: PartnerKind, options: MatchOptions, record: Bool = true) async throws -> (ProjectCandidate, [RankedMatch<Subject>])? {
        let scorer = try await scorer(options)
        let index = try await index.snapshot()
        guard let subject = try await projectSubject(id, in: index) else { return nil }
        guard subject.project.profile.isOpen else { return (subject.project, []) }
        let diversity = diversity(options)
        let candidates = partnerCandidates(
            [kind], for: subject, index: index, scorer: scorer, reach: options.reach, count: options.candidates(cap: configuration.candidateLimit),
            keep: Ranker.poolSize(limit: options.limit, diversity: diversity)
        )
        let scored = score(candidates[kind] ?? [], kind: kind, for: subject.project, scorer: scorer)
        let ranked = Ranker.rank(scored, limit: options.limit, diversity: diversity)
        guard record else { return (subject.project, ranked.map { RankedMatch(match: $0.match, item: $0.item) }) }
        return (subject.project, finish(ranked, shownTo: subject.project.owner.id))
    }

    /// Sponsor and government body pairs for a project: the best of each side, combined.
    func triples(forProject id: UUID, options: MatchOptions) async throws -> (ProjectCandidate, [RankedMatch<Subject>])? {
        let scorer = try await scorer(options)
        let index = try await index.snapshot()
        guard let subject = try await projectSubject(id, in: index) else { return nil }
        guard subject.project.profile.isOpen else { return (subject.project, []) }
        let project = subject.project
        let sponsorCount = max(options.limit, 30)
        let candidates = partnerCandidates(
            [.business, .governmentBody], for: subject, index: index, scorer: scorer, reach: options.reach,
            count: max(sponsorCount + 10, options.candidates(cap: configuration.candidateLimit)), keep: sponsorCount
        )
        let sponsors = Ranker.rank(
            score(candidates[.business] ?? [], kind: .business, for: project, scorer: scorer), limit: sponsorCount, diversity: .off
        )
        let bodies = Ranker.rank(
            score(candidates[.governmentBody] ?? [], kind: .governmentBody, for: project, scorer: scorer), limit: 10, diversity: .off
        )
        // Of the 300 pairs, only those the ranker would consider (its pool: the best by score, ties
        // by id) are built as triples; building all of them was most of a triples list's time.
        let diversity = diversity(options)
        let pool = Ranker.poolSize(limit: options.limit, diversity: diversity)
        var pairs: [(score: Double, sponsor: Int, body: Int)] = []
        pairs.reserveCapacity(sponsors.count * bodies.count)
        for (sponsorPosition, sponsor) in sponsors.enumerated() {
            for (bodyPosition, body) in bodies.enumerated() {
                let score = scorer.tripleScore(sponsorship: sponsor.match, government: body.match)
                if score > 0 { pairs.append((score, sponsorPosition, bodyPosition)) }
            }
        }
        let key = { (pair: (score: Double, sponsor: Int, body: Int)) in
            sponsors[pair.sponsor].match.candidateID.ids + bodies[pair.body].match.candidateID.ids
        }
        pairs.sort { a, b in a.score != b.score ? a.score > b.score : key(a).lexicographicallyPrecedes(key(b)) }
        let combined = pairs.prefix(pool).compactMap { pair -> Ranker.Candidate<Subject>? in
            let sponsor = sponsors[pair.sponsor]
            let body = bodies[pair.body]
            guard case .partner(let sponsorCandidate) = sponsor.item, case .partner(let bodyCandidate) = body.item else { return nil }
            return Ranker.Candidate(
                match: scorer.triple(sponsorship: sponsor.match, government: body.match),
                focusAreas: sponsor.focusAreas,
                item: .triple(sponsor: sponsorCandidate, government: bodyCandidate)
            )
        }
        return (project, finish(Ranker.rank(combined, limit: options.limit, diversity: diversity), shownTo: project.owner.id))
    }

    /// Candidates of each kind for a project, from the index, with their text relevance and
    /// exposure. Not filtered by whether the project is open, so that replays of past proposals can use it.
    /// With `keep`, businesses are `count` from the index cut to the best `keep` by their score with
    /// exposure, so only those are scored in full with their explanations.
    func partnerCandidates(
        _ kinds: [PartnerKind], for subject: ProjectSubject, index: CandidateIndex, scorer: MatchScorer, reach: CandidateIndex.Reach, count: Int,
        keep: Int? = nil
    ) -> [PartnerKind: [PartnerCandidate]] {
        let project = subject.project
        // The list is the NGO's: what it dismissed stays gone from it, whoever looks.
        let dismissed = index.dismissed(by: project.owner.id)
        var found: [PartnerKind: [PartnerCandidate]] = [:]
        for kind in kinds {
            if kind == .business, let keep {
                let scored = index.scoredSponsors(
                    for: project.profile, owner: project.owner, signature: subject.signature, scorer: scorer, reach: reach, limit: count,
                    excluding: dismissed
                )
                let best = byFinalScore(
                    scored, keep: keep, for: project.profile, owner: project.owner, signature: subject.signature, index: index, scorer: scorer
                )
                found[kind] = best.map { Self.candidate($0.organization, impressions: $0.impressions, against: subject.signature) }
                continue
            }
            let organizations = kind == .business
                ? index.sponsors(
                    for: project.profile, owner: project.owner, signature: subject.signature, scorer: scorer, reach: reach, limit: count,
                    excluding: dismissed
                )
                : index.governmentBodies(for: project.profile, owner: project.owner, limit: count, excluding: dismissed)
            let impressions = exposure.impressions(of: organizations.map(\.id))
            found[kind] = zip(organizations, impressions).map { Self.candidate($0, impressions: $1, against: subject.signature) }
        }
        return found
    }

    /// An indexed organization as a candidate: with its recent impressions, and its text's relevance
    /// to the other side's.
    private static func candidate(_ organization: IndexedOrganization, impressions: Double, against signature: TextSignature) -> PartnerCandidate {
        var profile = organization.profile
        profile.recentImpressions = impressions
        return PartnerCandidate(profile: profile, name: organization.name, text: organization.words.relevance(to: signature))
    }

    /// A sponsor with the score the scorer gives it for one project, exposure included.
    struct ScoredSponsor {
        let organization: IndexedOrganization
        let impressions: Double
        let score: Double

        /// Better first: by score, ties by id as the ranker breaks them.
        static func ranksBefore(_ a: ScoredSponsor, _ b: ScoredSponsor) -> Bool {
            a.score != b.score ? a.score > b.score : a.organization.id.lowercasedString < b.organization.id.lowercasedString
        }
    }

    /// The best `keep` of the index's sponsors for a project by the score the scorer will give
    /// them: their fit times the exposure discount while the index's fits are exact (then no
    /// profile is scored for it), scored from profiles otherwise.
    private func byFinalScore(
        _ scored: [CandidateIndex.Scored], keep: Int, for project: ProjectProfile, owner: PartnerProfile, signature: TextSignature,
        index: CandidateIndex, scorer: MatchScorer
    ) -> [ScoredSponsor] {
        let impressions = exposure.impressions(of: scored.map(\.organization.id))
        let fitsAreExact = index.fitsAreExact
        var entries = zip(scored, impressions).map { scored, impressions in
            let score: Double
            if fitsAreExact {
                score = scored.fit * scorer.fairness.factor(impressions: impressions)
            } else {
                let sponsor = Self.candidate(scored.organization, impressions: impressions, against: signature)
                score = scorer.sponsorship(project: project, owner: owner, sponsor: sponsor.profile, text: sponsor.text, listing: .partner).score
            }
            return ScoredSponsor(organization: scored.organization, impressions: impressions, score: score)
        }
        entries.removeAll { $0.score <= 0 }
        entries.sort(by: ScoredSponsor.ranksBefore)
        return Array(entries.prefix(keep))
    }

    /// Open projects for a business or a government body to back.
    func projects(for organization: IndexedOrganization, options: MatchOptions, index: CandidateIndex) async throws -> [RankedMatch<Subject>] {
        let scorer = try await scorer(options)
        let profile = organization.profile
        let isSponsor = profile.kind == .business
        let count = options.candidates(cap: configuration.candidateLimit)
        let found = isSponsor
            ? index.projects(forSponsor: profile, taxonomy: scorer.taxonomy, reach: options.reach, limit: count, restriction: options.restriction)
            : index.projects(forGovernment: profile, taxonomy: scorer.taxonomy, limit: count, restriction: options.restriction)
        let impressions = exposure.impressions(of: found.map(\.profile.id))
        let candidates = zip(found, impressions).compactMap { indexed, impressions -> Ranker.Candidate<Subject>? in
            guard let owner = index.organization(indexed.profile.organizationID) else { return nil }
            var project = indexed.profile
            project.recentImpressions = impressions
            let text = indexed.words.relevance(to: organization.signature)
            let match = isSponsor
                ? scorer.sponsorship(project: project, owner: owner.profile, sponsor: profile, text: text, listing: .project)
                : scorer.governmentPartnership(project: project, owner: owner.profile, body: profile, text: text, listing: .project)
            let item = ProjectCandidate(
                profile: project, status: .open, title: indexed.title, owner: owner.profile, ownerName: owner.name, text: text
            )
            return Ranker.Candidate(match: match, focusAreas: Set(project.focusAreas), item: .project(item))
        }
        return finish(Ranker.rank(candidates, limit: options.limit, diversity: diversity(options)), shownTo: profile.id)
    }

    /// Businesses an NGO could approach: the best sponsors over its open projects, each once,
    /// with the project it fits best.
    func sponsors(forNGO owner: IndexedOrganization, options: MatchOptions, index: CandidateIndex) async throws -> [RankedMatch<Subject>] {
        let scorer = try await scorer(options)
        let ngo = owner.id
        let projects = index.openProjects(of: ngo, limit: 10)
        let dismissed = index.dismissed(by: ngo)
        let diversity = diversity(options)
        // Only the sponsors the ranker will consider are scored in full, with their explanations.
        var best: [UUID: (sponsor: ScoredSponsor, project: Int)] = [:]
        for (position, indexed) in projects.enumerated() {
            let scored = index.scoredSponsors(
                for: indexed.profile, owner: owner.profile, signature: indexed.signature, scorer: scorer, reach: options.reach,
                limit: options.candidates(cap: configuration.candidateLimit), excluding: dismissed
            )
            let ranked = byFinalScore(
                scored, keep: scored.count, for: indexed.profile, owner: owner.profile, signature: indexed.signature, index: index, scorer: scorer
            )
            for sponsor in ranked {
                // Projects come newest first, so on a tie the newer project keeps the sponsor.
                if let current = best[sponsor.organization.id], current.sponsor.score >= sponsor.score { continue }
                best[sponsor.organization.id] = (sponsor, position)
            }
        }
        let pool = best.values.sorted { ScoredSponsor.ranksBefore($0.sponsor, $1.sponsor) }
            .prefix(Ranker.poolSize(limit: options.limit, diversity: diversity))
        let candidates = pool.map { entry in
            let indexed = projects[entry.project]
            let sponsor = Self.candidate(entry.sponsor.organization, impressions: entry.sponsor.impressions, against: indexed.signature)
            let match = scorer.sponsorship(project: indexed.profile, owner: owner.profile, sponsor: sponsor.profile, text: sponsor.text, listing: .partner)
            let project = ProjectCandidate(
                profile: indexed.profile, status: .open, title: indexed.title, owner: owner.profile, ownerName: owner.name, text: 0
            )
            return Ranker.Candidate(
                match: match, focusAreas: Set(sponsor.profile.focusAreas), item: Subject.sponsorForProject(sponsor, project: project)
            )
        }
        return finish(Ranker.rank(candidates, limit: options.limit, diversity: diversity), shownTo: ngo)
    }

    private func score(_ candidates: [PartnerCandidate], kind: PartnerKind, for project: ProjectCandidate, scorer: MatchScorer) -> [Ranker.Candidate<Subject>] {
        candidates.map { candidate in
            let match = kind == .business
                ? scorer.sponsorship(project: project.profile, owner: project.owner, sponsor: candidate.profile, text: candidate.text, listing: .partner)
                : scorer.governmentPartnership(project: project.profile, owner: project.owner, body: candidate.profile, text: candidate.text, listing: .partner)
            return Ranker.Candidate(match: match, focusAreas: Set(candidate.profile.focusAreas), item: Subject.partner(candidate))
        }
    }

    /// The match explanation of one existing triple; nil when a party is gone. Not counted as exposure.
    public func explain(project: UUID, sponsor: UUID, governmentBody: UUID) async throws -> RankedMatch<Subject>? {
        let scorer = try await scorer(MatchOptions(limit: 1, fairExposure: false, diversify: false))
        guard let (candidate, partners) = try await repository.profiles(project: project, organizations: [sponsor, governmentBody]),
              let business = partners[sponsor], let body = partners[governmentBody] else { return nil }
        // The partnership exists already, so judge the fit itself, not whether the project is still open.
        var profile = candidate.profile
        profile.isOpen = true
        let sponsorship = scorer.sponsorship(project: profile, owner: candidate.owner, sponsor: business.profile, text: 0, listing: .partner)
        let government = scorer.governmentPartnership(project: profile, owner: candidate.owner, body: body.profile, text: 0, listing: .partner)
        return RankedMatch(match: scorer.triple(sponsorship: sponsorship, government: government), item: .triple(sponsor: business, government: body))
    }

    /// What a proposal from a recommendation starts from.
    public struct ProposalTerms: Sendable {
        public let projectTitle: LocalizedText
        public let sponsorName: LocalizedText
        /// The government body named, or else the best one covering the project.
        public let governmentBodyID: UUID?
        public let governmentBodyName: LocalizedText?
        /// The project's need not yet pledged in approved and active partnerships (partnership_stats).
        public let fundingGapKZT: Int64
        /// Nil when the sponsor declared no budget.
        public let sponsorRemainingKZT: Int64?
        /// The triple's fit, when a government body is named.
        public let match: RankedMatch<Subject>?
        /// The government bodies whose jurisdiction covers the project, ASAR's best first.
        public let governmentBodies: [PartnerCandidate]

        /// The pledge a proposal starts at: no more than the project needs or the sponsor has left
        /// (nothing, when it declared no budget: the database counts that as 0).
        public var suggestedPledgeKZT: Int64 { max(0, min(fundingGapKZT, sponsorRemainingKZT ?? 0)) }
    }

    /// For anyone signed in who may see the project (a draft only its own NGO).
    public func proposalTerms(project id: UUID, sponsor: UUID, governmentBody: UUID?, by caller: Caller) async throws -> ProposalTerms {
        try Access.requireSignedIn(caller)
        let index = try await index.snapshot()
        guard let subject = try await projectSubject(id, in: index) else { throw DomainError.notFound(resource: "project") }
        try Access.requireVisible(subject.project.status, owner: subject.project.owner.id, to: caller)
        guard let business = try await organizationSubject(sponsor, in: index), business.profile.kind == .business else {
            throw DomainError.notFound(resource: "organization")
        }
        let ranked = try await partners(
            forProject: id, kind: .governmentBody, options: MatchOptions(limit: 10, fairExposure: false, diversify: false), record: false
        )?.1 ?? []
        let bodies = ranked.compactMap { candidate -> PartnerCandidate? in
            if case .partner(let body) = candidate.item { return body }
            return nil
        }
        let chosen = governmentBody ?? bodies.first?.profile.id
        var body: IndexedOrganization?
        var match: RankedMatch<Subject>?
        if let chosen {
            body = try await organizationSubject(chosen, in: index)
            match = try await explain(project: id, sponsor: sponsor, governmentBody: chosen)
        }
        return ProposalTerms(
            projectTitle: subject.project.title, sponsorName: business.name, governmentBodyID: chosen, governmentBodyName: body?.name,
            fundingGapKZT: subject.project.profile.fundingGapKZT, sponsorRemainingKZT: business.profile.remainingBudgetKZT, match: match,
            governmentBodies: bodies
        )
    }

    /// Counts what is shown, and to which organization's list, so often-shown names are discounted
    /// next time and a later proposal can be traced to the list.
    private func finish(_ ranked: [Ranker.Candidate<Subject>], shownTo viewer: UUID) -> [RankedMatch<Subject>] {
        exposure.record(ranked.flatMap { candidate -> [UUID] in
            switch candidate.item {
            case .partner(let partner): [partner.profile.id]
            case .project(let project): [project.profile.id]
            case .triple(let sponsor, let government): [sponsor.profile.id, government.profile.id]
            case .sponsorForProject(let sponsor, _): [sponsor.profile.id]
            }
        }, shownTo: viewer)
        return ranked.map { RankedMatch(match: $0.match, item: $0.item) }
    }
}
