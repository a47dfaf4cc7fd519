import Domain
import Foundation
import Matching
import Storage

/// Replays the partnerships proposed so far against today's matching: for each proposal, was the
/// partner in the proposer's top 10? That share is recall@10, the figure a recommender is judged
/// by here, because a proposal is what a good list should lead to. It is computed for the weights
/// as configured and for each component switched off and doubled, so a change of weights is
/// judged by what people did, not by taste.
///
/// Profiles are today's, not those of the day of the proposal (ASAR keeps no history of them), so
/// the project is scored as if still open, as `MatchService.explain` does.
///
/// Beside recall it reports what followed the proposals: how many were made from a list (the
/// proposer had been shown its choice) and how far those got, against the others.
public struct MatchEvaluation: Sendable {
    let repository: MatchRepository
    let reference: ReferenceData
    let partnerships: PartnershipRepository
    /// Candidates come from the index as for every list; the weights are the evaluation's own.
    let matches: MatchService

    public init(repository: MatchRepository, index: LiveCandidateIndex, reference: ReferenceData, partnerships: PartnershipRepository) {
        self.repository = repository
        self.reference = reference
        self.partnerships = partnerships
        matches = MatchService(repository: repository, index: index, reference: reference, configuration: MatchingConfiguration(), exposure: ExposureRecorder())
    }

    /// One way of weighting the components, applied to sponsor and government pairs alike: one
    /// component's weight times `factor` (0 switches it off), or the weights as configured.
    public struct Variant: Sendable {
        public let name: String
        let component: Component?
        let factor: Double

        func apply(to weights: inout Weights) {
            switch component {
            case nil: break
            case .focus?: weights.focus *= factor
            case .geography?: weights.geography *= factor
            case .resources?, .fundingGap?: weights.resources *= factor
            case .trackRecord?: weights.trackRecord *= factor
            case .text?: weights.text *= factor
            }
        }
    }

    /// Recall@k of one variant.
    public struct Recall: Sendable {
        public let variant: String
        /// The proposed sponsor among the project's top k sponsors.
        public let sponsors: Double
        /// The proposed government body among the project's top k bodies.
        public let governmentBodies: Double
    }

    public struct Report: Sendable {
        public let proposals: Int
        public let k: Int
        public let recalls: [Recall]
        /// Every partnership proposed, by whether it came from a list, and what became of it.
        public let outcomes: ProposalOutcomesByOrigin
    }

    /// The configured weights, then each component off and doubled.
    public static let variants: [Variant] = {
        let components: [(String, Component)] = [
            ("focus", .focus), ("geography", .geography), ("resources", .resources), ("track record", .trackRecord), ("text", .text),
        ]
        var variants = [Variant(name: "as configured", component: nil, factor: 1)]
        for (name, component) in components {
            variants.append(Variant(name: "\(name) off", component: component, factor: 0))
            variants.append(Variant(name: "\(name) doubled", component: component, factor: 2))
        }
        return variants
    }()

    public func run(k: Int = 10, variants: [Variant] = MatchEvaluation.variants) async throws -> Report {
        let taxonomy = try await reference.snapshot().taxonomy
        let proposals = try await repository.proposals()
        let index = try await matches.index.snapshot()
        var hits = Array(repeating: (sponsors: 0, bodies: 0), count: variants.count)
        for proposal in proposals {
            // Candidates do not depend on the weights: read them once, score them per variant.
            guard let found = try await matches.projectSubject(proposal.project, in: index) else { continue }
            var profile = found.project.profile
            profile.isOpen = true
            let project = ProjectCandidate(
                profile: profile, status: found.project.status, title: found.project.title,
                owner: found.project.owner, ownerName: found.project.ownerName, text: 0
            )
            let partners = matches.partnerCandidates(
                [.business, .governmentBody], for: MatchService.ProjectSubject(project: project, signature: found.signature), index: index,
                scorer: MatchScorer(taxonomy: taxonomy, fairness: .off), reach: .anywhere,
                count: MatchOptions(limit: k).candidates(cap: matches.configuration.candidateLimit)
            )
            for (index, variant) in variants.enumerated() {
                var scorer = MatchScorer(taxonomy: taxonomy, fairness: .off)
                variant.apply(to: &scorer.weights)
                variant.apply(to: &scorer.governmentWeights)
                let sponsors = Ranker.rank((partners[.business] ?? []).map { sponsor in
                    Ranker.Candidate(
                        match: scorer.sponsorship(project: profile, owner: project.owner, sponsor: sponsor.profile, text: sponsor.text, listing: .partner),
                        focusAreas: [], item: sponsor.profile.id
                    )
                }, limit: k, diversity: .off)
                let bodies = Ranker.rank((partners[.governmentBody] ?? []).map { body in
                    Ranker.Candidate(
                        match: scorer.governmentPartnership(project: profile, owner: project.owner, body: body.profile, text: body.text, listing: .partner),
                        focusAreas: [], item: body.profile.id
                    )
                }, limit: k, diversity: .off)
                if sponsors.contains(where: { $0.item == proposal.business }) { hits[index].sponsors += 1 }
                if bodies.contains(where: { $0.item == proposal.governmentBody }) { hits[index].bodies += 1 }
            }
        }
        let count = max(1, proposals.count)
        return Report(proposals: proposals.count, k: k, recalls: zip(variants, hits).map { variant, hit in
            Recall(variant: variant.name, sponsors: Double(hit.sponsors) / Double(count), governmentBodies: Double(hit.bodies) / Double(count))
        }, outcomes: try await partnerships.outcomesByOrigin())
    }
}

extension ProposalOutcomesByOrigin {
    /// Proposals by origin and how far each group got, as shares of the group, as `asar evaluate` prints them.
    public var table: [String] {
        let outcomes = self
        func share(_ part: Int, _ whole: Int) -> String {
            whole == 0 ? "-" : String(format: "%.3f", Double(part) / Double(whole))
        }
        let recorded = outcomes.fromList.proposals + outcomes.notFromList.proposals
        var lines = [
            "\(outcomes.proposals) proposals; made from a list: \(outcomes.fromList.proposals) of \(recorded) recorded (\(share(outcomes.fromList.proposals, recorded)))"
                + (outcomes.unrecorded.proposals > 0 ? ", \(outcomes.unrecorded.proposals) proposed before lists were recorded" : ""),
            "origin".padding(toLength: 16, withPad: " ", startingAt: 0)
                + ["proposals", "consented", "approved", "completed", "cancelled", "rejected", "withdrawn"]
                    .map { $0.padding(toLength: 11, withPad: " ", startingAt: 0) }.joined(),
        ]
        for (name, group) in [("from a list", outcomes.fromList), ("not from a list", outcomes.notFromList)] {
            let cells = [String(group.proposals)] + [group.consented, group.approved, group.completed, group.cancelled, group.rejected, group.withdrawn]
                .map { share($0, group.proposals) }
            lines.append(name.padding(toLength: 16, withPad: " ", startingAt: 0) + cells.map { $0.padding(toLength: 11, withPad: " ", startingAt: 0) }.joined())
        }
        return lines
    }
}
