import ArgumentParser
import Foundation
import Storage
import UseCases

struct Evaluate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replay the partnerships proposed so far against today's matching and print recall@k, with each weight off and doubled, and what followed proposals made from a match list."
    )

    @Option(help: "How long a list counts (recall@k).") var k = 10

    func validate() throws {
        guard (1...50).contains(k) else { throw ValidationError("k must be from 1 to 50.") }
    }

    func run() async throws {
        let report = try await withPool { pool in
            let reference = ReferenceData(repository: ReferenceRepository(pool: pool))
            return try await MatchEvaluation(
                repository: MatchRepository(pool: pool), index: LiveCandidateIndex(repository: MatchIndexRepository(pool: pool)), reference: reference,
                partnerships: PartnershipRepository(pool: pool)
            ).run(k: k)
        }
        print("recall@\(report.k) over \(report.proposals) proposed partnerships (today's profiles; the project scored as open)")
        print("weights".padding(toLength: 24, withPad: " ", startingAt: 0) + "   sponsor   government body")
        let base = report.recalls.first
        for recall in report.recalls {
            func cell(_ value: Double, _ baseline: Double?) -> String {
                let delta = baseline.map { value - $0 } ?? 0
                let change = recall.variant == base?.variant || abs(delta) < 0.0005 ? "" : String(format: " (%+.3f)", delta)
                return (String(format: "%.3f", value) + change).padding(toLength: 16, withPad: " ", startingAt: 0)
            }
            print(recall.variant.padding(toLength: 24, withPad: " ", startingAt: 0) + "   "
                + cell(recall.sponsors, base?.sponsors) + cell(recall.governmentBodies, base?.governmentBodies))
        }
        print("")
        print(report.outcomes.table.joined(separator: "\n"))
    }
}
