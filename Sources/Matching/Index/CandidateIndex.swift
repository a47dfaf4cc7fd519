import Domain
import Foundation

/// A UUID as two integers, ordered as PostgreSQL and the ranker order ids (byte by byte).
struct UUIDKey: Hashable, Comparable, Sendable {
    let high: UInt64
    let low: UInt64

    init(_ id: UUID) {
        let b = id.uuid
        high = UInt64(b.0) << 56 | UInt64(b.1) << 48 | UInt64(b.2) << 40 | UInt64(b.3) << 32
            | UInt64(b.4) << 24 | UInt64(b.5) << 16 | UInt64(b.6) << 8 | UInt64(b.7)
        low = UInt64(b.8) << 56 | UInt64(b.9) << 48 | UInt64(b.10) << 40 | UInt64(b.11) << 32
            | UInt64(b.12) << 24 | UInt64(b.13) << 16 | UInt64(b.14) << 8 | UInt64(b.15)
    }

    static func < (a: UUIDKey, b: UUIDKey) -> Bool {
        a.high != b.high ? a.high < b.high : a.low < b.low
    }
}

/// An organization as the index keeps it.
public struct IndexedOrganization: Sendable, Equatable {
    public var profile: PartnerProfile
    public var name: LocalizedText
    /// Its names and description, for the text relevance of the projects listed to it.
    public var signature: TextSignature
    /// The same texts, for its own relevance when it is listed for a project.
    public var words: TextWords

    public init(profile: PartnerProfile, name: LocalizedText = LocalizedText(), signature: TextSignature = .empty, words: TextWords = .empty) {
        self.profile = profile
        self.name = name
        self.signature = signature
        self.words = words
    }

    public var id: UUID { profile.id }
}

/// An open project as the index keeps it.
public struct IndexedProject: Sendable, Equatable {
    public var profile: ProjectProfile
    public var title: LocalizedText
    public var createdAt: Date
    /// Its titles and summaries, for the text relevance of the partners listed to it.
    public var signature: TextSignature
    /// The same texts, for its own relevance when it is listed for an organization.
    public var words: TextWords

    public init(
        profile: ProjectProfile, title: LocalizedText = LocalizedText(), createdAt: Date, signature: TextSignature = .empty, words: TextWords = .empty
    ) {
        self.profile = profile
        self.title = title
        self.createdAt = createdAt
        self.signature = signature
        self.words = words
    }
}

/// The match-relevant profile of every organization and open project, in memory, and candidate
/// generation over it: which few hundred of them are worth scoring in full for a question.
///
/// A value: readers keep the snapshot they took while the owner applies changes to its own copy.
/// Each profile has a compact scan record (focus areas and top-level regions as bits, flags,
/// remaining budget) in an array of its own, so a scan over 100,000 organizations reads a few
/// megabytes instead of the profiles themselves.
public struct CandidateIndex: Sendable {
    struct ScanRecord: Sendable {
        var id: UUIDKey
        var focus: FocusBits
        var regions: UInt64
        /// Businesses: budget not yet pledged, or -1 when none is declared. Projects: the unfunded need.
        var amount: Int64
        /// Projects: the owner's slot.
        var ownerSlot: Int32
        var flags: UInt8
        /// Organizations: the value of the track-record component. Projects: the unfunded share of the need.
        var track: Double

        static let present: UInt8 = 1
        static let active: UInt8 = 2
        static let nationwide: UInt8 = 4
        /// A sponsor with no budget or partnership slot left, which every sponsor list vetoes.
        static let exhausted: UInt8 = 8
        static let business: UInt8 = 16
        static let ngo: UInt8 = 32
        static let governmentBody: UInt8 = 64
        static let national: UInt8 = 128

        func has(_ flag: UInt8) -> Bool { flags & flag == flag }

        /// What every sponsor list asks of a business.
        var isEligibleSponsor: Bool {
            let required = Self.present | Self.active | Self.business
            return flags & required == required && flags & Self.exhausted == 0
        }
    }

    private var vocabulary = IndexVocabulary()
    private var organizations: [IndexedOrganization?] = []
    private var organizationScan: [ScanRecord] = []
    private var organizationSlots: [UUID: Int32] = [:]
    private var organizationDistricts: [[String]] = []
    /// Slots of businesses: a round's sponsors are read from them.
    private var businessSlots: [Int32] = []
    /// Active government bodies by the region of their jurisdiction, and the national ones.
    private var governmentLists = GovernmentLists()
    /// Eligible sponsors by top-level region, nationwide, and all: a list reads those near the
    /// subject first.
    private var sponsorLists = SponsorLists()
    /// Businesses' texts by word prefix.
    private var sponsorTerms = TermPostings()
    /// Open projects by top-level region.
    private var projectsByRegion = RegionPostings()
    private var projects: [IndexedProject?] = []
    private var projectScan: [ScanRecord] = []
    private var projectSlots: [UUID: Int32] = [:]
    private var projectDistricts: [[String]] = []
    private var openProjectsByOwner: [UUID: Set<UUID>] = [:]
    /// What each organization said it is not interested in: gone from its lists.
    private var dismissals: [UUID: Set<UUID>] = [:]
    /// The database's change counter this snapshot reflects.
    public var version: Int64

    public init(version: Int64 = 0) {
        self.version = version
    }

    public var organizationCount: Int { organizationSlots.count }
    public var openProjectCount: Int { projectSlots.count }

    // MARK: - Reading one

    public func organization(_ id: UUID) -> IndexedOrganization? {
        organizationSlots[id].flatMap { organizations[Int($0)] }
    }

    public func openProject(_ id: UUID) -> IndexedProject? {
        projectSlots[id].flatMap { projects[Int($0)] }
    }

    /// An NGO's open projects, newest first.
    public func openProjects(of owner: UUID, limit: Int) -> [IndexedProject] {
        let ids = openProjectsByOwner[owner] ?? []
        let found = ids.compactMap(openProject)
        return Array(found.sorted { ($0.createdAt, UUIDKey($0.profile.id)) > ($1.createdAt, UUIDKey($1.profile.id)) }.prefix(limit))
    }

    /// The candidates an organization dismissed.
    public func dismissed(by organization: UUID) -> Set<UUID> {
        dismissals[organization] ?? []
    }

    // MARK: - Changes

    /// Replaces what an organization dismissed.
    public mutating func setDismissed(_ candidates: Set<UUID>, by organization: UUID) {
        dismissals[organization] = candidates.isEmpty ? nil : candidates
    }

    /// Adds or replaces an organization.
    public mutating func upsert(_ organization: IndexedOrganization) {
        let profile = organization.profile
        var flags = ScanRecord.present
        if profile.isActive { flags |= ScanRecord.active }
        if profile.nationwide { flags |= ScanRecord.nationwide }
        if profile.isNational { flags |= ScanRecord.national }
        switch profile.kind {
        case .business: flags |= ScanRecord.business
        case .ngo: flags |= ScanRecord.ngo
        case .governmentBody: flags |= ScanRecord.governmentBody
        }
        if profile.remainingBudgetKZT == 0 { flags |= ScanRecord.exhausted }
        if let limit = profile.maxActivePartnerships, profile.activePartnerships >= limit { flags |= ScanRecord.exhausted }
        let places = profile.kind == .governmentBody ? profile.jurisdiction.map { [$0] } ?? [] : profile.regions
        let record = ScanRecord(
            id: UUIDKey(profile.id),
            focus: vocabulary.focusBits(profile.focusAreas + profile.seeking),
            regions: vocabulary.regionBits(places),
            amount: profile.remainingBudgetKZT ?? -1,
            ownerSlot: -1,
            flags: flags,
            track: MatchScorer.trackRecordValue(profile)
        )
        let districts = places.compactMap(KATO.district)
        func sponsorEntry(_ slot: Int32) -> SponsorEntry? {
            guard record.isEligibleSponsor else { return nil }
            return SponsorEntry(
                id: record.id, focus: record.focus, regions: record.regions, amount: record.amount, track: record.track,
                districts: districts.reduce(0) { $0 | DistrictFilter.bit($1) }, slot: slot, nationwide: record.has(ScanRecord.nationwide)
            )
        }
        func listGovernmentBody(_ slot: Int32) {
            let entry = record.flags & (ScanRecord.active | ScanRecord.governmentBody) == ScanRecord.active | ScanRecord.governmentBody
                ? GovernmentEntry(
                    id: record.id, focus: record.focus, jurisdiction: profile.jurisdiction, national: record.has(ScanRecord.national), slot: slot
                )
                : nil
            let regionBit = record.has(ScanRecord.national) || record.regions == 0 ? nil : record.regions.trailingZeroBitCount
            governmentLists.replace(slot: slot, with: entry, regionBit: regionBit)
        }
        if let slot = organizationSlots[profile.id] {
            let previous = organizationScan[Int(slot)]
            if previous.has(ScanRecord.business) || record.has(ScanRecord.business) {
                sponsorTerms.replace(
                    slot: slot, previous: previous.has(ScanRecord.business) ? organizations[Int(slot)]?.words : nil,
                    with: record.has(ScanRecord.business) ? organization.words : nil
                )
            }
            organizations[Int(slot)] = organization
            organizationScan[Int(slot)] = record
            organizationDistricts[Int(slot)] = districts
            sponsorLists.replace(slot: slot, with: sponsorEntry(slot))
            listGovernmentBody(slot)
            // A kind does not change once registered; if one ever did, scans check the flags.
            if record.has(ScanRecord.business), !previous.has(ScanRecord.business) { businessSlots.append(slot) }
        } else {
            let slot = Int32(organizations.count)
            organizationSlots[profile.id] = slot
            organizations.append(organization)
            organizationScan.append(record)
            organizationDistricts.append(districts)
            sponsorLists.replace(slot: slot, with: sponsorEntry(slot))
            listGovernmentBody(slot)
            if record.has(ScanRecord.business) {
                sponsorTerms.replace(slot: slot, previous: nil, with: organization.words)
                businessSlots.append(slot)
            }
            // Projects that arrived before their NGO (or outlived its removal) find it again.
            for project in openProjectsByOwner[profile.id] ?? [] {
                if let projectSlot = projectSlots[project] { projectScan[Int(projectSlot)].ownerSlot = slot }
            }
        }
    }

    /// Forgets an organization (deleted); its projects stay until they are removed themselves.
    public mutating func removeOrganization(_ id: UUID) {
        guard let slot = organizationSlots.removeValue(forKey: id) else { return }
        let previous = organizationScan[Int(slot)]
        sponsorLists.replace(slot: slot, with: nil)
        governmentLists.replace(slot: slot, with: nil, regionBit: nil)
        if previous.has(ScanRecord.business) { sponsorTerms.replace(slot: slot, previous: organizations[Int(slot)]?.words, with: nil) }
        organizations[Int(slot)] = nil
        organizationScan[Int(slot)].flags = 0
    }

    /// Adds or replaces an open project; one that is no longer open is removed instead.
    public mutating func upsert(_ project: IndexedProject) {
        guard project.profile.isOpen else { return removeProject(project.profile.id) }
        let profile = project.profile
        let record = ScanRecord(
            id: UUIDKey(profile.id),
            focus: vocabulary.focusBits(profile.focusAreas),
            regions: vocabulary.regionBits(profile.regions),
            amount: profile.fundingGapKZT,
            ownerSlot: organizationSlots[profile.organizationID] ?? -1,
            flags: ScanRecord.present,
            track: profile.fundingNeededKZT > 0 ? Double(profile.fundingGapKZT) / Double(profile.fundingNeededKZT) : 0
        )
        let districts = profile.regions.compactMap(KATO.district)
        if let slot = projectSlots[profile.id] {
            if let previous = projects[Int(slot)], previous.profile.organizationID != profile.organizationID {
                openProjectsByOwner[previous.profile.organizationID]?.remove(profile.id)
            }
            projectsByRegion.add(slot, gained: record.regions & ~projectScan[Int(slot)].regions, isNew: false)
            projects[Int(slot)] = project
            projectScan[Int(slot)] = record
            projectDistricts[Int(slot)] = districts
        } else {
            let slot = Int32(projects.count)
            projectSlots[profile.id] = slot
            projects.append(project)
            projectScan.append(record)
            projectDistricts.append(districts)
            projectsByRegion.add(slot, gained: record.regions, isNew: true)
        }
        openProjectsByOwner[profile.organizationID, default: []].insert(profile.id)
    }

    public mutating func removeProject(_ id: UUID) {
        guard let slot = projectSlots.removeValue(forKey: id) else { return }
        if let owner = projects[Int(slot)]?.profile.organizationID {
            openProjectsByOwner[owner]?.remove(id)
            if openProjectsByOwner[owner]?.isEmpty == true { openProjectsByOwner[owner] = nil }
        }
        projects[Int(slot)] = nil
        projectScan[Int(slot)].flags = 0
    }

    /// How many removed entries still take a slot; a reload compacts them.
    public var vacantSlots: Int {
        organizations.count - organizationSlots.count + projects.count - projectSlots.count
    }

    // MARK: - Candidates

    /// How far a list may look: only where the other side works, or anywhere to fill it.
    public enum Reach: Sendable, Equatable {
        case local
        case anywhere
    }

    /// Businesses for a project, best first by the sponsorship score itself (without exposure, which
    /// only the service knows): the best `limit` of those plausible by focus (the same areas, areas
    /// serving the same goals, or none named on either side) and not vetoed. Nearby ones (working in
    /// the project's regions, or nationwide) come first; with `reach` anywhere, those working
    /// elsewhere fill a list the nearby ones leave short, and then compete by score. Each
    /// candidate's score is computed from its sponsor entry and its text relevance from the term
    /// postings; nationwide ones are skipped when even their best possible score could not make it.
    public func sponsors(
        for project: ProjectProfile, owner: PartnerProfile, signature: TextSignature = .empty, scorer: MatchScorer, reach: Reach, limit: Int,
        excluding: Set<UUID> = []
    ) -> [IndexedOrganization] {
        scoredSponsors(for: project, owner: owner, signature: signature, scorer: scorer, reach: reach, limit: limit, excluding: excluding)
            .map(\.organization)
    }

    /// A candidate with the score the index ranked it by.
    public struct Scored: Sendable {
        public let organization: IndexedOrganization
        /// `MatchScorer.sponsorship(...).score` before the exposure discount: equal to it, bit for
        /// bit, while `fitsAreExact`.
        public let fit: Double
    }

    /// Whether the fits of `scoredSponsors` equal the scorer's scores: while the vocabulary gives
    /// every focus area and top-level region a bit of its own.
    public var fitsAreExact: Bool { vocabulary.givesEveryValueABit }

    /// `sponsors(for:...)` with their fits.
    public func scoredSponsors(
        for project: ProjectProfile, owner: PartnerProfile, signature: TextSignature = .empty, scorer: MatchScorer, reach: Reach, limit: Int,
        excluding: Set<UUID> = []
    ) -> [Scored] {
        // Every sponsor is vetoed then.
        guard owner.kind == .ngo, owner.isActive, project.isOpen else { return [] }
        let exact = vocabulary.knownFocusBits(project.focusAreas + owner.seeking)
        let query = Query(
            exact: exact,
            related: vocabulary.knownFocusBits(scorer.taxonomy.related(to: project.focusAreas + owner.seeking)).subtracting(exact),
            regions: vocabulary.knownRegionBits(project.regions),
            districts: project.regions.compactMap(KATO.district),
            namesNoArea: project.focusAreas.isEmpty && owner.seeking.isEmpty,
            reach: reach,
            excluding: excluding
        )
        let fit = SponsorFit(project: project, owner: owner, signature: signature, scorer: scorer, vocabulary: vocabulary)
        return sponsorTerms.withRelevance(to: signature, slots: organizations.count) { relevance in
            var top = TopSlots(capacity: limit)
            // A sponsor working in several of the project's regions is offered from the first of them only.
            forEachBit(of: query.regions) { bit in
                for entry in sponsorLists.inRegion(bit) where (entry.regions & query.regions).trailingZeroBitCount == bit {
                    offerSponsor(entry, sameRegion: true, query: query, fit: fit, relevance: relevance, top: &top)
                }
            }
            if top.admits(score: fit.ceiling(geography: SponsorFit.geography(sameRegion: false, sameDistrict: false, nationwide: true))) {
                for entry in sponsorLists.nationwide.entries where entry.regions & query.regions == 0 {
                    offerSponsor(entry, sameRegion: false, query: query, fit: fit, relevance: relevance, top: &top)
                }
            }
            // Those working elsewhere only fill a list the nearby ones leave short.
            if reach == .anywhere, !top.isFull {
                for entry in sponsorLists.all.entries where !entry.nationwide && entry.regions & query.regions == 0 {
                    offerSponsor(entry, sameRegion: false, query: query, fit: fit, relevance: relevance, top: &top)
                }
            }
            return top.sorted().compactMap { entry in organizations[Int(entry.slot)].map { Scored(organization: $0, fit: entry.score) } }
        }
    }

    /// What a scan for one subject compares every candidate with.
    struct Query {
        let exact: FocusBits
        let related: FocusBits
        let regions: UInt64
        let districts: [String]
        let districtFilter: UInt64
        let namesNoArea: Bool
        let reach: Reach
        let excludingKeys: Set<UUIDKey>

        init(exact: FocusBits, related: FocusBits, regions: UInt64, districts: [String], namesNoArea: Bool, reach: Reach, excluding: Set<UUID>) {
            self.exact = exact
            self.related = related
            self.regions = regions
            self.districts = districts
            districtFilter = districts.reduce(0) { $0 | DistrictFilter.bit($1) }
            self.namesNoArea = namesNoArea
            self.reach = reach
            excludingKeys = Set(excluding.map(UUIDKey.init))
        }

        /// The most focus points any candidate can get (see `focusPoints`).
        var focusCeiling: Double {
            exact.isEmpty ? 2 : 4 + Double(exact.sharedCount(with: exact))
        }
    }

    private func forEachBit(of bits: UInt64, _ body: (Int) -> Void) {
        var remaining = bits
        while remaining != 0 {
            body(remaining.trailingZeroBitCount)
            remaining &= remaining - 1
        }
    }

    @inline(__always)
    private func offerSponsor(
        _ entry: SponsorEntry, sameRegion: Bool, query: Query, fit: SponsorFit, relevance: Relevance, top: inout TopSlots
    ) {
        guard Self.focusPoints(entry.focus, exact: query.exact, related: query.related, subjectNamesNone: query.namesNoArea) != nil else { return }
        if query.reach == .local, !sameRegion, !entry.nationwide { return }
        let sameDistrict = sameRegion && entry.districts & query.districtFilter != 0
            && Self.shareDistrict(organizationDistricts[Int(entry.slot)], query.districts)
        let text = relevance(entry.slot)
        if let threshold = top.threshold, !fit.mightReach(
            threshold, sponsorAreas: entry.focus,
            geography: SponsorFit.geography(sameRegion: sameRegion, sameDistrict: sameDistrict, nationwide: entry.nationwide),
            remaining: entry.amount, track: entry.track, text: text
        ) { return }
        let score = fit.score(
            sponsorAreas: entry.focus, sameRegion: sameRegion, sameDistrict: sameDistrict, nationwide: entry.nationwide,
            remaining: entry.amount, track: entry.track, text: text
        )
        guard top.admits(score: score) else { return }
        if !query.excludingKeys.isEmpty, query.excludingKeys.contains(entry.id) { return }
        top.offer(score: score, id: entry.id, slot: entry.slot)
    }

    /// Government bodies whose jurisdiction covers the project, national ones included: those
    /// sharing the most of its areas first, then the closest. A body that shares no area still
    /// reviews projects in its territory, so it is offered too.
    public func governmentBodies(for project: ProjectProfile, owner: PartnerProfile, limit: Int, excluding: Set<UUID> = []) -> [IndexedOrganization] {
        let exact = vocabulary.knownFocusBits(project.focusAreas + owner.seeking)
        let places = project.regions.compactMap(GovernmentEntry.code)
        let excludingKeys = Set(excluding.map(UUIDKey.init))
        var top = TopSlots(capacity: limit)
        func offer(_ entry: GovernmentEntry) {
            let score = Double(entry.focus.sharedCount(with: exact)) * 4 + entry.closeness
            guard top.admits(score: score) else { return }
            if !excludingKeys.isEmpty, excludingKeys.contains(entry.id) { return }
            top.offer(score: score, id: entry.id, slot: entry.slot)
        }
        for entry in governmentLists.national.entries {
            offer(entry)
        }
        // A body's jurisdiction lies in one top-level region, so each is met once.
        forEachBit(of: vocabulary.knownRegionBits(project.regions)) { bit in
            for entry in governmentLists.inRegion(bit) where places.contains(where: entry.covers) {
                offer(entry)
            }
        }
        return top.sorted().compactMap { organizations[Int($0.slot)] }
    }

    /// Open projects worth scoring for a business: plausible by focus, near enough for `reach`
    /// (a nationwide sponsor is near everywhere), of an active NGO; the best `limit` by estimate.
    public func projects(
        forSponsor sponsor: PartnerProfile, taxonomy: FocusTaxonomy, reach: Reach, limit: Int, restriction: ProjectRestriction? = nil
    ) -> [IndexedProject] {
        let restriction = restriction?.isEmpty == false ? restriction : nil
        let interests = sponsor.focusAreas + sponsor.seeking
        let exact = vocabulary.knownFocusBits(interests)
        let query = Query(
            exact: exact,
            related: vocabulary.knownFocusBits(taxonomy.related(to: interests)).subtracting(exact),
            regions: vocabulary.knownRegionBits(sponsor.regions),
            districts: sponsor.regions.compactMap(KATO.district),
            namesNoArea: interests.isEmpty,
            reach: reach,
            excluding: dismissed(by: sponsor.id)
        )
        var top = TopSlots(capacity: limit)
        // Projects where the sponsor works first, then the rest while one could still get in.
        var visited: UInt64 = 0
        forEachBit(of: query.regions) { bit in
            for slot in projectsByRegion.slots(of: bit) {
                let regions = projectScan[Int(slot)].regions
                guard regions & (1 << UInt64(bit)) != 0, regions & visited == 0 else { continue }
                offerProject(Int(slot), query: query, sponsor: sponsor, restriction: restriction, top: &top)
            }
            visited |= 1 << UInt64(bit)
        }
        let elsewhere = query.focusCeiling + (sponsor.nationwide ? 1.5 : 0) + 1
        if reach == .anywhere || sponsor.nationwide, top.admits(score: elsewhere) {
            for slot in projectScan.indices where projectScan[slot].regions & query.regions == 0 {
                offerProject(slot, query: query, sponsor: sponsor, restriction: restriction, top: &top)
            }
        }
        return top.sorted().compactMap { projects[Int($0.slot)] }
    }

    @inline(__always)
    private func offerProject(_ slot: Int, query: Query, sponsor: PartnerProfile, restriction: ProjectRestriction?, top: inout TopSlots) {
        let record = projectScan[slot]
        guard record.has(ScanRecord.present) else { return }
        guard let focus = Self.focusPoints(record.focus, exact: query.exact, related: query.related, subjectNamesNone: query.namesNoArea) else { return }
        let sameRegion = record.regions & query.regions != 0
        if query.reach == .local, !sameRegion, !sponsor.nationwide { return }
        var estimate = focus + (sameRegion ? 2 : sponsor.nationwide ? 1.5 : 0)
        estimate += record.amount == 0 ? 1 : sponsor.remainingBudgetKZT.map { min(1, Double($0) / Double(record.amount)) } ?? 0.5
        // The owner's record is elsewhere in memory: read only for a project that could get in.
        guard top.admits(score: estimate + 1), ownerIsActive(record) else { return }
        if sameRegion, Self.shareDistrict(projectDistricts[slot], query.districts) { estimate += 1 }
        if !query.excludingKeys.isEmpty, query.excludingKeys.contains(record.id) { return }
        if let restriction, !(projects[slot].map { restriction.admits($0.profile) } ?? false) { return }
        top.offer(score: estimate, id: record.id, slot: Int32(slot))
    }

    /// Open projects in a government body's jurisdiction (anywhere for a national body), of an
    /// active NGO; the best `limit` by shared areas, then by how much of the need is unfunded.
    public func projects(
        forGovernment body: PartnerProfile, taxonomy: FocusTaxonomy, limit: Int, restriction: ProjectRestriction? = nil
    ) -> [IndexedProject] {
        let restriction = restriction?.isEmpty == false ? restriction : nil
        let excluding = Set(dismissed(by: body.id).map(UUIDKey.init))
        let interests = body.focusAreas + body.seeking
        let exact = vocabulary.knownFocusBits(interests)
        let related = vocabulary.knownFocusBits(taxonomy.related(to: interests)).subtracting(exact)
        let jurisdiction = body.isNational ? nil : body.jurisdiction
        guard body.isNational || jurisdiction != nil else { return [] }
        let regions = jurisdiction.map { vocabulary.knownRegionBits([$0]) }
        var top = TopSlots(capacity: limit)
        func offer(_ slot: Int) {
            let record = projectScan[slot]
            guard record.has(ScanRecord.present) else { return }
            if let regions, record.regions & regions == 0 { return }
            let focus = Self.focusPoints(record.focus, exact: exact, related: related, subjectNamesNone: interests.isEmpty) ?? 0
            let estimate = focus + record.track
            guard top.admits(score: estimate), ownerIsActive(record) else { return }
            if let jurisdiction, !(projects[slot]?.profile.regions.contains(where: { KATO.covers(jurisdiction, $0) }) ?? false) { return }
            if !excluding.isEmpty, excluding.contains(record.id) { return }
            if let restriction, !(projects[slot].map { restriction.admits($0.profile) } ?? false) { return }
            top.offer(score: estimate, id: record.id, slot: Int32(slot))
        }
        if let regions {
            // A jurisdiction lies in one top-level region: only the projects listed under it can be in it.
            forEachBit(of: regions) { bit in
                for slot in projectsByRegion.slots(of: bit) { offer(Int(slot)) }
            }
        } else {
            for slot in projectScan.indices { offer(slot) }
        }
        return top.sorted().compactMap { projects[Int($0.slot)] }
    }

    /// What a funding round covers: open projects of active NGOs in the jurisdiction (anywhere when
    /// nil) touching `focusAreas` (any when empty), and active sponsors with budget and partnership
    /// slots left: `namedSponsors` wherever they work when any are named, else those working there
    /// (or nationwide); both ordered by id.
    public func roundScope(
        jurisdiction: String?, focusAreas: [String], namedSponsors: Set<UUID> = []
    ) -> (projects: [(project: ProjectProfile, owner: PartnerProfile)], sponsors: [PartnerProfile]) {
        let focus = vocabulary.knownFocusBits(focusAreas)
        let regions = jurisdiction.map { vocabulary.knownRegionBits([$0]) }
        var inScope: [(project: ProjectProfile, owner: PartnerProfile)] = []
        for slot in projectScan.indices {
            let record = projectScan[slot]
            guard record.has(ScanRecord.present), ownerIsActive(record), let project = projects[slot]?.profile else { continue }
            if !focusAreas.isEmpty, record.focus.sharedCount(with: focus) == 0 || Set(project.focusAreas).isDisjoint(with: focusAreas) { continue }
            if let jurisdiction {
                guard let regions, record.regions & regions != 0, project.regions.contains(where: { KATO.covers(jurisdiction, $0) }) else { continue }
            }
            guard let owner = organizations[Int(record.ownerSlot)]?.profile else { continue }
            inScope.append((project, owner))
        }
        var sponsors: [PartnerProfile] = []
        let required = ScanRecord.present | ScanRecord.active | ScanRecord.business
        for businessSlot in businessSlots {
            let slot = Int(businessSlot)
            let record = organizationScan[slot]
            guard record.flags & required == required, record.flags & ScanRecord.exhausted == 0, record.amount > 0 else { continue }
            if namedSponsors.isEmpty, let regions, !record.has(ScanRecord.nationwide), record.regions & regions == 0 { continue }
            guard let profile = organizations[slot]?.profile else { continue }
            if namedSponsors.isEmpty || namedSponsors.contains(profile.id) { sponsors.append(profile) }
        }
        inScope.sort { UUIDKey($0.project.id) < UUIDKey($1.project.id) }
        sponsors.sort { UUIDKey($0.id) < UUIDKey($1.id) }
        return (inScope, sponsors)
    }

    // MARK: - Estimates

    /// 4 and one per area for shared areas, 2 for related ones only, 1 when one side names none;
    /// nil when neither: no such candidate is plausible.
    private static func focusPoints(_ focus: FocusBits, exact: FocusBits, related: FocusBits, subjectNamesNone: Bool) -> Double? {
        let shared = focus.sharedCount(with: exact)
        if shared > 0 { return 4 + Double(shared) }
        if focus.sharedCount(with: related) > 0 { return 2 }
        if focus.isEmpty || subjectNamesNone { return 1 }
        return nil
    }

    private static func shareDistrict(_ a: [String], _ b: [String]) -> Bool {
        a.contains(where: b.contains)
    }

    private func ownerIsActive(_ record: ScanRecord) -> Bool {
        record.ownerSlot >= 0 && organizationScan[Int(record.ownerSlot)].flags & (ScanRecord.present | ScanRecord.active) == ScanRecord.present | ScanRecord.active
    }
}
