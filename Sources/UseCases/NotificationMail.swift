import Domain
import Foundation
import Storage

/// What a notification says, in the reader's language: one sentence the inbox shows and mail
/// carries, the same words in both.
public enum NotificationMail {
    /// What happened, and what the reader is asked to do.
    public static func headline(_ notification: InboxNotification, _ language: Language) -> String {
        let key: String
        switch notification.kind {
        case "propose": key = "propose"
        case "amend": key = "amend"
        case "consent": key = notification.toState == .underReview ? (notification.asGovernmentBody ? "review_waiting" : "consented_all") : "consent"
        case "withdraw": key = "withdraw"
        case "approve": key = "approve"
        case "award": key = "award"
        case "reject": key = "reject"
        case "return": key = "return"
        case "activate": key = "activate"
        case "report": key = "report"
        case "complete": key = "complete"
        case "cancel": key = "cancel"
        case "overdue": key = "overdue"
        case "report_due": key = "report_due"
        case "member_joined": key = "member_joined"
        case "member_invited": key = "member_invited"
        case "request_framework_change": key = notification.asGovernmentBody ? "framework_review" : "framework_requested"
        case "accept_framework_change": key = "framework_accepted"
        case "decline_framework_change": key = "framework_declined"
        default: key = "other"
        }
        return sentences[key]?[language] ?? sentences["other"]![language]!
    }

    private static let sentences: [String: [Language: String]] = [
        "propose": [.en: "A partnership is proposed: your consent is asked for", .ru: "Предложено партнёрство: нужно ваше согласие", .kk: "Серіктестік ұсынылды: сіздің келісіміңіз қажет"],
        "amend": [.en: "The terms changed: consent again", .ru: "Условия изменены: подтвердите согласие снова", .kk: "Шарттар өзгерді: келісімді қайта растаңыз"],
        "consent": [.en: "A party consented", .ru: "Сторона дала согласие", .kk: "Тарап келісім берді"],
        "consented_all": [.en: "All three consented: it is with the government body for review", .ru: "Все три стороны согласны: партнёрство на рассмотрении госоргана", .kk: "Үш тарап та келісті: серіктестік мемлекеттік органның қарауында"],
        "review_waiting": [.en: "A partnership waits for your review", .ru: "Партнёрство ждёт вашего рассмотрения", .kk: "Серіктестік сіздің қарауыңызды күтуде"],
        "withdraw": [.en: "The proposal was withdrawn", .ru: "Предложение отозвано", .kk: "Ұсыныс кері қайтарылды"],
        "approve": [.en: "Approved: the work can start", .ru: "Одобрено: можно начинать работу", .kk: "Мақұлданды: жұмысты бастауға болады"],
        "award": [.en: "Funded in a call for proposals: the work can start", .ru: "Проект получил грант по конкурсу: можно начинать работу", .kk: "Жоба конкурс бойынша грант алды: жұмысты бастауға болады"],
        "reject": [.en: "Rejected by the government body", .ru: "Отклонено госорганом", .kk: "Мемлекеттік орган қабылдамады"],
        "return": [.en: "Returned with comments: change the terms or consent again", .ru: "Возвращено с замечаниями: измените условия или подтвердите согласие", .kk: "Ескертулермен қайтарылды: шарттарды өзгертіңіз немесе келісімді растаңыз"],
        "activate": [.en: "The work has started", .ru: "Работа началась", .kk: "Жұмыс басталды"],
        "report": [.en: "A milestone report was filed", .ru: "Сдан отчёт об этапе", .kk: "Кезең есебі тапсырылды"],
        "complete": [.en: "Completed, with the final evaluation", .ru: "Завершено, итоговая оценка сдана", .kk: "Аяқталды, қорытынды бағалау тапсырылды"],
        "cancel": [.en: "The partnership was cancelled", .ru: "Партнёрство отменено", .kk: "Серіктестік тоқтатылды"],
        "overdue": [.en: "A report is overdue", .ru: "Отчёт просрочен", .kk: "Есеп кешіктірілді"],
        "report_due": [.en: "A report is due within a week", .ru: "Срок отчёта — в течение недели", .kk: "Есеп бір апта ішінде тапсырылуы тиіс"],
        "framework_review": [.en: "A change to the results framework waits for your decision", .ru: "Изменение системы результатов ждёт вашего решения", .kk: "Нәтижелер жүйесінің өзгерісі сіздің шешіміңізді күтуде"],
        "framework_requested": [.en: "A change to the results framework was asked for", .ru: "Запрошено изменение системы результатов", .kk: "Нәтижелер жүйесін өзгерту сұралды"],
        "framework_accepted": [.en: "The change to the results framework was accepted", .ru: "Изменение системы результатов принято", .kk: "Нәтижелер жүйесінің өзгерісі қабылданды"],
        "framework_declined": [.en: "The change to the results framework was declined", .ru: "Изменение системы результатов отклонено", .kk: "Нәтижелер жүйесінің өзгерісі қабылданбады"],
        "member_joined": [.en: "Someone joined your organization", .ru: "В вашу организацию вступил новый участник", .kk: "Ұйымыңызға жаңа қатысушы қосылды"],
        "member_invited": [.en: "You are invited to join an organization: the link is in your email", .ru: "Вас пригласили в организацию: ссылка в письме", .kk: "Сізді ұйымға шақырды: сілтеме хатта"],
        "other": [.en: "Something changed", .ru: "Есть изменения", .kk: "Өзгерістер бар"],
    ]

    /// What the news is about: the partnership's project, or for member news the organization
    /// (and who joined, in which role).
    public static func subject(_ notification: InboxNotification, _ language: Language) -> String {
        guard notification.isAboutMembers else { return notification.projectTitle.preferred(language) }
        let organization = notification.organizationName.preferred(language)
        let role = notification.role.map { roleNames[$0]?[language] ?? $0.rawValue } ?? ""
        if let person = notification.aboutPersonName { return "\(organization): \(person), \(role)" }
        return "\(organization), \(role)"
    }

    private static let roleNames: [MembershipRole: [Language: String]] = [
        .owner: [.en: "owner", .ru: "владелец", .kk: "иесі"],
        .member: [.en: "member", .ru: "участник", .kk: "қатысушы"],
        .viewer: [.en: "viewer", .ru: "наблюдатель", .kk: "бақылаушы"],
    ]

    static func link(_ notification: InboxNotification, publicURL: String) -> String {
        var base = publicURL
        while base.hasSuffix("/") { base.removeLast() }
        return base + notification.path
    }

    static func single(_ item: MailableNotification, publicURL: String) -> OutboxMail {
        let language = item.language
        // A title may hold line breaks, which a mail header cannot.
        let title = subject(item.notification, language).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let headline = headline(item.notification, language)
        let open: String = switch language {
        case .kk: "Ашу"
        case .ru: "Открыть"
        case .en: "Open it"
        }
        return OutboxMail(
            recipient: item.email,
            subject: "ASAR: \(headline) — \(title)",
            body: """
            \(headline).

            \(title)
            \(open): \(link(item.notification, publicURL: publicURL))

            \(footer(language))
            """
        )
    }

    static func digest(to email: String, language: Language, news: [InboxNotification], publicURL: String) -> OutboxMail {
        let subject: String = switch language {
        case .kk: "ASAR: бүгінгі жаңалықтар (\(news.count))"
        case .ru: "ASAR: новости за день (\(news.count))"
        case .en: "ASAR: today's news (\(news.count))"
        }
        let lines = news.map { notification in
            "• \(headline(notification, language)) — \(Self.subject(notification, language))\n  \(link(notification, publicURL: publicURL))"
        }
        return OutboxMail(recipient: email, subject: subject, body: lines.joined(separator: "\n\n") + "\n\n" + footer(language))
    }

    static func footer(_ language: Language) -> String {
        switch language {
        case .kk: "Хабарламалар жиілігін жеке кабинетте өзгертуге болады.\nASAR"
        case .ru: "Как часто присылать письма, можно изменить в личном кабинете.\nASAR"
        case .en: "Choose how often ASAR mails you on your account page.\nASAR"
        }
    }
}
