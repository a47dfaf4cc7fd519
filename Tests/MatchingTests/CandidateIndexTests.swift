import Domain
import Foundation
import Testing
@testable import Matching

@Suite struct CandidateIndexTests {
    let scorer = MatchScorer(taxonomy: Sample.taxonomy, fairness: .off)

    func index(_ organizations: [PartnerProfile], _ projects: [ProjectProfile] = []) -> CandidateIndex {
        var index = CandidateIndex()
        for organization in organizations { index.upsert(IndexedOrganization(profile: organization, signature: .empty)) }
        for project in projects { index.upsert(IndexedProject(profile: project, createdAt: Date(), signature: .empty)) }
        return index
    }

    func business(_ id: Int, areas: [String], regions: [String], budget: Int64? = 50_000_000) -> PartnerProfile {
        var business = PartnerProfile(id: UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", id))!, kind: .business)
        business.focusAreas = areas
        business.regions = regions
        business.annualCSRBudgetKZT = budget
        return business
    }

    @Test func sponsorsAreActivePlausibleWithBudgetLeftAndLocalUnlessFilling() {
        var generator = SplitMix(state: 99)
        let owner = Sample.ngo(&generator)
        let project = ProjectProfile(
            id: UUID(), organizationID: owner.id, focusAreas: ["education"], regions: ["195230000"], fundingNeededKZT: 10_000_000
        )
        let district = business(1, areas: ["education"], regions: ["195230000"])
        let region = business(2, areas: ["education"], regions: ["190000000"])
        let related = business(3, areas: ["youth"], regions: ["190000000"])
        let unrelated = business(4, areas: ["culture"], regions: ["190000000"])
        var inactive = business(5, areas: ["education"], regions: ["190000000"])
        inactive.isActive = false
        var spent = business(6, areas: ["education"], regions: ["190000000"])
        spent.pledgedKZT = 50_000_000
        let elsewhere = business(7, areas: ["education"], regions: ["750000000"])
        var national = business(8, areas: ["education"], regions: [])
        national.nationwide = true
        var full = business(9, areas: ["education"], regions: ["190000000"])
        full.maxActivePartnerships = 2
        full.activePartnerships = 2
        let index = index([owner, district, region, related, unrelated, inactive, spent, elsewhere, national, full])

        let local = index.sponsors(for: project, owner: owner, scorer: scorer, reach: .local, limit: 10).map(\.id)
        // Closest first among the same areas; a related area after; unrelated, inactive, spent and full never.
        #expect(local == [district.id, region.id, national.id, related.id])
        let anywhere = index.sponsors(for: project, owner: owner, scorer: scorer, reach: .anywhere, limit: 10).map(\.id)
        #expect(Set(anywhere) == Set(local + [elsewhere.id]))
        #expect(index.sponsors(for: project, owner: owner, scorer: scorer, reach: .anywhere, limit: 2).map(\.id) == [district.id, region.id])
        #expect(!index.sponsors(
            for: project, owner: owner, scorer: scorer, reach: .local, limit: 10, excluding: [district.id]
        ).map(\.id).contains(district.id))
    }

    @Test func governmentBodiesAreThoseWhoseJurisdictionCoversTheProject() {
        var generator = SplitMix(state: 99)
        let owner = Sample.ngo(&generator)
        let project = ProjectProfile(
            id: UUID(), organizationID: owner.id, focusAreas: ["education"], regions: ["195230000"], fundingNeededKZT: 10_000_000
        )
        let districtAkimat = Sample.akimat(&generator, jurisdiction: "195200000")
        let regionAkimat = Sample.akimat(&generator, jurisdiction: "190000000")
        let otherDistrict = Sample.akimat(&generator, jurisdiction: "195400000")
        let otherRegion = Sample.akimat(&generator, jurisdiction: "750000000")
        var ministry = PartnerProfile(id: UUID(), kind: .governmentBody)
        ministry.isNational = true
        ministry.jurisdiction = "000000000"
        let found = Set(index([owner, districtAkimat, regionAkimat, otherDistrict, otherRegion, ministry])
            .governmentBodies(for: project, owner: owner, limit: 10).map(\.id))
        #expect(found == [districtAkimat.id, regionAkimat.id, ministry.id])
    }

    /// The index picks the few candidates scored in full; what it picks must keep the engine's
    /// promise that a shared area or a move into the project's district never costs rank.
    @Test func aSharedAreaOrAMoveIntoTheDistrictNeverLowersARankThroughTheIndex() {
        var generator = SplitMix(state: 11)
        for _ in 0..<200 {
            let owner = Sample.ngo(&generator)
            var project = Sample.project(&generator, owner: owner.id)
            project.regions = ["195230000"]
            let sponsors = (0..<40).map { _ in Sample.business(&generator) }
            func rank(of id: UUID, among list: [PartnerProfile]) -> Int? {
                // Fewer scored in full than there are sponsors, so the index's choice matters.
                let picked = index([owner] + list).sponsors(for: project, owner: owner, scorer: scorer, reach: .anywhere, limit: 12)
                let ranked = Ranker.rank(picked.map { sponsor in
                    Ranker.Candidate(
                        match: scorer.sponsorship(project: project, owner: owner, sponsor: sponsor.profile, text: 0, listing: .partner),
                        focusAreas: [], item: sponsor.id
                    )
                }, limit: 10, diversity: .off)
                return ranked.firstIndex { $0.item == id }
            }
            expectNoRankLostByMovingInOrSharingAnArea(sponsors, project: project, district: "195230000", rank: rank)
        }
    }

    /// The index ranks businesses by the sponsorship score itself, computed from its bits: the same
    /// order, and the same scores, as the scorer gives every plausible business from its profile.
    @Test func sponsorsComeInTheScorersOrder() {
        var generator = SplitMix(state: 8)
        let words = ["образование", "инклюзия", "спорт", "экология", "детей", "музыка", "фермеры", "здоровье"]
        func text(_ count: Int) -> String {
            (0..<count).map { _ in words[Int.random(in: 0..<words.count, using: &generator)] }.joined(separator: " ")
        }
        for round in 0..<60 {
            let owner = Sample.ngo(&generator)
            var project = Sample.project(&generator, owner: owner.id)
            project.pledgedKZT = Int64.random(in: 0...project.fundingNeededKZT, using: &generator)
            if round % 7 == 0 { project.focusAreas = [] }
            // Several regions on either side: a sponsor working in two of the project's regions, or
            // nationwide and in one of them, is scored (and its text counted) once.
            if round % 3 == 0 { project.regions.append(Sample.places.randomElement(using: &generator) ?? "750000000") }
            let signature = TextSignature(texts: [text(3)])
            var index = index([owner])
            var texts: [UUID: TextWords] = [:]
            let sponsors = (0..<Int.random(in: 10...80, using: &generator)).map { _ in
                var sponsor = Sample.business(&generator)
                if Bool.random(using: &generator) { sponsor.regions.append(Sample.places.randomElement(using: &generator) ?? "750000000") }
                return sponsor
            }
            for sponsor in sponsors {
                let words = TextWords(titles: [text(1)], bodies: [text(4)])
                texts[sponsor.id] = words
                index.upsert(IndexedOrganization(profile: sponsor, words: words))
            }
            let limit = Int.random(in: 1...20, using: &generator)
            let found = index.sponsors(for: project, owner: owner, signature: signature, scorer: scorer, reach: .anywhere, limit: limit).map(\.id)
            // Those working elsewhere come in only when the nearby ones are fewer than the list is long.
            let nearby = Set(index.sponsors(for: project, owner: owner, scorer: scorer, reach: .local, limit: 1_000).map(\.id))
            let plausible = nearby.count >= limit
                ? nearby : Set(index.sponsors(for: project, owner: owner, scorer: scorer, reach: .anywhere, limit: 1_000).map(\.id))
            let ranked = Ranker.rank(sponsors.filter { plausible.contains($0.id) }.map { sponsor in
                Ranker.Candidate(
                    match: scorer.sponsorship(
                        project: project, owner: owner, sponsor: sponsor, text: texts[sponsor.id]?.relevance(to: signature) ?? 0, listing: .partner
                    ),
                    focusAreas: [], item: sponsor.id
                )
            }, limit: limit, diversity: .off)
            #expect(found == ranked.map(\.item), "round \(round)")
        }
    }

    /// Reading projects in the sponsor's regions first and the rest only when they could still get in
    /// must not change the answer: a short list is the head of a list long enough that nothing is skipped.
    @Test func aShortListIsTheHeadOfTheFullOne() {
        var generator = SplitMix(state: 21)
        for _ in 0..<100 {
            let owner = Sample.ngo(&generator)
            let sponsors = (0..<Int.random(in: 20...120, using: &generator)).map { _ in Sample.business(&generator) }
            let projects = (0..<Int.random(in: 20...120, using: &generator)).map { _ in Sample.project(&generator, owner: owner.id) }
            let index = index([owner] + sponsors, projects)
            let limit = Int.random(in: 1...15, using: &generator)
            for reach in [CandidateIndex.Reach.local, .anywhere] {
                // Sponsors: sponsorsComeInTheScorersOrder.
                let sponsor = sponsors[0]
                let allProjects = index.projects(forSponsor: sponsor, taxonomy: Sample.taxonomy, reach: reach, limit: 1_000).map(\.profile.id)
                let shortProjects = index.projects(forSponsor: sponsor, taxonomy: Sample.taxonomy, reach: reach, limit: limit).map(\.profile.id)
                #expect(shortProjects == Array(allProjects.prefix(limit)))
            }
        }
    }

    /// An organization that leaves a region and comes back, or changes its areas, is listed once.
    @Test func changedRegionsAndAreasNeitherDuplicateNorLinger() {
        var generator = SplitMix(state: 5)
        var owner = Sample.ngo(&generator)
        owner.seeking = []
        let project = ProjectProfile(id: UUID(), organizationID: owner.id, focusAreas: ["culture"], regions: ["190000000"], fundingNeededKZT: 1_000_000)
        var sponsor = business(1, areas: ["culture"], regions: ["190000000"])
        let others = (2...30).map { business($0, areas: ["culture", "sport"], regions: ["190000000"]) }
        var index = index([owner, sponsor] + others)
        let changes: [(areas: [String], regions: [String])] = [
            (["culture"], ["750000000"]), (["culture"], ["190000000"]), (["culture"], ["190000000", "750000000"]),
            (["sport"], ["190000000"]), (["culture", "sport"], ["190000000"]),
        ]
        for change in changes {
            sponsor.focusAreas = change.areas
            sponsor.regions = change.regions
            index.upsert(IndexedOrganization(profile: sponsor))
            let local = index.sponsors(for: project, owner: owner, scorer: scorer, reach: .local, limit: 100).map(\.id)
            // Sport serves no goal culture serves: then it is not plausible at all.
            let plausible = change.areas.contains("culture")
            #expect(local.filter { $0 == sponsor.id }.count == (plausible && change.regions.contains("190000000") ? 1 : 0), "\(change)")
            let anywhere = index.sponsors(for: project, owner: owner, scorer: scorer, reach: .anywhere, limit: 100).map(\.id)
            #expect(anywhere.filter { $0 == sponsor.id }.count == (plausible ? 1 : 0), "\(change)")
            #expect(Set(anywhere).count == anywhere.count)
        }
    }

    /// An index kept current through many changes (activity, budget, partnership slots, regions,
    /// nationwide, texts, removals and returns) answers as one built afresh from the same profiles,
    /// question after question on the same index (the relevance sums are reused between questions).
    @Test func anIndexKeptCurrentAnswersAsOneBuiltAfresh() {
        var generator = SplitMix(state: 41)
        let words = ["образование", "инклюзия", "спорт", "экология", "детей", "музыка", "фермеры", "здоровье", "компания"]
        func text(_ count: Int) -> String {
            (0..<count).map { _ in words[Int.random(in: 0..<words.count, using: &generator)] }.joined(separator: " ")
        }
        let owner = Sample.ngo(&generator)
        var sponsors = (0..<60).map { _ in
            IndexedOrganization(profile: Sample.business(&generator), words: TextWords(titles: [text(1)], bodies: [text(3)]))
        }
        var present = Set(sponsors.indices)
        var kept = index([owner])
        for sponsor in sponsors { kept.upsert(sponsor) }
        for step in 0..<300 {
            let changed = Int.random(in: 0..<sponsors.count, using: &generator)
            var profile = sponsors[changed].profile
            switch step % 7 {
            case 0: profile.isActive.toggle()
            case 1: profile.pledgedKZT = Bool.random(using: &generator) ? profile.annualCSRBudgetKZT ?? 0 : 0
            case 2: profile.activePartnerships = Int.random(in: 0...(profile.maxActivePartnerships ?? 5), using: &generator)
            case 3: profile.regions = (0..<Int.random(in: 0...2, using: &generator)).map { _ in Sample.places.randomElement(using: &generator) ?? "750000000" }
            case 4: profile.nationwide.toggle()
            case 5: sponsors[changed].words = TextWords(titles: [text(1)], bodies: [text(3)])
            default:
                if present.contains(changed) {
                    kept.removeOrganization(profile.id)
                    present.remove(changed)
                    continue
                }
                present.insert(changed)
            }
            sponsors[changed].profile = profile
            if present.contains(changed) { kept.upsert(sponsors[changed]) }
            var fresh = index([owner])
            for position in sponsors.indices where present.contains(position) { fresh.upsert(sponsors[position]) }
            for _ in 0..<2 {
                var project = Sample.project(&generator, owner: owner.id)
                if Bool.random(using: &generator) { project.regions.append(Sample.places.randomElement(using: &generator) ?? "750000000") }
                let signature = TextSignature(texts: [text(3)])
                for reach in [CandidateIndex.Reach.local, .anywhere] {
                    let expected = fresh.sponsors(for: project, owner: owner, signature: signature, scorer: scorer, reach: reach, limit: 15).map(\.id)
                    let found = kept.sponsors(for: project, owner: owner, signature: signature, scorer: scorer, reach: reach, limit: 15).map(\.id)
                    #expect(found == expected, "step \(step)")
                }
            }
        }
    }

    /// Government bodies kept current through changes (active or not, jurisdiction, national or
    /// not, areas, counters, removals and returns) answer as in an index built afresh: the bodies
    /// for a project, and the projects for a body.
    @Test func governmentBodiesKeptCurrentAnswerAsOnesBuiltAfresh() {
        var generator = SplitMix(state: 43)
        let owner = Sample.ngo(&generator)
        let projects = (0..<40).map { _ in
            var project = Sample.project(&generator, owner: owner.id)
            if Bool.random(using: &generator) { project.regions.append(Sample.places.randomElement(using: &generator) ?? "750000000") }
            return project
        }
        var bodies = (0..<30).map { _ in Sample.akimat(&generator, jurisdiction: Sample.places.randomElement(using: &generator) ?? "750000000") }
        var present = Set(bodies.indices)
        var kept = index([owner], projects)
        for body in bodies { kept.upsert(IndexedOrganization(profile: body)) }
        for step in 0..<240 {
            let changed = Int.random(in: 0..<bodies.count, using: &generator)
            var body = bodies[changed]
            switch step % 6 {
            case 0: body.isActive.toggle()
            case 1:
                body.jurisdiction = Sample.places.randomElement(using: &generator) ?? "750000000"
                body.regions = body.jurisdiction.map { [$0] } ?? []
            case 2: body.isNational.toggle()
            case 3: body.focusAreas = Sample.someAreas(&generator)
            case 4: body.activePartnerships += 1
            default:
                if present.contains(changed) {
                    kept.removeOrganization(body.id)
                    present.remove(changed)
                    continue
                }
                present.insert(changed)
            }
            bodies[changed] = body
            if present.contains(changed) { kept.upsert(IndexedOrganization(profile: body)) }
            var fresh = index([owner], projects)
            for position in bodies.indices where present.contains(position) { fresh.upsert(IndexedOrganization(profile: bodies[position])) }
            let project = projects[step % projects.count]
            #expect(
                kept.governmentBodies(for: project, owner: owner, limit: 12).map(\.id) == fresh.governmentBodies(for: project, owner: owner, limit: 12).map(\.id),
                "step \(step)"
            )
            // And they are the active bodies covering the project, by KATO's own rule.
            let covering = Set(bodies.indices.filter { position in
                let body = bodies[position]
                return present.contains(position) && body.isActive
                    && (body.isNational || body.jurisdiction.map { jurisdiction in project.regions.contains { KATO.covers(jurisdiction, $0) } } ?? false)
            }.map { bodies[$0].id })
            #expect(Set(kept.governmentBodies(for: project, owner: owner, limit: 100).map(\.id)) == covering, "step \(step)")
            let asker = bodies[Int.random(in: 0..<bodies.count, using: &generator)]
            #expect(
                kept.projects(forGovernment: asker, taxonomy: Sample.taxonomy, limit: 10).map(\.profile.id)
                    == fresh.projects(forGovernment: asker, taxonomy: Sample.taxonomy, limit: 10).map(\.profile.id),
                "step \(step)"
            )
        }
    }

    @Test func theBestSlotsAreThoseAFullSortPutsFirst() {
        var generator = SplitMix(state: 3)
        for _ in 0..<200 {
            let entries = (0..<Int.random(in: 0...300, using: &generator)).map { slot in
                // Few distinct scores, so ties are common and must fall back to the id.
                (score: Double(Int.random(in: 0...20, using: &generator)) / 4, id: UUIDKey(Sample.id(&generator)), slot: Int32(slot))
            }
            let capacity = Int.random(in: 0...50, using: &generator)
            var top = TopSlots(capacity: capacity)
            for entry in entries { top.offer(score: entry.score, id: entry.id, slot: entry.slot) }
            let expected = entries.sorted { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }.prefix(capacity).map(\.slot)
            #expect(top.sorted().map(\.slot) == Array(expected))
        }
    }

    @Test func changesReplaceAndRemoveWhatTheIndexHolds() {
        var generator = SplitMix(state: 99)
        let owner = Sample.ngo(&generator)
        var sponsor = business(1, areas: ["education"], regions: ["190000000"])
        var project = ProjectProfile(id: UUID(), organizationID: owner.id, focusAreas: ["education"], regions: ["195230000"], fundingNeededKZT: 1_000_000)
        // The project arrives before its NGO: it is found once the NGO is there.
        var index = index([sponsor], [project])
        #expect(index.projects(forSponsor: sponsor, taxonomy: Sample.taxonomy, reach: .local, limit: 10).isEmpty)
        index.upsert(IndexedOrganization(profile: owner, signature: .empty))
        #expect(index.projects(forSponsor: sponsor, taxonomy: Sample.taxonomy, reach: .local, limit: 10).map(\.profile.id) == [project.id])
        #expect(index.openProjects(of: owner.id, limit: 10).map(\.profile.id) == [project.id])

        index.setDismissed([project.id], by: sponsor.id)
        #expect(index.projects(forSponsor: sponsor, taxonomy: Sample.taxonomy, reach: .local, limit: 10).isEmpty)
        index.setDismissed([], by: sponsor.id)

        sponsor.focusAreas = ["culture"]
        index.upsert(IndexedOrganization(profile: sponsor, signature: .empty))
        #expect(index.sponsors(for: project, owner: owner, scorer: scorer, reach: .local, limit: 10).isEmpty)

        var inactiveOwner = owner
        inactiveOwner.isActive = false
        index.upsert(IndexedOrganization(profile: inactiveOwner, signature: .empty))
        #expect(index.roundScope(jurisdiction: nil, focusAreas: []).projects.isEmpty)
        index.upsert(IndexedOrganization(profile: owner, signature: .empty))

        project.isOpen = false
        index.upsert(IndexedProject(profile: project, createdAt: Date(), signature: .empty))
        #expect(index.openProject(project.id) == nil && index.openProjects(of: owner.id, limit: 10).isEmpty)
        index.removeOrganization(sponsor.id)
        #expect(index.organization(sponsor.id) == nil && index.organizationCount == 1)
    }

    @Test func aRoundCoversTheJurisdictionAndSponsorsWithBudgetLeft() {
        var generator = SplitMix(state: 99)
        let owner = Sample.ngo(&generator)
        let inDistrict = ProjectProfile(id: UUID(), organizationID: owner.id, focusAreas: ["health"], regions: ["195230000"], fundingNeededKZT: 1)
        let inRegion = ProjectProfile(id: UUID(), organizationID: owner.id, focusAreas: ["education"], regions: ["190000000"], fundingNeededKZT: 1)
        let elsewhere = ProjectProfile(id: UUID(), organizationID: owner.id, focusAreas: ["health"], regions: ["750000000"], fundingNeededKZT: 1)
        let local = business(1, areas: ["health"], regions: ["195230000"])
        let noBudget = business(2, areas: ["health"], regions: ["190000000"], budget: nil)
        let far = business(3, areas: ["health"], regions: ["750000000"])
        let index = index([owner, local, noBudget, far], [inDistrict, inRegion, elsewhere])

        let district = index.roundScope(jurisdiction: "195200000", focusAreas: [])
        #expect(district.projects.map(\.project.id) == [inDistrict.id])
        // Sponsors anywhere in the district's region may fund it.
        #expect(district.sponsors.map(\.id) == [local.id])
        let region = index.roundScope(jurisdiction: "190000000", focusAreas: ["health"])
        #expect(region.projects.map(\.project.id) == [inDistrict.id])
        let national = index.roundScope(jurisdiction: nil, focusAreas: [])
        #expect(Set(national.projects.map(\.project.id)) == [inDistrict.id, inRegion.id, elsewhere.id])
        #expect(national.projects.map(\.project.id) == national.projects.map(\.project.id).sorted { UUIDKey($0) < UUIDKey($1) })
        #expect(Set(national.sponsors.map(\.id)) == [local.id, far.id])
        // Named sponsors are the only ones, wherever they work; one without budget stays out.
        let named = index.roundScope(jurisdiction: "190000000", focusAreas: [], namedSponsors: [far.id, noBudget.id])
        #expect(named.sponsors.map(\.id) == [far.id])
        #expect(Set(named.projects.map(\.project.id)) == [inDistrict.id, inRegion.id], "naming sponsors does not change the projects")
    }
}
