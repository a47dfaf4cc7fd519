import Domain
import Foundation
import UseCases

/// Words and views the portal pages share: measures, stages, roles, parties, dates.
extension Vocabulary {
    func measureName(_ measure: PortalMeasure) -> String {
        switch measure {
        case .openNeed: t("measure_open_need")
        case .fundingPlaced: t("measure_funding_placed")
        case .activePartnerships: t("measure_active_partnerships")
        case .ngos: t("measure_ngos")
        }
    }

    /// What the figure counts, in one sentence.
    func measureDescription(_ measure: PortalMeasure) -> String {
        switch measure {
        case .openNeed: t("measure_open_need_text")
        case .fundingPlaced: t("measure_funding_placed_text")
        case .activePartnerships: t("measure_active_partnerships_text")
        case .ngos: t("measure_ngos_text")
        }
    }

    /// A figure of `measure` for people: money with ₸, counts as numbers.
    func measureFigure(_ measure: PortalMeasure, _ value: Int64) -> String {
        switch measure {
        case .openNeed, .fundingPlaced: Format.money(value)
        case .activePartnerships, .ngos: Format.integer(value)
        }
    }

    func stageName(_ state: PartnershipState) -> String {
        switch state {
        case .proposed: t("stage_proposed")
        case .underReview: t("stage_under_review")
        case .approved: t("stage_approved")
        case .rejected: t("stage_rejected")
        case .active: t("stage_active")
        case .completed: t("stage_completed")
        case .cancelled: t("stage_cancelled")
        case .withdrawn: t("stage_withdrawn")
        }
    }

    /// The stages in the order a partnership goes through them.
    static let stageOrder: [PartnershipState] = [.proposed, .underReview, .approved, .active, .completed, .rejected, .withdrawn, .cancelled]

    func roleName(_ role: PartyRole) -> String {
        switch role {
        case .ngo: t("role_ngo")
        case .business: t("role_business")
        case .governmentBody: t("role_government_body")
        }
    }

    /// What a step of the trail did, from the event's action.
    func actionName(_ action: String) -> String {
        switch action {
        case "propose": t("timeline_propose")
        case "consent": t("timeline_consent")
        case "amend": t("timeline_amend")
        case "withdraw": t("timeline_withdraw")
        case "approve": t("timeline_approve")
        case "award": t("timeline_award")
        case "reject": t("timeline_reject")
        case "return": t("timeline_return")
        case "activate": t("timeline_activate")
        case "report": t("timeline_report")
        case "overdue": t("timeline_overdue")
        case "complete": t("timeline_complete")
        case "cancel": t("timeline_cancel")
        case "request_framework_change": t("timeline_framework_requested")
        case "accept_framework_change": t("timeline_framework_accepted")
        case "decline_framework_change": t("timeline_framework_declined")
        default: t("timeline_other")
        }
    }

    func actorKindName(_ kind: PortalActorKind) -> String {
        switch kind {
        case .ngo: kindName(.ngo)
        case .business: kindName(.business)
        case .governmentBody: kindName(.governmentBody)
        case .admin: t("timeline_actor_admin")
        case .platform: t("timeline_actor_platform")
        }
    }

    func reportKindName(_ kind: PartnershipReport.Kind) -> String {
        switch kind {
        case .milestone: t("report_milestone")
        case .final: t("report_final")
        }
    }

    /// A party of a partnership: its name (with `lang` when in another language) and profile link.
    func party(_ party: PortalParty, current: UUID? = nil) -> [String: Any] {
        [
            "id": party.id.lowercasedString,
            "name": text(party.name),
            "kind": kindName(party.kind),
            "isCurrent": party.id == current,
        ]
    }

    /// A date for `<time datetime="{{machine}}">{{text}}</time>`.
    func time(_ date: Date, withClock: Bool = false) -> [String: Any] {
        ["machine": PortalFormat.machineDate(date, withClock: withClock), "text": withClock ? Format.dateTime(date) : Format.date(date)]
    }

    /// A place a record names: a region, or a district with its region.
    func placeName(_ kato: String) -> String {
        guard let unit = snapshot.unit(kato) else { return kato }
        let name = unit.name.preferred(language)
        guard let parent = unit.parentKATO, let region = snapshot.unit(parent) else { return name }
        return "\(name) (\(region.name.preferred(language)))"
    }

    /// The region (top-level unit) a place belongs to: itself or its parent.
    func regionCode(of kato: String) -> String? {
        guard let unit = snapshot.unit(kato) else { return nil }
        return unit.parentKATO ?? unit.kato
    }

    /// The five figures of a place or focus area as table cells.
    func figureCells(_ figures: PortalFigures) -> [String: Any] {
        [
            "openProjects": Format.integer(figures.openProjects),
            "openNeed": Format.money(figures.openNeedKZT),
            "fundingPlaced": Format.money(figures.fundingPlacedKZT),
            "activePartnerships": Format.integer(figures.activePartnerships),
            "ngos": Format.integer(figures.ngos),
        ]
    }
}

enum PortalFormat {
    /// `datetime` values in Kazakhstan time (UTC+5), the same day `Format.date` shows.
    static func machineDate(_ date: Date, withClock: Bool = false) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = Format.timeZone
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let day = String(format: "%04d-%02d-%02d", p.year ?? 0, p.month ?? 0, p.day ?? 0)
        return withClock ? day + String(format: "T%02d:%02d+05:00", p.hour ?? 0, p.minute ?? 0) : day
    }

    /// An HTTP date (RFC 9110 IMF-fixdate), for Last-Modified.
    static func httpDate(_ date: Date) -> String {
        httpDateFormatter().string(from: date)
    }

    static func parseHTTPDate(_ text: String) -> Date? {
        httpDateFormatter().date(from: text)
    }

    private static func httpDateFormatter() -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter
    }

    /// 64-bit FNV-1a over bytes, for a download's ETag.
    static func fnv1a(_ data: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return String(hash, radix: 16)
    }

    /// ISO 8601 in UTC, as the open-data files write times.
    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
