import DemoData
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Postgres
import Testing
import TestSupport

/// The portal's pages through the router on demo data: the map and a region, open-data downloads,
/// list downloads, and what a profile and a project page show.
@Suite struct PortalPageTests {
    static let english: HTTPFields = [.acceptLanguage: "en"]

    static func scalar<T: PostgresDecodable>(_ pool: ConnectionPool, _ sql: String, _ parameters: [any PostgresEncodable] = []) async throws -> T {
        try await pool.withConnection { try $0.query(sql, parameters).rows[0].decode(T.self, at: 0) }
    }

    static func html(_ response: TestResponse) -> String { String(buffer: response.body) }

    /// A whole number as the pages write it: groups of three digits with narrow no-break spaces.
    static func grouped(_ value: Int) -> String {
        var digits = String(value)
        var groups: [String] = []
        while digits.count > 3 {
            groups.insert(String(digits.suffix(3)), at: 0)
            digits = String(digits.dropLast(3))
        }
        groups.insert(digits, at: 0)
        return groups.joined(separator: "\u{202F}")
    }

    static func count(_ pattern: String, in text: String) throws -> Int {
        try text.matches(of: Regex(pattern)).count
    }

    /// The `<svg>…</svg>` of a page.
    static func svg(_ html: String) throws -> String {
        let start = try #require(html.range(of: "<svg xmlns="))
        let end = try #require(html.range(of: "</svg>", range: start.upperBound..<html.endIndex))
        return String(html[start.lowerBound..<end.upperBound])
    }

    /// RFC 4180 rows (quoted fields may hold commas, quotes and line breaks).
    static func csvRows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var iterator = Array(text).makeIterator()
        var pending: Character? = nil
        while let c = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                    } else { quoted = false }
                } else { field.append(c) }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                row.append(field); field = ""
            } else if c == "\r\n" || c == "\n" {
                row.append(field); field = ""
                rows.append(row); row = []
            } else {
                field.append(c)
            }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }

    @Test func theMapHasTwentyRegionLinksWithTitlesAndTheSameFiguresInATable() async throws {
        try await TestDatabase.with(demo: true) { database in
            try await withService(database) { client in
                for measure in ["open_need", "funding_placed", "active_partnerships", "ngos"] {
                    let page = try await client.send(.get, "/regions?measure=\(measure)", headers: Self.english)
                    #expect(page.status == .ok, "\(measure)")
                    let html = Self.html(page)
                    let svg = try Self.svg(html)
                    #expect(svg.contains(#"aria-labelledby="map-title""#) && svg.contains(#"<title id="map-title">"#))
                    let links = try Self.count(#"<a href="/regions/\d{9}\?measure=\#(measure)"><title>[^<]+</title><path class="c[0-4]" d="M"#, in: svg)
                    #expect(links == 20, "\(measure): \(links) region links")
                    // Coloured by the figure: demo data differs between regions, so more than one class shows.
                    let classes = Set(svg.matches(of: #/class="(c[0-4])"/#).map { String($0.output.1) })
                    #expect(classes.count > 1, "\(measure) uses \(classes)")
                    #expect(html.contains(#"class="legend""#))
                    #expect(html.contains("<caption>Figures by region"))
                    #expect(try Self.count(#"<th scope="row"><a href="/regions/\d{9}\?measure="#, in: html) == 20)
                    #expect(html.contains("<time datetime="), "the figures say as of when")
                    #expect(html.contains(#"<option value="\#(measure)" selected>"#))
                    #expect(html.contains(#"aria-current="page">"#))
                }
                // The figure in a region's title is the one in its row of the table.
                let html = Self.html(try await client.send(.get, "/regions?measure=ngos", headers: Self.english))
                let title = try #require(html.firstMatch(of: #/<a href="/regions/(\d{9})\?measure=ngos"><title>([^<]+) — NGOs: ([^<]+)</title>/#))
                let row = #"<th scope="row"><a href="/regions/\#(title.output.1)?measure=ngos">\#(title.output.2)</a></th>"#
                let rowStart = try #require(html.range(of: row))
                let cells = html[rowStart.upperBound...].prefix(400)
                #expect(cells.contains(#"<td class="number">\#(title.output.3)</td>"#))
            }
        }
    }

    @Test func anUnknownMeasureIsA400WithTheMessageBesideTheFieldAndAnUnknownRegionA404() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                for path in ["/regions?measure=everything", "/regions/550000000?measure=%3Cb%3E"] {
                    let page = try await client.send(.get, path, headers: Self.english)
                    #expect(page.status == .badRequest, "\(path)")
                    let html = Self.html(page)
                    #expect(html.contains(#"<p class="field-error" id="measure-error">Choose what the map shows from the list.</p>"#), "\(path)")
                    #expect(html.contains(##"<a href="#measure">"##), "\(path): the summary links to the field")
                    #expect(html.contains(#"aria-invalid="true""#))
                    #expect(!html.contains("<b>"))
                }
                for path in ["/regions/990000000", "/regions/551010000", "/regions/abc"] {
                    let page = try await client.send(.get, path, headers: Self.english)
                    #expect(page.status == .notFound, "\(path)")
                    #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
                }
            }
        }
    }

    @Test func aRegionPageHasItsDistrictMapAndFiguresByDistrictAndFocusArea() async throws {
        try await TestDatabase.with(demo: true) { database in
            let pool = database.pool
            let kato: String = try await Self.scalar(pool, """
                SELECT rpad(substr(regions[1], 1, 2), 9, '0') FROM projects
                WHERE status = 'open' AND kato_level(regions[1]) > 1 GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1
                """)
            let districts: Int = try await Self.scalar(pool, "SELECT count(*)::int FROM regions WHERE parent_kato = $1", [kato])
            try await withService(database) { client in
                let page = try await client.send(.get, "/regions/\(kato)?measure=open_need", headers: Self.english)
                #expect(page.status == .ok)
                let html = Self.html(page)
                let svg = try Self.svg(html)
                let prefix = String(kato.prefix(2))
                let links = try Self.count(#"<a href="/projects\?region=\#(kato)&amp;district=\#(prefix)\d{7}"><title>[^<]+</title><path class="c[0-4]""#, in: svg)
                #expect(links >= districts - 2 && links > 3, "\(links) district links of \(districts)")
                #expect(try Self.count(#"<th scope="row"><a href="/projects\?region=\#(kato)&amp;district="#, in: html) == districts)
                #expect(try Self.count(#"<th scope="row"><a href="/projects\?region=\#(kato)&amp;focus="#, in: html) == 16)
                #expect(html.contains("Largest unfunded needs"))
                #expect(try Self.count(#"<th scope="row"><a href="/projects/[0-9a-f-]{36}""#, in: html) > 0)
                #expect(html.contains(#"href="/regions?measure=open_need""#), "back to the country map")
            }
        }
    }

    @Test func openDataFilesDownloadWithValidatorsAndTheRightTypes() async throws {
        try await TestDatabase.with(demo: true) { database in
            try await withService(database) { client in
                let page = try await client.send(.get, "/open-data", headers: Self.english)
                #expect(page.status == .ok)
                let html = Self.html(page)
                for path in ["/open-data/partnerships-360giving.json", "/open-data/partnerships.csv", "/open-data/organizations.csv", "/open-data/projects.csv"] {
                    #expect(html.contains(#"href="\#(path)""#), "\(path) is linked")
                }
                #expect(html.contains("CC BY 4.0") && html.contains(#"rel="license""#))
                #expect(try Self.count(#"<time datetime="\d{4}-\d{2}-\d{2}T"#, in: html) == 4, "each file says when it changed")

                let json = try await client.send(.get, "/open-data/partnerships-360giving.json")
                #expect(json.status == .ok)
                #expect(json.headers[.contentType] == "application/json; charset=utf-8")
                let package = try #require(try JSONSerialization.jsonObject(with: Data(buffer: json.body)) as? [String: Any])
                let grants = try #require(package["grants"] as? [[String: Any]])
                #expect(!grants.isEmpty)
                let recipient = (grants.first?["recipientOrganization"] as? [[String: Any]])?.first?["id"] as? String
                #expect(recipient?.hasPrefix("KZ-BIN-") == true)

                for (path, header) in [
                    ("/open-data/partnerships.csv", "id,title,description,currency,amount_awarded"),
                    ("/open-data/organizations.csv", "id,org_id,kind,bin,legal_form"),
                    ("/open-data/projects.csv", "id,ngo_org_id,status"),
                ] {
                    let csv = try await client.send(.get, path)
                    #expect(csv.status == .ok, "\(path)")
                    #expect(csv.headers[.contentType] == "text/csv; charset=utf-8; header=present", "\(path)")
                    #expect(csv.headers[.contentDisposition]?.hasPrefix("attachment; filename=\"asar-") == true, "\(path)")
                    #expect(String(buffer: csv.body).hasPrefix(header + ","), "\(path)")
                    #expect(!String(buffer: csv.body).contains("@"), "\(path) carries no email address")
                }

                let first = try await client.send(.get, "/open-data/organizations.csv")
                let tag = try #require(first.headers[.eTag])
                let modified = try #require(first.headers[.lastModified])
                #expect(first.headers[.cacheControl]?.contains("max-age") == true)
                let again = try await client.send(.get, "/open-data/organizations.csv", headers: [.ifNoneMatch: tag])
                #expect(again.status == .notModified)
                #expect(again.body.readableBytes == 0)
                let since = try await client.send(.get, "/open-data/organizations.csv", headers: [.ifModifiedSince: modified])
                #expect(since.status == .notModified)
                let stale = try await client.send(.get, "/open-data/organizations.csv", headers: [.ifNoneMatch: "\"0\""])
                #expect(stale.status == .ok)
            }
        }
    }

    @Test func aFilteredListDownloadsAsCSVWithTheSameFilters() async throws {
        try await TestDatabase.with(demo: true) { database in
            let pool = database.pool
            let ngos: Int = try await Self.scalar(pool, "SELECT count(*)::int FROM organizations WHERE kind = 'ngo' AND active")
            let open: Int = try await Self.scalar(pool, "SELECT count(*)::int FROM projects WHERE status = 'open'")
            #expect(ngos > 20 && open > 20, "more than one page of each")
            try await withService(database) { client in
                let list = Self.html(try await client.send(.get, "/organizations?kind=ngo"))
                #expect(list.contains(#"href="/organizations.csv?kind=ngo""#), "the list links to its CSV")

                let organizations = try await client.send(.get, "/organizations.csv?kind=ngo")
                #expect(organizations.status == .ok)
                #expect(organizations.headers[.contentType] == "text/csv; charset=utf-8; header=present")
                #expect(organizations.headers[.contentDisposition] == "attachment; filename=\"asar-organizations-search.csv\"")
                let rows = Self.csvRows(String(buffer: organizations.body))
                #expect(rows.first?.prefix(3) == ["id", "org_id", "kind"])
                #expect(rows.count - 1 == ngos, "every page of the result set")
                #expect(rows.dropFirst().allSatisfy { $0.count == rows[0].count && $0[2] == "ngo" })

                let projects = try await client.send(.get, "/projects.csv?status=open")
                let projectRows = Self.csvRows(String(buffer: projects.body))
                #expect(projectRows.count - 1 == open)
                #expect(projectRows.dropFirst().allSatisfy { $0[2] == "open" })

                let bad = try await client.send(.get, "/projects.csv?min_need=lots&status=draft", headers: Self.english)
                #expect(bad.status == .badRequest)
                #expect(bad.headers[.contentType] == "text/plain; charset=utf-8")
                #expect(String(buffer: bad.body).contains("min_need: Enter an amount"))
                #expect(String(buffer: bad.body).contains("status:"))
            }
        }
    }

    @Test func aProjectPageShowsProgressPartnersInThreeRolesTheTimelineAndReports() async throws {
        try await TestDatabase.with(demo: true) { database in
            let pool = database.pool
            let project: UUID = try await Self.scalar(pool, "SELECT project_id FROM partnerships WHERE state = 'completed' ORDER BY id LIMIT 1")
            try await withService(database) { client in
                let page = try await client.send(.get, "/projects/\(project)", headers: Self.english)
                #expect(page.status == .ok)
                let html = Self.html(page)
                #expect(try Self.count(#"<div class="progress" aria-hidden="true"><span class="pledged w\d{1,3}"></span><span class="disbursed w\d{1,3}"></span></div>"#, in: html) == 1)
                #expect(try Self.count(#"pledged of [^<]+ needed \(\d{1,3}%\); [^<]+ disbursed \(\d{1,3}%\)\."#, in: html) == 1, "the numbers in words")
                for role in ["NGO", "Business sponsor", "Government body"] {
                    #expect(html.contains(#"<th scope="col">\#(role)</th>"#), "\(role) column")
                }
                let timeline = try #require(html.range(of: #"<ol class="timeline">"#))
                let steps = try Self.count(#"<time datetime="\d{4}-\d{2}-\d{2}">\d{2}\.\d{2}\.\d{4}</time> — <strong>"#, in: String(html[timeline.lowerBound...]))
                #expect(steps >= 9, "the completed partnership's nine steps")
                #expect(html.contains("Approved by the government body") && html.contains("Work started"))
                #expect(html.contains("Final evaluation") && html.contains("Milestone report"))
            }
        }
    }

    @Test func aProfileShowsPartnershipsFundingByYearAndReportsButNoContacts() async throws {
        try await TestDatabase.with(demo: true) { database in
            let pool = database.pool
            let ngo: UUID = try await Self.scalar(pool, "SELECT ngo_id FROM partnerships WHERE state = 'completed' ORDER BY id LIMIT 1")
            let business: UUID = try await Self.scalar(pool, "SELECT business_id FROM partnerships WHERE state = 'completed' ORDER BY id LIMIT 1")
            try await withService(database) { client in
                for id in [ngo, business] {
                    let page = try await client.send(.get, "/organizations/\(id)", headers: Self.english)
                    #expect(page.status == .ok)
                    let html = Self.html(page)
                    #expect(html.contains("<caption>Partnerships approved by a government body"))
                    #expect(html.contains(">Completed</td>"))
                    #expect(html.contains("<caption>Money through this organization by year and role"))
                    #expect(try Self.count(#"<tr><th scope="row">20\d\d</th><td>(Received as the NGO|Given as the business sponsor)</td>"#, in: html) > 0)
                    #expect(html.contains(#"<ol class="reports">"#))
                    let contacts: [String] = try await pool.withConnection { connection in
                        try connection.query("SELECT coalesce(contact_email, ''), coalesce(contact_phone, '') FROM organizations WHERE id = $1", [id])
                            .rows.flatMap { [try $0.decode(String.self, at: 0), try $0.decode(String.self, at: 1)] }
                    }
                    for contact in contacts where !contact.isEmpty {
                        #expect(!html.contains(contact), "a contact is shown")
                    }
                }
                // A name only in English shows on a Kazakh page, marked as English.
                let bin = try AccessWorld.validBIN(startingAt: "1105400031")
                let created = try await client.send(.post, "/v1/organizations", json: #"{"kind": "business", "bin": "\#(bin)", "legal_form": "llp", "name": {"en": "Only English LLP"}, "nationwide": true}"#)
                let id = try #require(created.json["id"] as? String)
                let kazakh = Self.html(try await client.send(.get, "/organizations/\(id)"))
                #expect(kazakh.contains(#"<h1 lang="en">Only English LLP</h1>"#))
            }
        }
    }

    @Test func theHomePageShowsLiveFiguresAsOfNow() async throws {
        try await TestDatabase.with(demo: true) { database in
            let open: Int = try await Self.scalar(database.pool, "SELECT count(*)::int FROM projects WHERE status = 'open'")
            try await withService(database) { client in
                let html = Self.html(try await client.send(.get, "/", headers: Self.english))
                #expect(html.contains("<dt>Open projects looking for support</dt><dd>\(Self.grouped(open))</dd>"))
                #expect(try Self.count(#"As of <time datetime="\d{4}-\d{2}-\d{2}T\d{2}:\d{2}\+05:00">\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}</time>"#, in: html) >= 1)
                #expect(html.contains("<caption>Partnerships by stage"))
                #expect(try Self.count(#"<tr><th scope="row">[^<]+</th><td class="number">\d+</td></tr>"#, in: html) == 8)
            }
        }
    }
}
