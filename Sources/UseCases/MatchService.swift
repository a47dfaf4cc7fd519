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

    public init(limit: Int = 10, fairExposure: Bool = true, diversify: Bool = true, scope: MatchScope = .all) {
        self.limit = limit
        self.fairExposure = fairExposure
        self.diversify = diversify
        self.scope = scope
    }

    /// Vetoes and diversification drop some candidates, so a list that is to be full asks for
    /// three times its length before it fills from further away.
    var reach: CandidateReach {
        scope == .local ? .local : .filling(wanted: 3 * limit)
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

/// Every match question: fetches candidates, scores them with the pure engine and ranks them.
public struct MatchService: Sendable {
    let repository: MatchRepository
    let reference: ReferenceData
    let configuration: MatchingConfiguration
    let exposure: ExposureRecorder

    public init(repository: MatchRepository, reference: ReferenceData, configuration: MatchingConfiguration, exposure: ExposureRecorder) {
        self.repository = repository
        self.reference = reference
        self.configuration = configuration
        self.exposure = exposure
    }

    static let notOpen = "The project is not open, so it is not matched."
    static let inactive = "The organization is deactivated, so it is not matched."

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
        guard let (organization, description) = try await repository.organization(id) else {
            throw DomainError.notFound(resource: "organization")
        }
        guard organization.profile.isActive else { return MatchAnswer(items: [], notice: Self.inactive) }
        let items: [RankedMatch<Subject>] = switch organization.profile.kind {
        case .ngo:
            try await sponsors(forNGO: id, options: options)
        case .business, .governmentBody:
            try await projects(for: organization, description: description, options: options)
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

    /// Businesses or government bodies for a project; nil when there is no such project.
    func partners(forProject id: UUID, kind: PartnerKind, options: MatchOptions) async throws -> (ProjectCandidate, [RankedMatch<Subject>])? {
        let scorer = try await scorer(options)
        guard let (project, candidates) = try await repository.candidates(forProject: id, kinds: [kind], taxonomy: scorer.taxonomy, reach: options.reach) else {
            return nil
        }
        let scored = score(candidates[kind] ?? [], kind: kind, for: project, scorer: scorer)
        return (project, finish(Ranker.rank(scored, limit: options.limit, diversity: diversity(options))))
    }

    /// Sponsor and government body pairs for a project: the best of each side, combined.
    func triples(forProject id: UUID, options: MatchOptions) async throws -> (ProjectCandidate, [RankedMatch<Subject>])? {
        let scorer = try await scorer(options)
        guard let (project, candidates) = try await repository.candidates(
            forProject: id, kinds: [.business, .governmentBody], taxonomy: scorer.taxonomy, reach: options.reach
        ) else { return nil }
        let sponsors = Ranker.rank(
            score(candidates[.business] ?? [], kind: .business, for: project, scorer: scorer), limit: max(options.limit, 30), diversity: .off
        )
        let bodies = Ranker.rank(
            score(candidates[.governmentBody] ?? [], kind: .governmentBody, for: project, scorer: scorer), limit: 10, diversity: .off
        )
        var combined: [Ranker.Candidate<Subject>] = []
        for sponsor in sponsors {
            for body in bodies {
                guard case .partner(let sponsorCandidate) = sponsor.item, case .partner(let bodyCandidate) = body.item else { continue }
                combined.append(Ranker.Candidate(
                    match: scorer.triple(sponsorship: sponsor.match, government: body.match),
                    focusAreas: Set(sponsorCandidate.profile.focusAreas),
                    item: .triple(sponsor: sponsorCandidate, government: bodyCandidate)
                ))
            }
        }
        return (project, finish(Ranker.rank(combined, limit: options.limit, diversity: diversity(options))))
    }

    /// Open projects for a business or a government body to back.
    func projects(for organization: PartnerCandidate, description: String, options: MatchOptions) async throws -> [RankedMatch<Subject>] {
        let scorer = try await scorer(options)
        let isSponsor = organization.profile.kind == .business
        let candidates = isSponsor
            ? try await repository.projects(forSponsor: organization, description: description, taxonomy: scorer.taxonomy, reach: options.reach)
            : try await repository.projects(forGovernment: organization, description: description, taxonomy: scorer.taxonomy)
        let scored = candidates.map { candidate in
            let match = isSponsor
                ? scorer.sponsorship(project: candidate.profile, owner: candidate.owner, sponsor: organization.profile, text: candidate.text, listing: .project)
                : scorer.governmentPartnership(project: candidate.profile, owner: candidate.owner, body: organization.profile, text: candidate.text, listing: .project)
            return Ranker.Candidate(match: match, focusAreas: Set(candidate.profile.focusAreas), item: Subject.project(candidate))
        }
        return finish(Ranker.rank(scored, limit: options.limit, diversity: diversity(options)))
    }

    /// Businesses an NGO could approach: the best sponsors over its open projects, each once,
    /// with the project it fits best.
    func sponsors(forNGO ngo: UUID, options: MatchOptions) async throws -> [RankedMatch<Subject>] {
        let scorer = try await scorer(options)
        var best: [UUID: Ranker.Candidate<Subject>] = [:]
        for project in try await repository.openProjects(of: ngo, limit: 10) {
            let sponsors = try await repository.sponsors(for: project, taxonomy: scorer.taxonomy, reach: options.reach)
            let ranked = Ranker.rank(score(sponsors, kind: .business, for: project, scorer: scorer), limit: max(options.limit, 30), diversity: .off)
            for candidate in ranked {
                guard case .partner(let sponsor) = candidate.item else { continue }
                // Projects come newest first, so on a tie the newer project keeps the sponsor.
                if let current = best[sponsor.profile.id], current.match.score >= candidate.match.score { continue }
                best[sponsor.profile.id] = Ranker.Candidate(
                    match: candidate.match, focusAreas: candidate.focusAreas, item: .sponsorForProject(sponsor, project: project)
                )
            }
        }
        return finish(Ranker.rank(Array(best.values), limit: options.limit, diversity: diversity(options)))
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

    /// Counts what is shown, so often-shown names are discounted next time.
    private func finish(_ ranked: [Ranker.Candidate<Subject>]) -> [RankedMatch<Subject>] {
        exposure.record(ranked.flatMap { candidate -> [UUID] in
            switch candidate.item {
            case .partner(let partner): [partner.profile.id]
            case .project(let project): [project.profile.id]
            case .triple(let sponsor, let government): [sponsor.profile.id, government.profile.id]
            case .sponsorForProject(let sponsor, _): [sponsor.profile.id]
            }
        })
        return ranked.map { RankedMatch(match: $0.match, item: $0.item) }
    }
}
