import Foundation
import Matching
import Domain
import Storage
import UseCases

/// An organization as shown in a match list.
struct PartnerSummary: Encodable {
    let id: String
    let kind: String
    let name: LocalizedTextResource
    let nationwide: Bool
    let regions: [String]
    let focusAreas: [String]
    let jurisdiction: String?

    enum CodingKeys: String, CodingKey {
        case id, kind, name, nationwide, regions, jurisdiction
        case focusAreas = "focus_areas"
    }

    init(_ candidate: PartnerCandidate) {
        id = candidate.profile.id.lowercasedString
        kind = candidate.profile.kind.rawValue
        name = LocalizedTextResource(candidate.name)
        nationwide = candidate.profile.nationwide
        regions = candidate.profile.regions
        focusAreas = candidate.profile.focusAreas
        jurisdiction = candidate.profile.jurisdiction
    }
}

/// A project as shown in a match list, with its NGO.
struct ProjectSummary: Encodable {
    let id: String
    let title: LocalizedTextResource
    let regions: [String]
    let focusAreas: [String]
    let fundingNeededKzt: Int64
    let fundingGapKzt: Int64
    let organization: OrganizationName

    struct OrganizationName: Encodable {
        let id: String
        let name: LocalizedTextResource
    }

    enum CodingKeys: String, CodingKey {
        case id, title, regions, organization
        case focusAreas = "focus_areas"
        case fundingNeededKzt = "funding_needed_kzt"
        case fundingGapKzt = "funding_gap_kzt"
    }

    init(_ candidate: ProjectCandidate) {
        id = candidate.profile.id.lowercasedString
        title = LocalizedTextResource(candidate.title)
        regions = candidate.profile.regions
        focusAreas = candidate.profile.focusAreas
        fundingNeededKzt = candidate.profile.fundingNeededKZT
        fundingGapKzt = candidate.profile.fundingGapKZT
        organization = OrganizationName(id: candidate.owner.id.lowercasedString, name: LocalizedTextResource(candidate.ownerName))
    }
}

struct ReasonResource: Encodable {
    let component: String
    let direction: String
    let code: String
    let text: String
}

struct ComponentResource: Encodable {
    let component: String
    let value: Double
    let weight: Double
    let reason: ReasonResource
}

struct DirectionResource: Encodable {
    let direction: String
    let score: Double
    let components: [ComponentResource]
}

/// One ranked candidate with its score and explanation.
struct MatchItem: Encodable {
    let rank: Int
    let score: Double
    let organization: PartnerSummary?
    let project: ProjectSummary?
    let sponsor: PartnerSummary?
    let governmentBody: PartnerSummary?
    /// For an NGO's list: which of its projects the sponsor fits best.
    let forProject: ProjectSummary?
    let exposureFactor: Double
    let directions: [DirectionResource]
    /// The strongest reasons first, in the language asked for.
    let reasons: [String]

    enum CodingKeys: String, CodingKey {
        case rank, score, organization, project, sponsor, directions, reasons
        case governmentBody = "government_body"
        case forProject = "for_project"
        case exposureFactor = "exposure_factor"
    }
}

struct MatchList: Encodable {
    let language: String
    let items: [MatchItem]
    /// Why the list is empty when the subject itself cannot be matched (a project that is not open).
    let notice: String?
}

enum MatchRendering {
    static func items(_ ranked: [RankedMatch<MatchService.Subject>], language: Language, vocabulary: Vocabulary) -> [MatchItem] {
        ranked.enumerated().map { index, ranked in
            var organization: PartnerSummary?
            var project: ProjectSummary?
            var sponsor: PartnerSummary?
            var governmentBody: PartnerSummary?
            var forProject: ProjectSummary?
            switch ranked.item {
            case .partner(let partner): organization = PartnerSummary(partner)
            case .project(let candidate): project = ProjectSummary(candidate)
            case .triple(let business, let body):
                sponsor = PartnerSummary(business)
                governmentBody = PartnerSummary(body)
            case .sponsorForProject(let partner, let candidate):
                organization = PartnerSummary(partner)
                forProject = ProjectSummary(candidate)
            }
            let directions = ranked.match.directions.map { direction in
                DirectionResource(
                    direction: direction.direction.rawValue,
                    score: rounded(direction.value),
                    components: direction.components.map { component in
                        ComponentResource(
                            component: component.component.rawValue,
                            value: rounded(component.value),
                            weight: Weights.of(direction.direction).weight(of: component.component),
                            reason: ReasonResource(
                                component: component.component.rawValue, direction: direction.direction.rawValue,
                                code: component.reason.code, text: component.reason.text(language, vocabulary)
                            )
                        )
                    }
                )
            }
            return MatchItem(
                rank: index + 1, score: rounded(ranked.match.score),
                organization: organization, project: project, sponsor: sponsor, governmentBody: governmentBody,
                forProject: forProject, exposureFactor: rounded(ranked.match.exposureFactor),
                directions: directions, reasons: topReasons(directions)
            )
        }
    }

    /// Reasons ordered by how much their component added, each subject once (as `Match.topReasons`).
    static func topReasons(_ directions: [DirectionResource], count: Int = 4) -> [String] {
        TopReasons.pick(directions.flatMap(\.components).map {
            let shared = Component(rawValue: $0.component)?.sharedByBothSides ?? false
            return TopReasons.Entry(weight: $0.weight, value: $0.value, text: $0.reason.text, subject: shared ? $0.component : nil)
        }, count: count)
    }

    /// Scores and shares to four decimals: finer digits are noise to a reader.
    static func rounded(_ value: Double) -> Double { (value * 10_000).rounded() / 10_000 }
}

extension Language {
    /// The best of kk, ru and en by an `Accept-Language` header; Russian when none fits.
    static func negotiate(_ header: String?) -> Language {
        guard let header else { return .ru }
        var best: (language: Language, quality: Double)?
        for (position, part) in header.split(separator: ",").enumerated() {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let tag = pieces.first, let language = Language(rawValue: String(tag.prefix(2))),
                  tag.count == 2 || tag.dropFirst(2).hasPrefix("-") else { continue }
            let quality = pieces.dropFirst().compactMap { $0.hasPrefix("q=") ? Double($0.dropFirst(2)) : nil }.first ?? 1
            // Earlier entries win ties, as the header lists preferences in order.
            let adjusted = quality - Double(position) * 1e-6
            if quality > 0, adjusted > (best?.quality ?? -1) { best = (language, adjusted) }
        }
        return best?.language ?? .ru
    }
}

// MARK: - Written as bytes (see JSONBytes)

extension MatchList: JSONBytesWritable {
    func write(to json: inout JSONBytes) {
        json.beginObject()
        json.key("items")
        json.beginArray()
        for item in items { item.write(to: &json) }
        json.endArray()
        json.key("language")
        json.string(language)
        if let notice {
            json.key("notice")
            json.string(notice)
        }
        json.endObject()
    }
}

extension MatchItem {
    func write(to json: inout JSONBytes) {
        json.beginObject()
        json.key("directions")
        json.beginArray()
        for direction in directions { direction.write(to: &json) }
        json.endArray()
        json.key("exposure_factor")
        json.number(exposureFactor)
        if let forProject {
            json.key("for_project")
            forProject.write(to: &json)
        }
        if let governmentBody {
            json.key("government_body")
            governmentBody.write(to: &json)
        }
        if let organization {
            json.key("organization")
            organization.write(to: &json)
        }
        if let project {
            json.key("project")
            project.write(to: &json)
        }
        json.key("rank")
        json.number(rank)
        json.key("reasons")
        json.strings(reasons)
        json.key("score")
        json.number(score)
        if let sponsor {
            json.key("sponsor")
            sponsor.write(to: &json)
        }
        json.endObject()
    }
}

extension DirectionResource {
    func write(to json: inout JSONBytes) {
        json.beginObject()
        json.key("components")
        json.beginArray()
        for component in components {
            json.beginObject()
            json.key("component")
            json.string(component.component)
            json.key("reason")
            json.beginObject()
            json.key("code")
            json.string(component.reason.code)
            json.key("component")
            json.string(component.reason.component)
            json.key("direction")
            json.string(component.reason.direction)
            json.key("text")
            json.string(component.reason.text)
            json.endObject()
            json.key("value")
            json.number(component.value)
            json.key("weight")
            json.number(component.weight)
            json.endObject()
        }
        json.endArray()
        json.key("direction")
        json.string(direction)
        json.key("score")
        json.number(score)
        json.endObject()
    }
}

extension PartnerSummary {
    func write(to json: inout JSONBytes) {
        json.beginObject()
        json.key("focus_areas")
        json.strings(focusAreas)
        json.key("id")
        json.string(id)
        if let jurisdiction {
            json.key("jurisdiction")
            json.string(jurisdiction)
        }
        json.key("kind")
        json.string(kind)
        json.key("name")
        name.write(to: &json)
        json.key("nationwide")
        json.bool(nationwide)
        json.key("regions")
        json.strings(regions)
        json.endObject()
    }
}

extension ProjectSummary {
    func write(to json: inout JSONBytes) {
        json.beginObject()
        json.key("focus_areas")
        json.strings(focusAreas)
        json.key("funding_gap_kzt")
        json.number(Int(fundingGapKzt))
        json.key("funding_needed_kzt")
        json.number(Int(fundingNeededKzt))
        json.key("id")
        json.string(id)
        json.key("organization")
        json.beginObject()
        json.key("id")
        json.string(organization.id)
        json.key("name")
        organization.name.write(to: &json)
        json.endObject()
        json.key("regions")
        json.strings(regions)
        json.key("title")
        title.write(to: &json)
        json.endObject()
    }
}

extension LocalizedTextResource {
    func write(to json: inout JSONBytes) {
        json.beginObject()
        for (key, value) in [("en" as StaticString, en), ("kk", kk), ("ru", ru)] {
            guard let value else { continue }
            json.key(key)
            json.string(value)
        }
        json.endObject()
    }
}
