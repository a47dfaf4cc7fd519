import Foundation
import Matching
import Domain
import Storage
import UseCases

struct RoundResource: Encodable {
    struct Totals: Encodable {
        let fundingPlacedKzt: Int64
        let needInScopeKzt: Int64
        let shareOfNeedCovered: Double
        let projectsInScope: Int
        let projectsFunded: Int
        let projectsPartlyFunded: Int
        let sponsorsInScope: Int
        let sponsorsUsed: Int
        let pairsScored: Int
    }

    struct PlacementResource: Encodable {
        let project: Named
        let sponsor: Named
        let amountKzt: Int64
        let score: Double
        let reasons: [String]
        let partnershipId: String?
        let skippedReason: String?
    }

    struct UnfundedResource: Encodable {
        let project: Named
        let needKzt: Int64
        let placedKzt: Int64
        let reason: String
        let explanation: String
    }

    struct BlockingPairResource: Encodable {
        let project: Named
        let sponsor: Named
        let score: Double
        /// `budget_left`: the sponsor has budget (and a slot) left; `better_fit`: it funds a project it fits less well.
        let sponsorReason: String
        /// `need_left`: the project's need is not wholly met; `better_fit`: a sponsor that fits it less well funds it.
        let projectReason: String
    }

    struct Named: Encodable {
        let id: String
        let name: LocalizedTextResource?
    }

    let id: String
    let governmentBodyId: String
    let jurisdiction: String
    let national: Bool
    let focusAreas: [String]
    /// The only businesses the round could place money with; empty when it was open to every
    /// business working in the jurisdiction.
    let sponsorIds: [String]
    let mode: String
    let consentDeadline: Date
    let state: String
    let createdAt: Date
    let acceptedAt: Date?
    /// Σ score × amount placed (in KZT-weighted score units).
    let objective: Double
    /// The best possible objective: equal to `objective` for split funding; for whole funding the
    /// split optimum, which no whole allocation can beat.
    let upperBound: Double
    let optimalityGap: Double
    /// Sponsor–project pairs that would both rather have each other than what they got.
    let blockingPairs: Int
    /// The best-fitting of them (at most 100), best first.
    let strongestBlockingPairs: [BlockingPairResource]
    let totals: Totals
    let placements: [PlacementResource]
    let unfunded: [UnfundedResource]

    init(_ explained: ExplainedRound, language: Language, vocabulary: Vocabulary) {
        let round = explained.round
        let profiles = (projects: explained.projects, sponsors: explained.sponsors)
        id = round.id.lowercasedString
        governmentBodyId = round.governmentBodyID.lowercasedString
        jurisdiction = round.request.jurisdiction
        national = round.request.national
        focusAreas = round.request.focusAreas
        sponsorIds = round.request.sponsorIDs.map(\.lowercasedString)
        mode = round.request.mode.rawValue
        consentDeadline = round.request.consentDeadline
        state = round.state.rawValue
        createdAt = round.createdAt
        acceptedAt = round.acceptedAt
        objective = round.objective
        upperBound = round.upperBound
        optimalityGap = round.upperBound <= 0 ? 0 : max(0, (round.upperBound - round.objective) / round.upperBound)
        blockingPairs = round.blockingPairs
        let placed = round.placements.reduce(Int64(0)) { $0 + $1.amountKZT }
        let unfundedIDs = Set(round.unfunded.map(\.projectID))
        let fundedProjects = Set(round.placements.map(\.projectID)).subtracting(unfundedIDs)
        totals = Totals(
            fundingPlacedKzt: placed,
            needInScopeKzt: round.needInScopeKZT,
            shareOfNeedCovered: round.needInScopeKZT == 0 ? 0 : MatchRendering.rounded(Double(placed) / Double(round.needInScopeKZT)),
            projectsInScope: round.projectsInScope,
            projectsFunded: fundedProjects.count,
            projectsPartlyFunded: round.unfunded.filter { $0.reason == .partlyFunded }.count,
            sponsorsInScope: round.sponsorsInScope,
            sponsorsUsed: Set(round.placements.map(\.sponsorID)).count,
            pairsScored: round.pairsScored
        )
        func projectName(_ id: UUID) -> Named {
            Named(id: id.lowercasedString, name: profiles.projects[id].map { LocalizedTextResource($0.title) })
        }
        placements = zip(round.placements, explained.placementMatches).map { placement, match in
            var reasons: [String] = []
            if let match, let sponsor = profiles.sponsors[placement.sponsorID] {
                let ranked = MatchRendering.items([RankedMatch(match: match, item: .partner(sponsor))], language: language, vocabulary: vocabulary)
                reasons = ranked.first?.reasons ?? []
            }
            return PlacementResource(
                project: projectName(placement.projectID),
                sponsor: Named(id: placement.sponsorID.lowercasedString, name: profiles.sponsors[placement.sponsorID].map { LocalizedTextResource($0.name) }),
                amountKzt: placement.amountKZT, score: MatchRendering.rounded(placement.score), reasons: reasons,
                partnershipId: placement.partnershipID?.lowercasedString, skippedReason: placement.skippedReason
            )
        }
        strongestBlockingPairs = round.strongestBlockingPairs.map { pair in
            BlockingPairResource(
                project: projectName(pair.projectID),
                sponsor: Named(id: pair.sponsorID.lowercasedString, name: profiles.sponsors[pair.sponsorID].map { LocalizedTextResource($0.name) }),
                score: MatchRendering.rounded(pair.score),
                sponsorReason: pair.sponsorHasRoom ? "budget_left" : "better_fit",
                projectReason: pair.projectHasRoom ? "need_left" : "better_fit"
            )
        }
        unfunded = round.unfunded.map { entry in
            UnfundedResource(
                project: projectName(entry.projectID), needKzt: entry.needKZT, placedKzt: entry.placedKZT,
                reason: entry.reason.rawValue, explanation: Self.explain(entry.reason, language)
            )
        }
    }

    static func explain(_ reason: UnfundedProject.Reason, _ language: Language) -> String {
        switch (reason, language) {
        case (.noPlausibleSponsor, .en): "No sponsor in scope works on this project's focus areas or related ones."
        case (.noPlausibleSponsor, .ru): "Ни один спонсор в охвате раунда не работает по направлениям проекта или близким к ним."
        case (.noPlausibleSponsor, .kk): "Раунд аясындағы бірде-бір демеуші жобаның бағыттары немесе оларға жақын бағыттар бойынша жұмыс істемейді."
        case (.outbid, .en): "Sponsors that fit it spent their budgets on projects they fit better."
        case (.outbid, .ru): "Подходящие спонсоры направили бюджеты на проекты, которым они подходят лучше."
        case (.outbid, .kk): "Лайықты демеушілер бюджеттерін өздеріне көбірек сай келетін жобаларға бағыттады."
        case (.partlyFunded, .en): "Part of the need was placed; the rest found no sponsor with budget left."
        case (.partlyFunded, .ru): "Часть потребности профинансирована; на остаток не хватило бюджета спонсоров."
        case (.partlyFunded, .kk): "Қажеттіліктің бір бөлігі қаржыландырылды; қалғанына демеушілердің бюджеті жетпеді."
        }
    }
}
