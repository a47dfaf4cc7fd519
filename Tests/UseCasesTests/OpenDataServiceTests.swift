import DemoData
import Domain
import Foundation
import Matching
import Postgres
import Storage
import Testing
import TestSupport
@testable import UseCases

@Suite struct OpenDataServiceTests {
    static let tools = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Tools")

    /// Runs `python3 script arguments`, returning its exit status and output.
    static func python(_ arguments: [String], input file: Data) throws -> (Int32, String) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("asar-open-data-\(UUID().uuidString)")
        try file.write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments + [path.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    static func service(_ pool: ConnectionPool) -> OpenDataService {
        OpenDataService(openData: OpenDataRepository(pool: pool), reference: ReferenceData(repository: ReferenceRepository(pool: pool)))
    }

    @Test func grantsPackageValidatesAgainst360GivingAndNamesAllThreeParties() async throws {
        try await TestDatabase.with(demo: true) { database in
            let file = try await Self.service(database.pool).grantsPackage(language: .ru, by: .anonymous)
            let (status, output) = try Self.python([Self.tools.appendingPathComponent("validate_360giving.py").path], input: file.data)
            #expect(status == 0, "\(output)")

            let package = try #require(try JSONSerialization.jsonObject(with: file.data) as? [String: Any])
            #expect(package["license"] as? String == "https://creativecommons.org/licenses/by/4.0/")
            let grants = try #require(package["grants"] as? [[String: Any]])
            let publicIDs = try await database.pool.withConnection { connection in
                try connection.query("SELECT id FROM partnerships WHERE state IN ('approved', 'active', 'completed', 'cancelled')").rows.map {
                    "360G-ASAR-" + (try $0.decode(UUID.self, at: 0)).uuidString.lowercased()
                }
            }
            #expect(Set(grants.compactMap { $0["id"] as? String }) == Set(publicIDs))
            for grant in grants {
                let recipient = (grant["recipientOrganization"] as? [[String: Any]])?.first?["id"] as? String
                let funder = (grant["fundingOrganization"] as? [[String: Any]])?.first?["id"] as? String
                let government = (grant["asarGovernmentPartner"] as? [[String: Any]])?.first?["id"] as? String
                #expect([recipient, funder, government].allSatisfy { $0?.wholeMatch(of: /KZ-BIN-[0-9]{12}/) != nil })
                let locations = try #require(grant["beneficiaryLocation"] as? [[String: Any]])
                #expect(!locations.isEmpty && locations.allSatisfy { $0["geoCodeType"] as? String == "KATO" && ($0["geoCode"] as? String)?.count == 9 })
                #expect(grant["currency"] as? String == "KZT")
            }
            #expect(file.modified == (try await database.pool.withConnection {
                try $0.query("SELECT max(updated_at) FROM partnerships WHERE state IN ('approved', 'active', 'completed', 'cancelled')").rows[0].decode(Date.self, at: 0)
            }))
        }
    }

    @Test func csvFilesParseAsRFC4180AndHoldOnlyWhatIsPublic() async throws {
        try await TestDatabase.with(demo: true) { database in
            let service = Self.service(database.pool)
            // A name a spreadsheet would run as a formula, with a comma and a quote in it.
            try await database.pool.withConnection { connection in
                try connection.execute("""
                    UPDATE organizations SET name_en = '=HYPERLINK("http://evil", "x"), Ltd'
                    WHERE id = (SELECT ngo_id FROM partnerships WHERE state = 'active' ORDER BY id LIMIT 1)
                    """)
            }
            let counter = """
                import csv, sys
                rows = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))
                assert all(len(row) == len(rows[0]) for row in rows), 'ragged rows'
                print(len(rows) - 1)
                for row in rows:
                    for cell in row:
                        assert not cell[:1] in ('=', '+', '-', '@'), cell
                """
            func rows(_ file: OpenDataService.File) throws -> Int {
                #expect(String(decoding: file.data, as: UTF8.self).hasSuffix("\r\n"))
                let (status, output) = try Self.python(["-c", counter], input: file.data)
                #expect(status == 0, "\(output)")
                return Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
            }
            let counts = try await database.pool.withConnection { connection in
                try connection.query("""
                    SELECT (SELECT count(*)::int FROM organizations WHERE active),
                        (SELECT count(*)::int FROM projects WHERE status <> 'draft'),
                        (SELECT count(*)::int FROM partnerships WHERE state IN ('approved', 'active', 'completed', 'cancelled')),
                        (SELECT array_agg(contact_email) FROM organizations WHERE contact_email IS NOT NULL),
                        (SELECT array_agg(id::text) FROM projects WHERE status = 'draft')
                    """).rows[0]
            }
            let organizations = try await service.organizationsCSV(by: .anonymous)
            #expect(try rows(organizations) == (try counts.decode(Int.self, at: 0)))
            let organizationsText = String(decoding: organizations.data, as: UTF8.self)
            #expect(organizationsText.contains("\"'=HYPERLINK(\"\"http://evil\"\", \"\"x\"\"), Ltd\""))
            #expect(try counts.decode([String].self, at: 3).allSatisfy { !organizationsText.contains($0) }, "no contact email goes out")
            let projects = try await service.projectsCSV(by: .anonymous)
            #expect(try rows(projects) == (try counts.decode(Int.self, at: 1)))
            let projectsText = String(decoding: projects.data, as: UTF8.self)
            #expect(try counts.decode([String].self, at: 4).allSatisfy { !projectsText.contains($0) }, "no draft goes out")
            let grants = try await service.grantsCSV(by: .anonymous)
            #expect(try rows(grants) == (try counts.decode(Int.self, at: 2)))
            #expect(grants.license == OpenDataService.license && grants.contentType.hasPrefix("text/csv"))
            let modified = try await service.modified(by: .anonymous)
            #expect(modified.organizations == organizations.modified && modified.projects == projects.modified && modified.grants == grants.modified)
        }
    }

    @Test func csvFieldsAreQuotedAndDefused() {
        #expect(CSV.field("plain") == "plain")
        #expect(CSV.field("a,b") == "\"a,b\"")
        #expect(CSV.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSV.field("two\nlines") == "\"two\nlines\"")
        #expect(CSV.field("=1+1") == "'=1+1")
        #expect(CSV.field("+7 701") == "'+7 701")
        #expect(CSV.field("-5") == "'-5")
        #expect(CSV.field("@SUM(A1)") == "'@SUM(A1)")
        #expect(CSV.field("=A1,B1") == "\"'=A1,B1\"")
        #expect(CSV.field("Қамқор") == "Қамқор")
        #expect(OpenDataService.timestamp(Date(timeIntervalSince1970: 1_764_565_734.9)) == "2025-12-01T05:08:54Z")
        #expect(OpenDataService.day(Date(timeIntervalSince1970: 1_764_529_200)) == "2025-12-01", "19:00 UTC is already the next day in Kazakhstan")
        var csv = CSV(header: ["a", "b"])
        csv.append(["1", ""])
        #expect(String(decoding: csv.data, as: UTF8.self) == "a,b\r\n1,\r\n")
    }
}
