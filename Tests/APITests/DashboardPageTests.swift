import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Storage
import Testing
import TestSupport
import UseCases

/// The monitoring dashboard on the demo data: its figures agree with the database, the tables
/// download as CSV, bad filters are said beside the field, and overdue reports follow the clock.
@Suite struct DashboardPageTests {
    static func count(_ sql: String, _ database: TestDatabase) async throws -> Int {
        try await database.pool.withConnection { try $0.query(sql).rows[0].decode(Int.self, at: 0) }
    }

    @Test func theFiguresAgreeWithTheDatabaseAndEveryTableDownloads() async throws {
        try await TestDatabase.with(demo: true) { database in
            try await withService(database, testHooks: true) { client in
                var visitor = PageVisitor(client)
                let page = try await visitor.get("/dashboard")
                #expect(page.status == .ok)
                let html = String(buffer: page.body)
                #expect(html.contains("By region") && html.contains("By focus area"))

                // The whole country's row of the CSV against SQL over the same rows.
                let csv = String(buffer: try await visitor.get("/dashboard.csv?table=focus").body)
                let lines = csv.split(separator: "\r\n").map(String.init)
                #expect(lines.first?.hasPrefix("focus_area,name,partnerships,active,completed,pledged_kzt,disbursed_kzt") == true)
                let total = try #require(lines.last?.split(separator: ",", omittingEmptySubsequences: false).map(String.init))
                #expect(total[1] == "total")
                let pastApproval = try await Self.count("SELECT count(*)::int FROM partnerships WHERE state IN ('approved', 'active', 'completed', 'cancelled')", database)
                #expect(Int(total[2]) == pastApproval)
                let disbursed = try await database.pool.withConnection {
                    try $0.query("""
                        SELECT coalesce(sum(r.amount_disbursed_kzt), 0)::bigint FROM partnership_reports r JOIN partnerships x ON x.id = r.partnership_id
                        WHERE x.state IN ('approved', 'active', 'completed', 'cancelled')
                        """).rows[0].decode(Int64.self, at: 0)
                }
                #expect(Int64(total[6]) == disbursed)
                // Every completed demo partnership reached its one target in its final report.
                let completed = try await Self.count("SELECT count(*)::int FROM partnerships WHERE state = 'completed'", database)
                #expect((Int(total[11]) ?? 0) >= completed && completed > 0)

                // Projects and partnerships by stage: the total row against SQL.
                #expect(html.contains("Projects and partnerships by stage"))
                // Charted too: one bar per row, the longest need or placement at full length.
                let lengths = html.matches(of: /<rect class="bar-(need|placed)" width="([0-9.]+)"/).compactMap { Double($0.output.2) }
                #expect(!lengths.isEmpty && lengths.allSatisfy { (0...100).contains($0) } && lengths.contains(100))
                let stages = String(buffer: try await visitor.get("/dashboard.csv?table=stages-focus").body).split(separator: "\r\n").map(String.init)
                #expect(stages.first?.hasPrefix("focus_area,name,open_projects,funded_projects,closed_projects,open_need_kzt,placed_kzt") == true)
                let all = try #require(stages.last?.split(separator: ",", omittingEmptySubsequences: false).map(String.init))
                #expect(all[1] == "total")
                #expect(Int(all[2]) == (try await Self.count("SELECT count(*)::int FROM projects WHERE status = 'open'", database)))
                #expect(Int(all[4]) == (try await Self.count("SELECT count(*)::int FROM projects WHERE status = 'closed'", database)))
                let need = try await database.pool.withConnection {
                    try $0.query("SELECT coalesce(sum(funding_needed_kzt), 0)::bigint FROM projects WHERE status = 'open'").rows[0].decode(Int64.self, at: 0)
                }
                #expect(Int64(all[5]) == need)
                for (column, states) in [(9, "'proposed'"), (10, "'under_review'"), (12, "'active'"), (14, "'rejected', 'withdrawn', 'cancelled'")] {
                    let expected = try await Self.count("SELECT count(*)::int FROM partnerships WHERE state IN (\(states))", database)
                    #expect(Int(all[column]) == expected, "\(states)")
                }
                #expect(try await visitor.get("/dashboard.csv?table=stages-places").status == .ok)
                #expect(try await visitor.get("/dashboard.csv?table=nonsense").status == .badRequest)

                // A region breaks down into its districts.
                let region = String(buffer: try await visitor.get("/dashboard?region=550000000").body)
                #expect(region.contains("By district"))
                #expect(try await visitor.get("/dashboard.csv?region=550000000&table=places").status == .ok)

                // A bad filter is said beside the field.
                let bad = try await visitor.get("/dashboard?region=999999999")
                #expect(bad.status == .badRequest)
                #expect(String(buffer: bad.body).contains(#"id="region-error""#))

                // A year on, every partnership under way is overdue.
                let active = try await Self.count("SELECT count(*)::int FROM partnerships WHERE state = 'active'", database)
                try await client.send(.post, "/test/clock?advance_days=400")
                let later = String(buffer: try await visitor.get("/dashboard.csv?table=focus").body).split(separator: "\r\n").last.map(String.init) ?? ""
                #expect(later.split(separator: ",", omittingEmptySubsequences: false)[13] == Substring(String(active)))
            }
        }
    }
}
