import Foundation
import Domain
import Testing
@testable import Matching

/// A small seeded generator so that property tests are repeatable.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum Sample {
    static let taxonomy = FocusTaxonomy(goalsByArea: [
        "social_protection": [1, 10], "health": [3], "education": [4, 9], "culture": [11], "sport": [3],
        "environment": [6, 12, 13, 14, 15], "youth": [4, 8], "family_gender": [5], "human_rights": [16],
        "public_accord": [16], "civic_participation": [16, 17], "inclusion": [10], "employment": [8],
        "rural_development": [2, 11], "digitalisation": [9], "elderly": [1, 3],
    ])
    static let areas = ["social_protection", "health", "education", "culture", "sport", "environment", "youth",
                        "family_gender", "human_rights", "public_accord", "civic_participation", "inclusion",
                        "employment", "rural_development", "digitalisation", "elderly"]
    static let places = ["190000000", "195200000", "195230000", "750000000", "550000000", "710000000", "611000000"]

    static func id(_ generator: inout SplitMix) -> UUID {
        let bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    static func someAreas(_ generator: inout SplitMix) -> [String] {
        Array(areas.shuffled(using: &generator).prefix(Int.random(in: 1...3, using: &generator)))
    }

    static func project(_ generator: inout SplitMix, owner: UUID) -> ProjectProfile {
        ProjectProfile(
            id: id(&generator), organizationID: owner, focusAreas: someAreas(&generator),
            regions: [places.randomElement(using: &generator) ?? "750000000"],
            fundingNeededKZT: Int64.random(in: 1_000_000...80_000_000, using: &generator)
        )
    }

    static func ngo(_ generator: inout SplitMix) -> PartnerProfile {
        var ngo = PartnerProfile(id: id(&generator), kind: .ngo)
        ngo.focusAreas = someAreas(&generator)
        ngo.seeking = someAreas(&generator)
        ngo.regions = [places.randomElement(using: &generator) ?? "750000000"]
        ngo.annualBudgetKZT = Int64.random(in: 2_000_000...200_000_000, using: &generator)
        ngo.completedPartnerships = Int.random(in: 0...5, using: &generator)
        return ngo
    }

    static func business(_ generator: inout SplitMix) -> PartnerProfile {
        var business = PartnerProfile(id: id(&generator), kind: .business)
        business.focusAreas = someAreas(&generator)
        business.seeking = Bool.random(using: &generator) ? someAreas(&generator) : []
        business.nationwide = Int.random(in: 0..<6, using: &generator) == 0
        business.regions = business.nationwide ? [] : [places.randomElement(using: &generator) ?? "750000000"]
        business.annualCSRBudgetKZT = Int64.random(in: 5_000_000...500_000_000, using: &generator)
        business.pledgedKZT = Int64.random(in: 0...4_000_000, using: &generator)
        business.maxActivePartnerships = 5
        business.activePartnerships = Int.random(in: 0...4, using: &generator)
        business.completedPartnerships = Int.random(in: 0...6, using: &generator)
        business.cancelledPartnerships = Int.random(in: 0...2, using: &generator)
        business.proposalsReceived = Int.random(in: 0...8, using: &generator)
        business.proposalsAccepted = Int.random(in: 0...business.proposalsReceived, using: &generator)
        return business
    }

    static func akimat(_ generator: inout SplitMix, jurisdiction: String) -> PartnerProfile {
        var body = PartnerProfile(id: id(&generator), kind: .governmentBody)
        body.jurisdiction = jurisdiction
        body.regions = [jurisdiction]
        body.focusAreas = someAreas(&generator)
        return body
    }
}

/// The engine's promise: a sponsor that moves into the project's district, or gains one of its
/// areas, never ranks lower. `rank` gives a sponsor's place in the list made from `among`, nil
/// when it is not in it.
func expectNoRankLostByMovingInOrSharingAnArea(
    _ sponsors: [PartnerProfile], project: ProjectProfile, district: String, rank: (_ of: UUID, _ among: [PartnerProfile]) -> Int?
) {
    for index in sponsors.indices {
        guard let before = rank(sponsors[index].id, sponsors) else { continue }
        var moved = sponsors
        moved[index].nationwide = false
        moved[index].regions = [district]
        #expect(rank(sponsors[index].id, moved).map { $0 <= before } ?? false, "moving into the district lowered a rank")
        if let area = project.focusAreas.first(where: { !sponsors[index].focusAreas.contains($0) }) {
            var widened = sponsors
            widened[index].focusAreas.append(area)
            #expect(rank(sponsors[index].id, widened).map { $0 <= before } ?? false, "a shared area lowered a rank")
        }
    }
}

/// Runs an independent checker in Tools/ (Python, networkx) on a JSON payload and reads one
/// integer optimum per line of its output.
enum PythonChecker {
    static func optima(_ script: String, _ payload: Any) throws -> [Int64] {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Tools/\(script)")
        // Stdin comes from a file rather than a pipe: a checker that dies early cannot SIGPIPE the tests.
        let input = FileManager.default.temporaryDirectory
            .appendingPathComponent("checker-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: payload).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", path.path]
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = try FileHandle(forReadingFrom: input)
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CheckerError(status: process.terminationStatus, message: String(decoding: errors, as: UTF8.self))
        }
        return String(decoding: output, as: UTF8.self)
            .split(whereSeparator: \.isNewline)
            .compactMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
    }

    struct CheckerError: Error, CustomStringConvertible {
        let status: Int32
        let message: String
        var description: String { "checker exited with status \(status): \(message)" }
    }
}
