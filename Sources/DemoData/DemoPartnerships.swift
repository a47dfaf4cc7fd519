import Domain
import Foundation
import Postgres

/// Demo partnerships at every stage of the lifecycle, with the event trail, milestone reports,
/// disbursements and final evaluations each would have had: something true for every portal page.
struct DemoPartnership: Sendable {
    struct Event: Sendable {
        let action: String
        let from: PartnershipState?
        let to: PartnershipState
        let actor: UUID
        let comment: String?
        let at: Date
    }

    struct Report: Sendable {
        let id: UUID
        let kind: PartnershipReport.Kind
        let amountDisbursedKZT: Int64
        let beneficiariesReached: Int
        let text: String
        let rating: Int?
        let author: UUID
        let at: Date
        /// People reached so far: the value of the demo framework's one indicator.
        let reachedSoFar: Int
    }

    let id: UUID
    let projectID: UUID
    let ngoID: UUID
    let businessID: UUID
    let governmentBodyID: UUID
    let pledgeKZT: Int64
    let state: PartnershipState
    let consents: Set<PartyRole>
    let proposedBy: UUID
    let submittedAt: Date?
    let decidedAt: Date?
    let events: [Event]
    let reports: [Report]
    /// The results framework every demo partnership agreed: people reached, from none to the
    /// project's beneficiaries.
    let target: Int

    var activatedAt: Date? { events.first { $0.action == "activate" }?.at }

    var createdAt: Date { events.first?.at ?? SeedClock.demoPartnerships }
    var updatedAt: Date { max(events.last?.at ?? createdAt, reports.last?.at ?? createdAt) }
}

extension SeedClock {
    static let demoPartnerships = Date(timeIntervalSince1970: 1_740_787_200) // 2025-03-01 00:00 UTC
}

/// How a demo partnership's story goes.
enum DemoStory: CaseIterable {
    /// Proposed by the NGO; the sponsor has consented, the government body not yet.
    case proposed
    /// All three consented; waiting for the government body's review.
    case underReview
    /// Returned by the reviewer with comments, consented to again by the NGO.
    case returned
    case approved
    /// Under way, with milestone reports and disbursements.
    case active
    /// Done, with a final evaluation.
    case completed
    case rejected
    /// Cancelled by the sponsor after a first milestone.
    case cancelled
    case withdrawn

    /// The stories told, in order: the featured NGOs (first projects) get a completed, an active and an approved one.
    static let told: [DemoStory] = [
        .completed, .active, .approved,
        .completed, .completed, .completed, .completed, .completed,
        .active, .underReview, .proposed, .rejected, .active, .approved, .cancelled, .returned,
        .active, .withdrawn, .underReview, .active, .proposed, .approved, .rejected, .active,
        .cancelled, .underReview, .active, .proposed, .approved, .returned, .active, .withdrawn,
        .rejected, .underReview, .active, .approved, .cancelled, .proposed,
    ]
}

extension DemoData {
    /// The partnerships told by `DemoStory.told`, one project each, in a fixed order.
    static func partnerships(organizations: [SeedOrganization], projects: [SeedProject]) -> [DemoPartnership] {
        var random = SeedRandom(seed: seed, stream: 8, index: 0)
        // The featured NGOs (addFeaturedNGOs), by the email only they have; the first playable project of each goes first.
        let featured = ["info@kamkor.kz", "info@birlik.kz", "info@shapagat.kz"].compactMap { email in
            organizations.first { $0.fields.contactEmail == email }?.id
        }
        let playable = projects.filter { $0.fields.status == .open || $0.fields.status == .funded }
        let leading = featured.compactMap { ngo in playable.first { $0.fields.organizationID == ngo } }
        let chosen = leading + playable.filter { project in !leading.contains { $0.id == project.id } }
        let businesses = organizations.filter { $0.fields.kind == .business }
        let akimats = Dictionary(
            organizations.filter { $0.fields.kind == .governmentBody && $0.fields.level != .national }
                .map { ($0.fields.jurisdiction ?? "", $0) },
            uniquingKeysWith: { first, _ in first }
        )
        // What approved and active pledges already hold of each sponsor's budget.
        var committed: [UUID: Int64] = [:]
        var result: [DemoPartnership] = []
        for (story, project) in zip(DemoStory.told, chosen) {
            let top = KATO.topLevel(project.fields.regions[0])
            guard let akimat = akimats[top] else { continue }
            let holdsBudget = [.approved, .active].contains(story.finalState)
            let sponsors = businesses.filter { $0.fields.nationwide || $0.fields.regions.contains(top) }
            var picked: (SeedOrganization, Int64)?
            for offset in 0..<sponsors.count {
                let sponsor = sponsors[(random.below(sponsors.count) + offset) % sponsors.count]
                let room = (sponsor.fields.annualCSRBudgetKZT ?? 0) - (holdsBudget ? committed[sponsor.id, default: 0] : 0)
                let wanted = project.fields.fundingNeededKZT * Int64(random.pick([4, 6, 10])) / 10
                let pledge = min(wanted, room) / 50_000 * 50_000
                if pledge >= 500_000 {
                    picked = (sponsor, pledge)
                    break
                }
            }
            guard let (sponsor, pledge) = picked else { continue }
            if holdsBudget { committed[sponsor.id, default: 0] += pledge }
            let start = SeedClock.demoPartnerships.addingTimeInterval(TimeInterval(result.count * 9 * 86_400))
            result.append(tell(story, project: project, sponsor: sponsor.id, akimat: akimat.id, pledge: pledge, start: start, random: &random))
        }
        return result
    }

    private static func tell(
        _ story: DemoStory, project: SeedProject, sponsor: UUID, akimat: UUID, pledge: Int64, start: Date, random: inout SeedRandom
    ) -> DemoPartnership {
        let ngo = project.fields.organizationID
        let id = random.uuid()
        var events: [DemoPartnership.Event] = []
        var reports: [DemoPartnership.Report] = []
        var consents: Set<PartyRole> = []
        var submittedAt: Date?
        var decidedAt: Date?
        var state = PartnershipState.proposed

        let beneficiaries = max(1, project.fields.beneficiaries)
        func finish() -> DemoPartnership {
            DemoPartnership(
                id: id, projectID: project.id, ngoID: ngo, businessID: sponsor, governmentBodyID: akimat, pledgeKZT: pledge,
                state: state, consents: consents, proposedBy: ngo, submittedAt: submittedAt, decidedAt: decidedAt,
                events: events, reports: reports, target: beneficiaries
            )
        }
        func day(_ days: Int) -> Date { start.addingTimeInterval(TimeInterval(days * 86_400 + random.int(in: 9 * 3600...17 * 3600))) }
        func move(_ action: String, to next: PartnershipState, by actor: UUID, on date: Date, comment: String? = nil) {
            events.append(.init(action: action, from: action == "propose" ? nil : state, to: next, actor: actor, comment: comment, at: date))
            state = next
        }
        var disbursed: Int64 = 0
        func milestone(_ number: Int, share: Int64, on date: Date) {
            let amount = pledge * share / 100
            disbursed += amount
            let reached = beneficiaries * number / 4
            reports.append(.init(
                id: random.uuid(), kind: .milestone, amountDisbursedKZT: amount, beneficiariesReached: reached,
                text: random.pick(milestoneTexts)(number, reached), rating: nil, author: ngo, at: date, reachedSoFar: reached
            ))
            events.append(.init(action: "report", from: .active, to: .active, actor: ngo, comment: nil, at: date))
        }

        move("propose", to: .proposed, by: ngo, on: day(0))
        consents = [.ngo]
        move("consent", to: .proposed, by: sponsor, on: day(2))
        consents.insert(.business)
        if story == .proposed {
            return finish()
        }
        if story == .withdrawn {
            move("withdraw", to: .withdrawn, by: ngo, on: day(5), comment: "Проект перенесён на следующий год, заявку отзываем.")
            return finish()
        }
        move("consent", to: .underReview, by: akimat, on: day(4))
        consents.insert(.governmentBody)
        submittedAt = events.last?.at
        switch story {
        case .underReview:
            return finish()
        case .returned:
            move("return", to: .proposed, by: akimat, on: day(10),
                 comment: "Уточните смету: расходы на аренду помещения превышают средние по району.")
            consents = [.ngo]
            move("consent", to: .proposed, by: ngo, on: day(14))
            return finish()
        case .rejected:
            move("reject", to: .rejected, by: akimat, on: day(11),
                 comment: "Аналогичная программа уже финансируется из местного бюджета в этом районе.")
            decidedAt = events.last?.at
            return finish()
        default:
            break
        }
        move("approve", to: .approved, by: akimat, on: day(11))
        decidedAt = events.last?.at
        if story == .approved { return finish() }
        move("activate", to: .active, by: sponsor, on: day(16))
        milestone(1, share: 25, on: day(76))
        switch story {
        case .cancelled:
            move("cancel", to: .cancelled, by: sponsor, on: day(100),
                 comment: "Спонсор пересмотрел бюджет на социальные проекты; выплаченная часть остаётся у НКО.")
            return finish()
        case .active:
            milestone(2, share: 25, on: day(136))
            return finish()
        default:
            break
        }
        milestone(2, share: 25, on: day(136))
        milestone(3, share: 25, on: day(196))
        let rest = pledge - disbursed
        let rating = random.pick([4, 5, 5])
        reports.append(.init(
            id: random.uuid(), kind: .final, amountDisbursedKZT: rest, beneficiariesReached: beneficiaries,
            text: "Проект завершён: охвачено \(beneficiaries) чел., все средства израсходованы по смете. "
                + "Итоговый отчёт и фотоотчёт переданы спонсору и акимату.",
            rating: rating, author: ngo, at: day(290), reachedSoFar: beneficiaries
        ))
        move("complete", to: .completed, by: ngo, on: day(290))
        return finish()

    }

    private static let milestoneTexts: [@Sendable (Int, Int) -> String] = [
        { number, reached in "Этап \(number): проведены занятия и консультации, помощь получили \(reached) чел. Закуплено оборудование по смете." },
        { number, reached in "\(number)-кезең: \(reached) адамға көмек көрсетілді, жоспарланған іс-шаралар толық өткізілді." },
        { number, reached in "Milestone \(number): \(reached) people reached; volunteers trained and the venue equipped as planned." },
    ]
}

extension DemoStory {
    var finalState: PartnershipState {
        switch self {
        case .proposed, .returned: .proposed
        case .underReview: .underReview
        case .approved: .approved
        case .active: .active
        case .completed: .completed
        case .rejected: .rejected
        case .cancelled: .cancelled
        case .withdrawn: .withdrawn
        }
    }
}

enum DemoPartnershipLoader {
    /// Inserts the partnerships, then every event in time order (event ids follow commit order), then reports.
    static func insert(_ partnerships: [DemoPartnership], on connection: Connection) throws -> Int {
        for p in partnerships {
            try connection.query(
                """
                INSERT INTO partnerships (id, project_id, ngo_id, business_id, government_body_id, pledge_kzt, state,
                    ngo_consent, business_consent, government_consent, proposed_by, version, submitted_at, decided_at,
                    created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
                """,
                [p.id, p.projectID, p.ngoID, p.businessID, p.governmentBodyID, p.pledgeKZT, p.state.rawValue,
                 p.consents.contains(.ngo), p.consents.contains(.business), p.consents.contains(.governmentBody),
                 p.proposedBy, p.events.count, p.submittedAt, p.decidedAt, p.createdAt, p.updatedAt]
            )
            try connection.query(
                """
                UPDATE partnerships SET activated_at = $2 WHERE id = $1
                """,
                [p.id, p.activatedAt]
            )
            try connection.query(
                """
                INSERT INTO partnership_indicators (partnership_id, position, name, unit, baseline, target)
                VALUES ($1, 1, 'Люди, получившие помощь', 'чел.', 0, $2)
                """,
                [p.id, Double(p.target)]
            )
        }
        let events = partnerships.flatMap { p in p.events.map { (p.id, $0) } }.sorted { $0.1.at < $1.1.at }
        for (id, event) in events {
            try connection.query(
                """
                INSERT INTO partnership_events (partnership_id, action, from_state, to_state, actor_organization_id, comment, at)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                """,
                [id, event.action, event.from?.rawValue, event.to.rawValue, event.actor, event.comment, event.at]
            )
        }
        for p in partnerships {
            for report in p.reports {
                try connection.query(
                    """
                    INSERT INTO partnership_reports (id, partnership_id, kind, amount_disbursed_kzt, beneficiaries_reached,
                        text, rating, author_organization_id, created_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                    """,
                    [report.id, p.id, report.kind.rawValue, report.amountDisbursedKZT, report.beneficiariesReached,
                     report.text, report.rating, report.author, report.at]
                )
                try connection.query(
                    "INSERT INTO partnership_report_values (report_id, position, actual) VALUES ($1, 1, $2)",
                    [report.id, Double(report.reachedSoFar)]
                )
            }
        }
        return partnerships.count
    }
}
