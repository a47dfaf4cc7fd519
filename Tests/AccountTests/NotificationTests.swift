import Domain
import Foundation
import Logging
import Storage
import Testing
import TestSupport
@testable import UseCases

/// News that reaches people: every partnership event lands in the inbox of the other parties'
/// members in the same transaction, and goes out by mail at once or as a daily digest, through a
/// real SMTP server; an overdue report is announced once.
@Suite(.serialized) struct NotificationTests {
    struct People {
        let ngo: Person
        let sponsor: Person
        let reviewer: Person
        let ngoColleague: Person
    }

    /// Without `keepingMemberNews`, the owner's news of the colleague joining is dropped: the
    /// tests of partnership news count exactly what partnerships bring.
    static func people(_ world: AccountWorld, _ access: AccessWorld, keepingMemberNews: Bool = false) async throws -> People {
        let ngo = try await world.person("ngo@example.kz", in: [(access.ngo, .owner)], language: .ru)
        let colleague = try await world.person("colleague@example.kz", in: [(access.ngo, .member)])
        if !keepingMemberNews {
            try await world.pool.withConnection { connection in
                _ = try connection.query("DELETE FROM notifications WHERE kind = 'member_joined'")
            }
        }
        let sponsor = try await world.person("sponsor@example.kz", in: [(access.business, .owner)], language: .en)
        let reviewer = try await world.person("reviewer@example.kz", in: [(access.akimatInside, .member)])
        let repository = NotificationRepository(pool: world.pool)
        try await repository.setEmailFrequency(.daily, of: sponsor.id)
        try await repository.setEmailFrequency(.never, of: reviewer.id)
        return People(ngo: ngo, sponsor: sponsor, reviewer: reviewer, ngoColleague: colleague)
    }

    @Test func everyEventReachesTheOtherPartiesAndMailGoesOutAsEachPrefers() async throws {
        let sink = try SMTPSink()
        try await sink.start()
        defer { sink.stop() }
        try await TestDatabase.with { database in
            let world = AccountWorld(database: database, sink: sink)
            let access = try await AccessWorld.build(pool: database.pool)
            let people = try await Self.people(world, access)
            let notifications = NotificationRepository(pool: database.pool)
            let mailer = world.services.notificationMailer(logger: Logger(label: "asar.test.notifications"))
            let sponsorCaller = try #require(access.identities["business"])

            // The sponsor proposes: the NGO's people and the government body's hear of it; the
            // sponsor's own do not (they did it).
            let partnership = try await world.services.partnerships.propose(
                PartnershipDraft(projectID: try await access.openProject(), businessID: access.business, governmentBodyID: access.akimatInside, pledgeKZT: 1_000_000),
                by: sponsorCaller
            )
            #expect(try await notifications.inbox(of: people.ngo.id, limit: 10).map(\.kind) == ["propose"])
            #expect(try await notifications.inbox(of: people.ngoColleague.id, limit: 10).map(\.kind) == ["propose"])
            #expect(try await notifications.inbox(of: people.reviewer.id, limit: 10).map(\.kind) == ["propose"])
            #expect(try await notifications.inbox(of: people.sponsor.id, limit: 10).isEmpty)
            let news = try #require(try await notifications.inbox(of: people.ngo.id, limit: 10).first)
            #expect(news.needsAction && news.path == "/workspace/partnerships/\(partnership.id.lowercasedString)")

            // At once for the NGO's people; the reviewer wants none; the sponsor has nothing yet.
            let first = try await mailer.pass()
            #expect(first.immediate == 2 && first.digests == 0)
            #expect(try await world.delivery.deliverDue() == 2)
            let mail = try await sink.message(to: "ngo@example.kz")
            #expect(mail.subject == "ASAR: Предложено партнёрство: нужно ваше согласие — Мастерская")
            #expect(mail.body.contains("https://asar.example.kz/workspace/partnerships/\(partnership.id.lowercasedString)"))
            #expect(try await mailer.pass().immediate == 0, "a notification is mailed once")

            // The government body and then the NGO consent: the sponsor's daily digest gathers both, and the
            // reviewer hears that the partnership now waits for review.
            _ = try await world.services.partnerships.perform(.consent, on: partnership.id, comment: nil, ifMatch: nil, by: try #require(access.identities["government_inside"]))
            _ = try await world.services.partnerships.perform(.consent, on: partnership.id, comment: nil, ifMatch: nil, by: try #require(access.identities["ngo"]))
            #expect(try await notifications.inbox(of: people.sponsor.id, limit: 10).map(\.kind) == ["consent", "consent"])
            let reviewerNews = try #require(try await notifications.inbox(of: people.reviewer.id, limit: 10).first)
            #expect(reviewerNews.kind == "consent" && reviewerNews.toState == .underReview)
            let second = try await mailer.pass()
            #expect(second.digests == 1)
            #expect(try await mailer.pass().digests == 0, "one digest a day")
            _ = try await world.delivery.deliverDue()
            let digest = try await sink.message(to: "sponsor@example.kz")
            #expect(digest.subject == "ASAR: today's news (2)")
            #expect(digest.body.contains("All three consented: it is with the government body for review"))
            #expect(try sink.messages().filter { $0.recipient.contains("reviewer@example.kz") }.isEmpty, "the reviewer asked for no mail")
            // Choosing mail later does not send what came while none was wanted.
            try await notifications.setEmailFrequency(.immediately, of: people.reviewer.id)
            #expect(try await mailer.pass().immediate == 0)
        }
    }

    @Test func anOverdueReportIsAnnouncedOncePerDueDate() async throws {
        try await TestDatabase.with { database in
            let world = AccountWorld(database: database)
            let access = try await AccessWorld.build(pool: database.pool)
            let people = try await Self.people(world, access)
            let id = try await access.partnership(in: .active)
            let mailer = world.services.notificationMailer(logger: Logger(label: "asar.test.notifications"))
            #expect(try await mailer.pass().overdue == 0)
            world.services.clock.advance(by: 105 * 86_400)
            #expect(try await mailer.pass().overdue == 1)
            #expect(try await mailer.pass().overdue == 0, "announced once")
            let overdue = try await NotificationRepository(pool: database.pool).inbox(of: people.ngo.id, limit: 20).filter { $0.kind == "overdue" }
            #expect(overdue.map(\.partnershipID) == [id])
            // The government body monitors it: told, with nothing asked of it.
            let monitoring = try await NotificationRepository(pool: database.pool).inbox(of: people.reviewer.id, limit: 20).filter { $0.kind == "overdue" }
            #expect(monitoring.map(\.partnershipID) == [id] && monitoring.allSatisfy { !$0.needsAction })
        }
    }

    @Test func aReportComingDueIsAnnouncedAWeekAheadToTheNGOOnly() async throws {
        try await TestDatabase.with { database in
            let world = AccountWorld(database: database)
            let access = try await AccessWorld.build(pool: database.pool)
            let people = try await Self.people(world, access)
            let id = try await access.partnership(in: .active)
            let mailer = world.services.notificationMailer(logger: Logger(label: "asar.test.notifications"))
            #expect(try await mailer.pass().dueSoon == 0, "90 days ahead is not soon")
            world.services.clock.advance(by: 84 * 86_400)
            #expect(try await mailer.pass().dueSoon == 1)
            #expect(try await mailer.pass().dueSoon == 0, "announced once")
            let repository = NotificationRepository(pool: database.pool)
            let due = try await repository.inbox(of: people.ngo.id, limit: 20).filter { $0.kind == "report_due" }
            #expect(due.map(\.partnershipID) == [id])
            #expect(due.first?.needsAction == true)
            #expect(try await repository.inbox(of: people.sponsor.id, limit: 20).allSatisfy { $0.kind != "report_due" })
            // Once the report is in, the reminder asks nothing more.
            _ = try await world.services.partnerships.report(
                id, ReportDraft(amountDisbursedKZT: 0, beneficiariesReached: 1, text: "Week one"), ifMatch: nil, by: try #require(access.identities["ngo"])
            )
            #expect(try await repository.inbox(of: people.ngo.id, limit: 20).first { $0.kind == "report_due" }?.needsAction == false)
            // Past the due date it is overdue, not coming due.
            world.services.clock.advance(by: 21 * 86_400)
            let late = try await mailer.pass()
            #expect(late.dueSoon == 0 && late.overdue == 1)
        }
    }

    @Test func ownersHearWhoJoinedAndAPersonWithAnAccountHearsOfAnInvitation() async throws {
        try await TestDatabase.with { database in
            let world = AccountWorld(database: database)
            let access = try await AccessWorld.build(pool: database.pool)
            let people = try await Self.people(world, access, keepingMemberNews: true)
            let repository = NotificationRepository(pool: database.pool)
            // The colleague joined after the owner: the owner hears who, in which role; the colleague, a member, hears nothing of it.
            let joined = try #require(try await repository.inbox(of: people.ngo.id, limit: 10).first { $0.kind == "member_joined" })
            #expect(joined.partnershipID == nil && joined.role == .member && joined.aboutPersonName == people.ngoColleague.displayName)
            #expect(joined.path == "/organizations/\(access.ngo.lowercasedString)/members")
            #expect(NotificationMail.subject(joined, .en).contains(people.ngoColleague.displayName))
            #expect(try await repository.inbox(of: people.ngoColleague.id, limit: 10).isEmpty)

            // The sponsor's owner is invited into the NGO too: an inbox item, no second mail.
            let owner = try #require(try await world.accounts.session(try await world.signedIn("ngo@example.kz")))
            try await world.accounts.invite(email: "SPONSOR@example.kz", role: .viewer, to: access.ngo, by: owner)
            let invited = try #require(try await repository.inbox(of: people.sponsor.id, limit: 10).first { $0.kind == "member_invited" })
            #expect(invited.role == .viewer && invited.path == "/account" && !invited.needsAction)
            #expect(NotificationMail.headline(invited, .en).contains("invited"))
            let mailer = world.services.notificationMailer(logger: Logger(label: "asar.test.notifications"))
            _ = try await mailer.pass(checkingOverdue: false)
            let unmailed = try await database.pool.withConnection { connection in
                try connection.query("SELECT count(*)::int FROM notifications WHERE kind = 'member_invited' AND emailed_at IS NULL").rows[0].decode(Int.self, at: 0)
            }
            #expect(unmailed == 0, "the invitation's own mail told them")
        }
    }

    /// A digest goes out once a day from the morning hour in Kazakhstan (UTC+5), however the news
    /// came in: none before 08:00, one at 08:00, none again that day, the next the next morning.
    @Test func theDailyDigestGoesOutOnceAMorning() async throws {
        try await TestDatabase.with { database in
            let world = AccountWorld(database: database)
            let access = try await AccessWorld.build(pool: database.pool)
            // The sponsor's owner wants a daily digest.
            _ = try await Self.people(world, access)
            let notifications = NotificationRepository(pool: database.pool)
            let partnership = try await world.services.partnerships.propose(
                PartnershipDraft(projectID: try await access.openProject(), businessID: access.business, governmentBodyID: access.akimatInside, pledgeKZT: 1_000_000),
                by: try #require(access.identities["business"])
            )
            _ = try await world.services.partnerships.perform(.consent, on: partnership.id, comment: nil, ifMatch: nil, by: try #require(access.identities["government_inside"]))
            let compose: @Sendable (String, Language, [InboxNotification]) -> OutboxMail = { email, language, news in
                NotificationMail.digest(to: email, language: language, news: news, publicURL: "https://asar.example.kz")
            }
            func at(_ text: String) throws -> Date { try #require(ISO8601DateFormatter().date(from: text)) }
            #expect(try await notifications.mailDigests(now: try at("2026-12-03T02:59:00Z"), hour: 8, compose: compose) == 0, "07:59 in Astana")
            #expect(try await notifications.mailDigests(now: try at("2026-12-03T03:00:00Z"), hour: 8, compose: compose) == 1, "08:00 in Astana")
            _ = try await world.services.partnerships.perform(.consent, on: partnership.id, comment: nil, ifMatch: nil, by: try #require(access.identities["ngo"]))
            #expect(try await notifications.mailDigests(now: try at("2026-12-03T15:00:00Z"), hour: 8, compose: compose) == 0, "once a day")
            #expect(try await notifications.mailDigests(now: try at("2026-12-04T03:01:00Z"), hour: 8, compose: compose) == 1, "the next morning")
        }
    }
}
