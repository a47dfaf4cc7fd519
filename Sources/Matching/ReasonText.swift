import Domain

/// Names of regions and focus areas in one language, for rendering reasons.
public struct Vocabulary: Sendable {
    public let regionNames: [String: String]
    public let focusAreaNames: [String: String]

    public init(regionNames: [String: String], focusAreaNames: [String: String]) {
        self.regionNames = regionNames
        self.focusAreaNames = focusAreaNames
    }
}

extension Reason {
    /// A short code for clients that render reasons themselves.
    public var code: String {
        switch self {
        case .sharedFocus: "shared_focus"
        case .relatedFocus: "related_focus"
        case .noFocusOverlap: "no_focus_overlap"
        case .sameDistrict: "same_district"
        case .sameRegion: "same_region"
        case .nationwidePartner: "nationwide_partner"
        case .differentRegion: "different_region"
        case .jurisdictionCovers: "jurisdiction_covers"
        case .nationalBody: "national_body"
        case .budgetCovers: "budget_covers"
        case .capacityFits: "capacity_fits"
        case .budgetUnknown: "budget_unknown"
        case .capacityUnknown: "capacity_unknown"
        case .trackRecord: "track_record"
        case .noTrackRecord: "no_track_record"
        case .textSimilar: "text_similar"
        case .fundingGap: "funding_gap"
        }
    }

    /// The reason as a sentence in `language`.
    public func text(_ language: Language, _ words: Vocabulary) -> String {
        func region(_ code: String) -> String { words.regionNames[code] ?? code }
        func areas(_ codes: [String]) -> String { codes.map { words.focusAreaNames[$0] ?? $0 }.joined(separator: ", ") }
        switch (self, language) {
        case (.sharedFocus(let codes), .en): return "Works on the same focus: \(areas(codes))"
        case (.sharedFocus(let codes), .ru): return "Общее направление: \(areas(codes))"
        case (.sharedFocus(let codes), .kk): return "Ортақ бағыт: \(areas(codes))"
        case (.relatedFocus(let area, let other, let goal), .en):
            return "\(areas([area])) and \(areas([other])) both serve UN Sustainable Development Goal \(goal)"
        case (.relatedFocus(let area, let other, let goal), .ru):
            return "«\(areas([area]))» и «\(areas([other]))» служат одной Цели устойчивого развития ООН (\(goal))"
        case (.relatedFocus(let area, let other, let goal), .kk):
            return "«\(areas([area]))» мен «\(areas([other]))» БҰҰ-ның бір Тұрақты даму мақсатына (\(goal)) қызмет етеді"
        case (.noFocusOverlap, .en): return "No common focus area"
        case (.noFocusOverlap, .ru): return "Нет общих направлений"
        case (.noFocusOverlap, .kk): return "Ортақ бағыт жоқ"
        case (.sameDistrict(let code), .en): return "Works in the same district as the project (\(region(code)))"
        case (.sameDistrict(let code), .ru): return "Работает в том же районе, что и проект (\(region(code)))"
        case (.sameDistrict(let code), .kk): return "Жобамен бір ауданда жұмыс істейді (\(region(code)))"
        case (.sameRegion(let code), .en): return "Works in \(region(code)) like this project"
        case (.sameRegion(let code), .ru): return "Работает там же, где проект: \(region(code))"
        case (.sameRegion(let code), .kk): return "Жоба сияқты \(region(code)) аумағында жұмыс істейді"
        case (.nationwidePartner, .en): return "Works nationwide"
        case (.nationwidePartner, .ru): return "Работает по всей стране"
        case (.nationwidePartner, .kk): return "Бүкіл ел бойынша жұмыс істейді"
        case (.differentRegion, .en): return "Works in other regions"
        case (.differentRegion, .ru): return "Работает в других регионах"
        case (.differentRegion, .kk): return "Басқа өңірлерде жұмыс істейді"
        case (.jurisdictionCovers(let code), .en): return "The project lies in its jurisdiction (\(region(code)))"
        case (.jurisdictionCovers(let code), .ru): return "Проект находится в его юрисдикции (\(region(code)))"
        case (.jurisdictionCovers(let code), .kk): return "Жоба оның құзыретіндегі аумақта (\(region(code)))"
        case (.nationalBody, .en): return "A national body, covering the whole country"
        case (.nationalBody, .ru): return "Республиканский орган, охватывает всю страну"
        case (.nationalBody, .kk): return "Бүкіл елді қамтитын республикалық орган"
        case (.budgetCovers(let percent), .en): return "Remaining budget covers \(percent)% of the need"
        case (.budgetCovers(let percent), .ru): return "Оставшийся бюджет покрывает \(percent)% потребности"
        case (.budgetCovers(let percent), .kk): return "Қалған бюджет қажеттіліктің \(percent)% өтейді"
        case (.capacityFits(let percent), .en): return "The project needs \(percent)% of the NGO's yearly budget"
        case (.capacityFits(let percent), .ru): return "Проекту нужно \(percent)% годового бюджета НКО"
        case (.capacityFits(let percent), .kk): return "Жобаға ҮЕҰ-ның жылдық бюджетінің \(percent)% қажет"
        case (.budgetUnknown, .en): return "The sponsor has not declared a CSR budget"
        case (.budgetUnknown, .ru): return "Спонсор не указал бюджет на социальные проекты"
        case (.budgetUnknown, .kk): return "Демеуші әлеуметтік жобаларға арналған бюджетін көрсетпеген"
        case (.capacityUnknown, .en): return "The NGO has not declared its yearly budget"
        case (.capacityUnknown, .ru): return "НКО не указала годовой бюджет"
        case (.capacityUnknown, .kk): return "ҮЕҰ жылдық бюджетін көрсетпеген"
        case (.trackRecord(let completed, let cancelled, let accepted, let received), _):
            return Self.trackRecordText(completed: completed, cancelled: cancelled, accepted: accepted, received: received, language)
        case (.noTrackRecord, .en): return "No completed partnerships yet"
        case (.noTrackRecord, .ru): return "Пока нет завершённых партнёрств"
        case (.noTrackRecord, .kk): return "Әзірге аяқталған серіктестік жоқ"
        case (.textSimilar, .en): return "Descriptions use similar words"
        case (.textSimilar, .ru): return "Описания близки по содержанию"
        case (.textSimilar, .kk): return "Сипаттамалары мазмұны жағынан ұқсас"
        case (.fundingGap(let percent), .en): return "\(percent)% of the need is still unfunded"
        case (.fundingGap(let percent), .ru): return "\(percent)% потребности ещё не профинансировано"
        case (.fundingGap(let percent), .kk): return "Қажеттіліктің \(percent)% әлі қаржыландырылмаған"
        }
    }

    /// Either half may be empty: an organization may have answered proposals and finished nothing yet.
    static func trackRecordText(completed: Int, cancelled: Int, accepted: Int, received: Int, _ language: Language) -> String {
        var parts: [String] = []
        if completed + cancelled > 0 {
            let finished: String = switch language {
            case .en: "\(completed) partnerships completed, \(cancelled) cancelled"
            case .ru: "Завершено партнёрств: \(completed), отменено: \(cancelled)"
            case .kk: "Аяқталған серіктестіктер: \(completed), тоқтатылғаны: \(cancelled)"
            }
            parts.append(finished)
        }
        if received > 0 {
            let answered: String = switch language {
            case .en: "accepted \(accepted) of \(received) proposals from others"
            case .ru: "принято предложений других сторон: \(accepted) из \(received)"
            case .kk: "басқалардан келген ұсыныстардың \(received) ішінен \(accepted) қабылданды"
            }
            parts.append(answered)
        }
        let sentence = parts.joined(separator: "; ")
        return sentence.prefix(1).uppercased() + sentence.dropFirst()
    }
}

/// The reasons a reader sees first: by how much their component added (weight × value), only
/// components that mostly hold (value at least 0.5), each subject once.
public enum TopReasons {
    public struct Entry: Sendable {
        public let weight: Double
        public let value: Double
        public let text: String
        /// What the sentence is about; of sentences about one subject only the weightiest shows.
        public let subject: String

        public init(weight: Double, value: Double, text: String, subject: String? = nil) {
            self.weight = weight
            self.value = value
            self.text = text
            self.subject = subject ?? text
        }
    }

    public static func pick(_ entries: [Entry], count: Int = 4) -> [String] {
        // Ties compare the sentences' bytes, which order NFC text (as the message catalogs are) as
        // String does, without the Unicode-aware comparison and hashing, which were a visible share
        // of a match list's time in a profile.
        let ranked = entries
            .filter { $0.value >= 0.5 }
            .map { (contribution: $0.weight * $0.value, text: $0.text, subject: $0.subject) }
            .sorted { a, b in
                a.contribution != b.contribution ? a.contribution > b.contribution : a.text.utf8.lexicographicallyPrecedes(b.text.utf8)
            }
        var reasons: [String] = []
        var subjects: [String] = []
        for reason in ranked where reasons.count < count && !subjects.contains(reason.subject) {
            reasons.append(reason.text)
            subjects.append(reason.subject)
        }
        return reasons
    }
}

extension Match {
    /// The top reasons of this match, as sentences in `language`.
    public func topReasons(_ language: Language, _ words: Vocabulary, count: Int = 4) -> [String] {
        TopReasons.pick(directions.flatMap { direction in
            direction.components.map { component in
                TopReasons.Entry(
                    weight: Weights.of(direction.direction).weight(of: component.component), value: component.value,
                    text: component.reason.text(language, words), subject: component.component.sharedByBothSides ? component.component.rawValue : nil
                )
            }
        }, count: count)
    }
}
