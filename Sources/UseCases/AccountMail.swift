import Domain
import Foundation
import Storage

/// The messages accounts send, in the recipient's language.
enum AccountMail {
    static func roleName(_ role: MembershipRole, _ language: Language) -> String {
        switch (role, language) {
        case (.owner, .kk): "иесі"
        case (.member, .kk): "мүшесі"
        case (.viewer, .kk): "бақылаушысы"
        case (.owner, .ru): "владелец"
        case (.member, .ru): "участник"
        case (.viewer, .ru): "наблюдатель"
        case (.owner, .en): "owner"
        case (.member, .en): "member"
        case (.viewer, .en): "viewer"
        }
    }

    static func invitation(
        to email: String, organization: String, role: MembershipRole, inviter: String, link: String, days: Int, language: Language
    ) -> OutboxMail {
        let role = roleName(role, language)
        switch language {
        case .kk:
            return OutboxMail(
                recipient: email,
                subject: "ASAR: «\(organization)» ұйымына шақыру",
                body: """
                Сәлеметсіз бе!

                \(inviter) сізді ASAR платформасында «\(organization)» ұйымының \(role) ретінде қосылуға шақырады.

                Шақыруды қабылдау үшін мына сілтемені ашыңыз (\(days) күн жарамды):
                \(link)

                Егер сіз бұл хатты күтпеген болсаңыз, оны елемей-ақ қойыңыз.

                ASAR
                """
            )
        case .ru:
            return OutboxMail(
                recipient: email,
                subject: "ASAR: приглашение в «\(organization)»",
                body: """
                Здравствуйте!

                \(inviter) приглашает вас в организацию «\(organization)» на платформе ASAR (роль: \(role)).

                Чтобы принять приглашение, откройте ссылку (действует \(days) дн.):
                \(link)

                Если вы не ждали этого письма, просто не отвечайте на него.

                ASAR
                """
            )
        case .en:
            return OutboxMail(
                recipient: email,
                subject: "ASAR: invitation to join \(organization)",
                body: """
                Hello,

                \(inviter) invites you to join \(organization) on ASAR as a \(role).

                To accept, open this link (valid for \(days) days):
                \(link)

                If you did not expect this message, you can ignore it.

                ASAR
                """
            )
        }
    }

    static func passwordReset(to email: String, name: String, link: String, language: Language) -> OutboxMail {
        switch language {
        case .kk:
            return OutboxMail(
                recipient: email,
                subject: "ASAR: құпиясөзді қалпына келтіру",
                body: """
                Сәлеметсіз бе, \(name)!

                ASAR-дағы тіркелгіңіздің құпиясөзін қалпына келтіру сұралды. Жаңа құпиясөз орнату үшін мына сілтемені ашыңыз (1 сағат жарамды):
                \(link)

                Егер мұны сіз сұрамаған болсаңыз, хатты елемеңіз: құпиясөзіңіз өзгермейді.

                ASAR
                """
            )
        case .ru:
            return OutboxMail(
                recipient: email,
                subject: "ASAR: сброс пароля",
                body: """
                Здравствуйте, \(name)!

                Для вашей учётной записи ASAR запрошен сброс пароля. Чтобы задать новый пароль, откройте ссылку (действует 1 час):
                \(link)

                Если вы не запрашивали сброс, не обращайте внимания на это письмо: пароль останется прежним.

                ASAR
                """
            )
        case .en:
            return OutboxMail(
                recipient: email,
                subject: "ASAR: reset your password",
                body: """
                Hello \(name),

                Someone asked to reset the password of your ASAR account. To choose a new password, open this link (valid for 1 hour):
                \(link)

                If it was not you, ignore this message: your password stays as it is.

                ASAR
                """
            )
        }
    }
}
