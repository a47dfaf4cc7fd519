import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Testing
import TestSupport

/// The public pages through the router: escaping, headers, languages, bad filters, validators.
@Suite struct PublicPageTests {
    static let hostile = #"<script>alert(1)</script> "><img src=x onerror=alert(1)> ‮evil"#

    @Test func whatSomeoneTypedIsShownAsTextOnEveryPage() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let bin = try AccessWorld.validBIN(startingAt: "1105400007")
                let name = Self.hostile.replacingOccurrences(of: "\"", with: "\\\"")
                let created = try await client.send(.post, "/v1/organizations", json: #"{"kind": "ngo", "bin": "\#(bin)", "legal_form": "public_foundation", "name": {"ru": "\#(name)"}, "description": "\#(name)", "nationwide": true}"#)
                #expect(created.status == .created)
                let id = try #require(created.json["id"] as? String)
                for path in ["/organizations/\(id)", "/organizations", "/organizations?kind=ngo"] {
                    let page = try await client.send(.get, path)
                    let html = String(buffer: page.body)
                    #expect(page.status == .ok, "\(path)")
                    #expect(!html.contains("<script>alert"), "\(path) shows a raw script tag")
                    #expect(!html.contains("<img src=x"), "\(path) shows a raw img tag")
                    #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "\(path) does not show the typed text")
                }
            }
        }
    }

    @Test func pagesCarryTheSecurityHeadersAndAValidator() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let page = try await client.send(.get, "/")
                let policy = try #require(page.headers[.contentSecurityPolicy])
                #expect(!policy.contains("unsafe-inline"))
                #expect(policy.contains("frame-ancestors 'none'"))
                #expect(page.headers[HTTPField.Name("Referrer-Policy")!] != nil)
                let cookie = try #require(page.headers[values: .setCookie].first { $0.hasPrefix("asar_csrf=") })
                #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"))
                let tag = try #require(page.headers[.eTag])
                #expect(page.headers[.cacheControl] != nil)
                let again = try await client.send(.get, "/", headers: [.ifNoneMatch: tag])
                #expect(again.status == .notModified)
            }
        }
    }

    @Test func theLanguageComesFromTheCookieThenTheBrowserThenKazakh() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let kazakh = String(buffer: try await client.send(.get, "/").body)
                #expect(kazakh.contains(#"<html lang="kk">"#))
                let russian = try await client.send(.get, "/", headers: [.acceptLanguage: "ru-RU,ru;q=0.9,en;q=0.8"])
                #expect(String(buffer: russian.body).contains(#"<html lang="ru">"#))
                let english = try await client.send(.get, "/", headers: [.acceptLanguage: "ru;q=0.5", .cookie: "lang=en"])
                #expect(String(buffer: english.body).contains(#"<html lang="en">"#))
                let switched = try await client.send(.get, "/language/ru?next=%2Fprojects%3Fstatus%3Dopen")
                #expect(switched.status == .seeOther)
                #expect(switched.headers[.location] == "/projects?status=open")
                #expect(switched.headers[values: .setCookie].contains { $0.hasPrefix("lang=ru") })
                for away in ["//evil.example/", "https://evil.example/", "/\\evil.example"] {
                    let encoded = away.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                    let response = try await client.send(.get, "/language/en?next=\(encoded)")
                    #expect(response.headers[.location] == "/", "next=\(away) must not leave the site")
                }
            }
        }
    }

    @Test func aBadFilterIsA400WithTheMessageBesideTheFieldAndTheTypedValueKept() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let page = try await client.send(.get, "/projects?min_need=lots&region=123", headers: [.acceptLanguage: "en"])
                #expect(page.status == .badRequest)
                let html = String(buffer: page.body)
                #expect(html.contains(#"class="error-summary""#))
                #expect(html.contains(#"id="min_need-error""#))
                #expect(html.contains(#"id="region-error""#))
                #expect(html.contains(#"value="lots""#))
            }
        }
    }

    @Test func draftsAndUnknownIDsAreNotFoundPages() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                let token = try await client.token(for: world.ngo.uuidString)
                // Even the draft's own organization, through an API token: pages act only for a signed-in person.
                let draft = try await client.send(.get, "/projects/\(world.draftProject)", as: .token(token))
                #expect(draft.status == .notFound)
                #expect(draft.headers[.contentType]?.hasPrefix("text/html") == true)
                let unknown = try await client.send(.get, "/organizations/not-an-id")
                #expect(unknown.status == .notFound)
            }
        }
    }

    /// The portal is the public view for everyone: its lists hold no draft, not even for the NGO
    /// whose draft it is (its page would be a 404); the workspace lists it.
    @Test func thePortalListsNoDraftEvenToItsOwnNGO() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                try await PartnershipPageTests.people(database, world: world)
                var owner = try await PartnershipPageTests.signedIn(client, "owner@ngo.example.kz")
                let draft = world.draftProject.lowercasedString
                let open = try await world.openProject().lowercasedString
                let title = "%D0%A7%D0%B5%D1%80%D0%BD%D0%BE%D0%B2%D0%B8%D0%BA"  // Черновик, the draft's title
                for path in ["/projects", "/projects?q=\(title)", "/search?q=\(title)", "/projects.csv"] {
                    let page = try await owner.get(path)
                    #expect(page.status == .ok && !String(buffer: page.body).contains(draft), "\(path) lists the draft")
                }
                // The same lists do show the NGO's open project.
                let openTitle = "%D0%9C%D0%B0%D1%81%D1%82%D0%B5%D1%80%D1%81%D0%BA%D0%B0%D1%8F"  // Мастерская
                for path in ["/projects", "/search?q=\(openTitle)", "/projects.csv"] {
                    #expect(String(buffer: try await owner.get(path).body).contains(open), "\(path) does not list the open project")
                }
                #expect(String(buffer: try await owner.get("/workspace/projects").body).contains(draft))
            }
        }
    }
}
