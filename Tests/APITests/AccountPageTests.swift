import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Storage
import Testing
import TestSupport
import UseCases

/// A browser's cookie jar over the test client: the CSRF cookie and, once signed in, the session.
struct PageVisitor: Sendable {
    let client: APIClient
    var cookies: [String: String] = [:]

    init(_ client: APIClient) { self.client = client }

    var cookieHeader: String { cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }
    var csrf: String { cookies["asar_csrf"] ?? "" }

    mutating func keep(_ response: TestResponse) {
        for header in response.headers[values: .setCookie] {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard pair.count == 2 else { continue }
            if pair[1].isEmpty { cookies[pair[0]] = nil } else { cookies[pair[0]] = pair[1] }
        }
    }

    mutating func get(_ path: String) async throws -> TestResponse {
        var headers: HTTPFields = [.acceptLanguage: "en"]
        if !cookies.isEmpty { headers[.cookie] = cookieHeader }
        let response = try await client.execute(uri: path, method: .get, headers: headers)
        keep(response)
        return response
    }

    /// Posts a form with this visitor's CSRF token unless `csrf` overrides it.
    mutating func post(_ path: String, _ fields: [(String, String)], csrf override: String? = nil) async throws -> TestResponse {
        if cookies["asar_csrf"] == nil { _ = try await get("/sign-in") }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = ([("csrf", override ?? csrf)] + fields)
            .map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }
            .joined(separator: "&")
        let headers: HTTPFields = [.acceptLanguage: "en", .cookie: cookieHeader, .contentType: "application/x-www-form-urlencoded"]
        let response = try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body))
        keep(response)
        return response
    }

    /// Posts a form with one file as a browser does (multipart/form-data), with this visitor's CSRF token.
    mutating func upload(
        _ path: String, _ fields: [(String, String)], file: (field: String, name: String, bytes: [UInt8]), csrf override: String? = nil
    ) async throws -> TestResponse {
        if cookies["asar_csrf"] == nil { _ = try await get("/sign-in") }
        let boundary = "----asar-test-\(UUID().uuidString)"
        var body = ByteBuffer()
        for (name, value) in [("csrf", override ?? csrf)] + fields {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.name)\"\r\n")
        body.writeString("Content-Type: application/octet-stream\r\n\r\n")
        body.writeBytes(file.bytes)
        body.writeString("\r\n--\(boundary)--\r\n")
        let headers: HTTPFields = [.acceptLanguage: "en", .cookie: cookieHeader, .contentType: "multipart/form-data; boundary=\(boundary)"]
        let response = try await client.execute(uri: path, method: .post, headers: headers, body: body)
        keep(response)
        return response
    }

    mutating func signIn(_ email: String, _ password: String, totp: String? = nil) async throws -> TestResponse {
        let response = try await post("/sign-in", [("email", email), ("password", password)])
        guard let totp, response.headers[.location] == "/sign-in/code" else { return response }
        return try await post("/sign-in/code", [("code", AccountService.currentCode(for: totp))])
    }
}

@Suite struct AccountPageTests {
    static let password = "correct horse battery staple"

    /// An NGO with an owner and a member, and an admin with a second factor.
    struct People {
        let ngo: UUID
        let adminSecret = "account-page-tests-admin-secret"
    }

    static func people(_ database: TestDatabase, world: AccessWorld) async throws -> People {
        let services = Services(pool: database.pool, matching: MatchingConfiguration(), accounts: .cheapHashes)
        let people = People(ngo: world.ngo)
        _ = try await services.accounts.createPerson(
            .init(email: "owner@ngo.example.kz", name: "Owner", password: password), isAdmin: false,
            memberships: [(world.ngo, .owner)], by: .admin
        )
        _ = try await services.accounts.createPerson(
            .init(email: "member@ngo.example.kz", name: "Member", password: password), isAdmin: false,
            memberships: [(world.ngo, .member)], by: .admin
        )
        _ = try await services.accounts.createPerson(
            .init(email: "admin@asar.example.kz", name: "Admin", password: password), isAdmin: true,
            totpSecret: people.adminSecret, by: .admin
        )
        return people
    }

    /// Setting up a second factor shows one key to the session that started it until it is
    /// confirmed: after a reload and after a wrong code, the same key and app link; another
    /// session gets a key of its own.
    @Test func settingUpASecondFactorKeepsOneKeyThroughReloadsAndWrongCodes() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                try await PartnershipPageTests.people(database, world: try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken))
                var owner = try await PartnershipPageTests.signedIn(client, "owner@ngo.example.kz")
                func key(_ html: String) -> String? {
                    guard let start = html.range(of: "<dd><code>")?.upperBound, let end = html[start...].range(of: "</code>")?.lowerBound else { return nil }
                    return String(html[start..<end])
                }
                let first = String(buffer: try await owner.get("/account/two-factor").body)
                let shown = try #require(key(first))
                #expect(shown.count >= 16 && first.contains("secret=\(shown)"))
                #expect(key(String(buffer: try await owner.get("/account/two-factor").body)) == shown, "a reload gave another key")
                let wrong = try await owner.post("/account/two-factor", [("code", "000000")])
                let page = String(buffer: wrong.body)
                #expect(wrong.status == .unauthorized && page.contains("code-error"))
                #expect(key(page) == shown && page.contains("otpauth://totp/") && page.contains("secret=\(shown)"), "the key or the link changed after a wrong code")
                // Another session of the same person (someone else who knew the password) gets a key of its own.
                var elsewhere = try await PartnershipPageTests.signedIn(client, "owner@ngo.example.kz")
                let other = try #require(key(String(buffer: try await elsewhere.get("/account/two-factor").body)))
                #expect(other != shown)
            }
        }
    }

    @Test func aMemberEditsTheProfileWithErrorsBesideTheirFieldsAndAViewerOnlyReadsIt() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                let people = try await Self.people(database, world: world)
                let services = Services(pool: database.pool, matching: MatchingConfiguration(), accounts: .cheapHashes)
                _ = try await services.accounts.createPerson(
                    .init(email: "viewer@ngo.example.kz", name: "Viewer", password: Self.password), isAdmin: false,
                    memberships: [(world.ngo, .viewer)], by: .admin
                )
                let path = "/organizations/\(people.ngo.lowercasedString)/profile"
                var member = PageVisitor(client)
                #expect(try await member.signIn("member@ngo.example.kz", Self.password).status == .seeOther)
                let form = String(buffer: try await member.get(path).body)
                #expect(form.contains(#"value="Камкор""#) && form.contains(#"id="place_550000000""#) && form.contains("940140000385"))

                // Wrong contacts, a year before 1900 and no place: each named beside its field, everything typed kept.
                let wrong = try await member.post(path, [
                    ("name_ru", "Камкор"), ("website", "kamkor"), ("contact_email", "kamkor.kz"), ("contact_phone", "call us"),
                    ("founded_year", "1800"), ("description", "Помогаем семьям"),
                ])
                #expect(wrong.status == .unprocessableContent)
                let page = String(buffer: wrong.body)
                for field in ["website", "contact_email", "contact_phone", "founded_year", "region"] {
                    #expect(page.contains(#"id="\#(field)-error""#), "no message beside \(field)")
                }
                #expect(page.contains(#"value="kamkor""#))
                #expect(page.contains("Помогаем семьям"))
                #expect(try await OrganizationRepository(pool: database.pool).find(world.ngo).fields.description.isEmpty, "nothing was saved")

                let saved = try await member.post(path, [
                    ("name_ru", "Камкор"), ("name_en", "Kamkor Foundation"), ("description", "Помогаем семьям"),
                    ("website", "https://kamkor.kz"), ("contact_email", "info@kamkor.kz"), ("contact_phone", "+7 701 234 56 78"),
                    ("place_550000000", "1"), ("region", "750000000"), ("focus_inclusion", "1"), ("focus_education", "1"),
                    ("seeking_education", "1"), ("staff_count", "12"), ("founded_year", "2008"),
                ])
                #expect(saved.headers[.location] == "\(path)?done=1")
                let stored = try await OrganizationRepository(pool: database.pool).find(world.ngo).fields
                #expect(stored.name.en == "Kamkor Foundation" && stored.name.ru == "Камкор")
                #expect(stored.regions == ["550000000", "750000000"] && stored.focusAreas.sorted() == ["education", "inclusion"])
                #expect(stored.seeking == ["education"] && stored.staffCount == 12 && stored.foundedYear == 2008)
                #expect(stored.website == "https://kamkor.kz" && stored.contactEmail == "info@kamkor.kz" && stored.contactPhone == "+7 701 234 56 78")
                #expect(String(buffer: try await member.get("\(path)?done=1").body).contains("The profile is saved."))

                var viewer = PageVisitor(client)
                #expect(try await viewer.signIn("viewer@ngo.example.kz", Self.password).status == .seeOther)
                let read = String(buffer: try await viewer.get(path).body)
                #expect(read.contains("Kamkor Foundation") && !read.contains(#"action="\#(path)""#), "a viewer gets no form")
                #expect(try await viewer.post(path, [("name_ru", "Другое")]).status == .forbidden)
                #expect(try await member.get("/organizations/\(world.business)/profile").status == .notFound)
            }
        }
    }

    @Test func aWrongPasswordAndAnUnknownEmailGetTheSameAnswerThenTheRightOneSignsIn() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                _ = try await Self.people(database, world: world)
                var visitor = PageVisitor(client)
                let wrong = try await visitor.signIn("owner@ngo.example.kz", "not the password")
                let unknown = try await visitor.signIn("nobody@ngo.example.kz", "not the password")
                #expect(wrong.status == .unauthorized)
                #expect(unknown.status == wrong.status)
                let message = { (r: TestResponse) in String(buffer: r.body).firstMatch(of: /id="email-error">([^<]*)</)?.output.1 }
                #expect(message(wrong) != nil)
                #expect(message(wrong) == message(unknown))
                #expect(String(buffer: wrong.body).contains(#"value="owner@ngo.example.kz""#), "the typed email is kept")
                #expect(visitor.cookies["asar_session"] == nil)

                let right = try await visitor.signIn("owner@ngo.example.kz", Self.password)
                #expect(right.status == .seeOther)
                #expect(right.headers[.location] == "/account")
                let cookie = try #require(right.headers[values: .setCookie].first { $0.hasPrefix("asar_session=") })
                #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"))
                let account = try await visitor.get("/account")
                #expect(account.status == .ok)
                #expect(account.headers[.cacheControl] == "no-store")
                #expect(String(buffer: account.body).contains("owner@ngo.example.kz"))

                _ = try await visitor.post("/sign-out", [])
                #expect(visitor.cookies["asar_session"] == nil)
                var stolen = visitor
                stolen.cookies["asar_session"] = cookie.split(separator: ";")[0].split(separator: "=", maxSplits: 1).map(String.init)[1]
                #expect(try await stolen.get("/account").status == .seeOther, "a signed-out session does not come back")
            }
        }
    }

    @Test func aPersonChangesTheirPasswordAndTheirOtherSessionsEnd() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                _ = try await Self.people(database, world: world)
                var here = PageVisitor(client), elsewhere = PageVisitor(client)
                #expect(try await here.signIn("owner@ngo.example.kz", Self.password).status == .seeOther)
                #expect(try await elsewhere.signIn("owner@ngo.example.kz", Self.password).status == .seeOther)
                #expect(try await here.get("/account/password").status == .ok)
                let wrong = try await here.post("/account/password", [
                    ("current_password", "not my password"), ("password", "Brand-New-Horse-7"), ("password_confirmation", "Brand-New-Horse-7"),
                ])
                #expect(wrong.status == .unprocessableContent)
                let page = String(buffer: wrong.body)
                #expect(page.contains(#"id="current_password-error""#))
                #expect(!page.contains("not my password") && !page.contains("Brand-New-Horse-7"), "passwords are never written back")
                #expect(try await elsewhere.get("/account").status == .ok, "a refused change ends nothing")
                // A personal token made with the old password dies with it.
                let issued = try await elsewhere.post("/account/tokens", [("label", "Review tool")])
                let token = String(try #require(String(buffer: issued.body).firstMatch(of: /<code class="wrap">(asar_[A-Za-z0-9_-]+)<\/code>/)?.output.1))
                #expect(try await client.send(.get, "/v1/reviewer/assignments", as: .token(token)).status == .ok)
                let changed = try await here.post("/account/password", [
                    ("current_password", Self.password), ("password", "Brand-New-Horse-7"), ("password_confirmation", "Brand-New-Horse-7"),
                ])
                #expect(changed.status == .seeOther)
                #expect(changed.headers[.location] == "/account?done=password")
                #expect(String(buffer: try await here.get("/account?done=password").body).contains("Your password is changed"))
                #expect(try await elsewhere.get("/account").status == .seeOther, "the other session ended")
                #expect(try await client.send(.get, "/v1/reviewer/assignments", as: .token(token)).status == .unauthorized, "the personal token is revoked")
                var later = PageVisitor(client)
                #expect(try await later.signIn("owner@ngo.example.kz", Self.password).status == .unauthorized)
                #expect(try await later.signIn("owner@ngo.example.kz", "Brand-New-Horse-7").status == .seeOther)
            }
        }
    }

    @Test func aFormWithoutTheCSRFTokenIsRefusedAndChangesNothing() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                _ = try await Self.people(database, world: world)
                var visitor = PageVisitor(client)
                #expect(try await visitor.signIn("owner@ngo.example.kz", Self.password).status == .seeOther)
                let forged = try await visitor.post("/sign-out-everywhere", [], csrf: "")
                #expect(forged.status == .forbidden)
                #expect(try await visitor.get("/account").status == .ok, "still signed in")
                let otherToken = try await visitor.post("/organizations/\(world.ngo)/tokens", [("label", "forged")], csrf: String(repeating: "A", count: 43))
                #expect(otherToken.status == .forbidden)
            }
        }
    }

    @Test func onlyOwnersManageTokensAndInviteAndOnlyAdminsVerify() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                let people = try await Self.people(database, world: world)
                var member = PageVisitor(client)
                #expect(try await member.signIn("member@ngo.example.kz", Self.password).status == .seeOther)
                #expect(try await member.get("/organizations/\(people.ngo)/tokens").status == .forbidden)
                #expect(try await member.post("/organizations/\(people.ngo)/tokens", [("label", "x")]).status == .forbidden)
                #expect(try await member.get("/organizations/\(people.ngo)/members").status == .forbidden)
                #expect(try await member.get("/admin/verification").status == .forbidden)
                #expect(try await member.get("/organizations/\(world.business)/tokens").status == .notFound)

                var owner = PageVisitor(client)
                #expect(try await owner.signIn("owner@ngo.example.kz", Self.password).status == .seeOther)
                let tokensPage = try await owner.get("/organizations/\(people.ngo)/tokens")
                #expect(tokensPage.status == .ok)
                #expect(!String(buffer: tokensPage.body).contains("Copy it now"), "no new-token notice before a token is issued")
                let members = try await owner.get("/organizations/\(people.ngo)/members")
                #expect(members.status == .ok)
                #expect(String(buffer: members.body).contains("member@ngo.example.kz"), "an owner sees who belongs")
                let issued = try await owner.post("/organizations/\(people.ngo)/tokens", [("label", "1C integration"), ("role", "viewer")])
                #expect(issued.status == .ok)
                let token = try #require(String(buffer: issued.body).firstMatch(of: /<code class="wrap">(asar_[A-Za-z0-9_-]+)<\/code>/)?.output.1)
                #expect(String(buffer: issued.body).contains("<td>Viewer</td>"), "the tokens table lists the new token in its role")
                // A viewer's token reads and changes nothing.
                #expect(try await client.send(.get, "/v1/organizations/\(people.ngo)/inbox", as: .token(String(token))).status == .ok)
                #expect(try await client.send(.patch, "/v1/organizations/\(people.ngo)", json: #"{"staff_count": 3}"#, as: .token(String(token))).status == .forbidden)
                let empty = try await owner.post("/organizations/\(people.ngo)/tokens", [("label", "")])
                #expect(empty.status == .unprocessableContent)
                #expect(String(buffer: empty.body).contains(#"id="label-error""#) && String(buffer: empty.body).contains(#"id="role-error""#))
                let oddRole = try await owner.post("/organizations/\(people.ngo)/tokens", [("label", "x"), ("role", "admin")])
                #expect(oddRole.status == .unprocessableContent && String(buffer: oddRole.body).contains(#"id="role-error""#))
                #expect(try await owner.get("/admin/verification").status == .forbidden)

                var admin = PageVisitor(client)
                let signedIn = try await admin.signIn("admin@asar.example.kz", Self.password, totp: people.adminSecret)
                #expect(signedIn.headers[.location] == "/account")
                #expect(try await admin.get("/admin/verification").status == .ok)

                // People and their roles: the admin suspends the member, whose session ends at once.
                #expect(try await member.get("/admin/people").status == .forbidden)
                let everyone = String(buffer: try await admin.get("/admin/people?q=ngo.example").body)
                #expect(everyone.contains("member@ngo.example.kz") && everyone.contains("owner@ngo.example.kz") && !everyone.contains("admin@asar.example.kz"))
                let memberID = try #require(try await PeopleRepository(pool: database.pool).credentials(email: "member@ngo.example.kz")?.person.id)
                let adminID = try #require(try await PeopleRepository(pool: database.pool).credentials(email: "admin@asar.example.kz")?.person.id)
                #expect(try await admin.post("/admin/people/\(memberID.lowercasedString)", [("action", "disable")]).status == .seeOther)
                #expect(try await member.get("/workspace/partnerships").status == .seeOther, "the suspended member's session is gone")
                var suspended = PageVisitor(client)
                #expect(try await suspended.signIn("member@ngo.example.kz", Self.password).headers[.location] != "/account")
                #expect(try await admin.post("/admin/people/\(adminID.lowercasedString)", [("action", "disable")]).status == .conflict, "no admin locks themselves out")
                #expect(try await admin.post("/admin/people/\(memberID.lowercasedString)", [("action", "enable")]).status == .seeOther)
                var back = PageVisitor(client)
                #expect(try await back.signIn("member@ngo.example.kz", Self.password).headers[.location] == "/account")

                // Every token: the admin sees the NGO's "1C integration" and revokes it; its requests are refused from then on.
                #expect(try await owner.get("/admin/tokens").status == .forbidden)
                let tokens = String(buffer: try await admin.get("/admin/tokens").body)
                #expect(tokens.contains("1C integration"))
                let row = try #require(tokens.firstMatch(of: /action="\/admin\/tokens\/([0-9a-f-]+)\/revoke"/)?.output.1)
                let listed = try await TokenRepository(pool: database.pool).list(organizationID: people.ngo)
                let integration = try #require(listed.first { $0.label == "1C integration" })
                #expect(try await owner.post("/admin/tokens/\(integration.id.lowercasedString)/revoke", []).status == .forbidden)
                #expect(try await admin.post("/admin/tokens/\(integration.id.lowercasedString)/revoke", []).headers[.location] == "/admin/tokens?done=revoked")
                #expect(try await client.send(.get, "/v1/organizations/\(people.ngo)", as: .token(String(token))).status == .unauthorized)
                #expect(!String(row).isEmpty)
                #expect(String(buffer: try await admin.get("/admin/tokens?done=revoked").body).contains("Revoked"))
            }
        }
    }

    @Test func aPersonIssuesAPersonalTokenThatReviewsForThemAloneAndRevokesIt() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                let people = try await Self.people(database, world: world)
                var member = PageVisitor(client)
                #expect(try await member.signIn("member@ngo.example.kz", Self.password).status == .seeOther)
                let empty = try await member.get("/account/tokens")
                #expect(empty.status == .ok && String(buffer: empty.body).contains("No tokens yet."))
                #expect(!String(buffer: empty.body).contains(#"name="role""#), "a personal token has no organization role")
                let unlabelled = try await member.post("/account/tokens", [("label", " ")])
                #expect(unlabelled.status == .unprocessableContent && String(buffer: unlabelled.body).contains(#"id="label-error""#))
                let issued = try await member.post("/account/tokens", [("label", "Review tool")])
                #expect(issued.status == .ok)
                let token = String(try #require(String(buffer: issued.body).firstMatch(of: /<code class="wrap">(asar_[A-Za-z0-9_-]+)<\/code>/)?.output.1))
                // It reads the person's assignments (none) and acts for none of their organizations.
                #expect(try await client.send(.get, "/v1/reviewer/assignments", as: .token(token)).status == .ok)
                #expect(try await client.send(.patch, "/v1/organizations/\(people.ngo)", json: #"{"staff_count": 3}"#, as: .token(token)).status == .forbidden)
                #expect(try await client.send(.get, "/v1/organizations/\(people.ngo)/inbox", as: .token(token)).status == .forbidden)

                // Nobody else lists or revokes it; the admins see whose it is.
                let memberID = try #require(try await PeopleRepository(pool: database.pool).credentials(email: "member@ngo.example.kz")?.person.id)
                let id = try #require(try await TokenRepository(pool: database.pool).list(personID: memberID).first?.id)
                var owner = PageVisitor(client)
                #expect(try await owner.signIn("owner@ngo.example.kz", Self.password).status == .seeOther)
                #expect(!String(buffer: try await owner.get("/account/tokens").body).contains("Review tool"))
                #expect(try await owner.post("/account/tokens/\(id.lowercasedString)/revoke", []).status == .notFound)
                #expect(try await client.send(.get, "/v1/reviewer/assignments", as: .token(token)).status == .ok)
                var admin = PageVisitor(client)
                _ = try await admin.signIn("admin@asar.example.kz", Self.password, totp: people.adminSecret)
                #expect(String(buffer: try await admin.get("/admin/tokens").body).contains("Personal token of Member (member@ngo.example.kz)"))

                #expect(try await member.post("/account/tokens/\(id.lowercasedString)/revoke", []).headers[.location] == "/account/tokens")
                #expect(try await client.send(.get, "/v1/reviewer/assignments", as: .token(token)).status == .unauthorized)
                #expect(String(buffer: try await member.get("/account/tokens").body).contains("Revoked"))
            }
        }
    }

    @Test func anOwnerGivesDocumentsThatOnlyItsPeopleAndTheAdminsSeeAndTheQueueWeighs() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                let people = try await Self.people(database, world: world)
                try await database.pool.withConnection { try $0.query("UPDATE organizations SET verification = 'unverified' WHERE id = $1", [people.ngo]) }
                let pdf = Array("%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n".utf8)
                let path = "/organizations/\(people.ngo.lowercasedString)/documents"

                var owner = PageVisitor(client)
                #expect(try await owner.signIn("owner@ngo.example.kz", Self.password).status == .seeOther)
                #expect(try await owner.upload(path, [("kind", "charter")], file: ("file", "x.pdf", pdf), csrf: "forged").status == .forbidden)
                let refused = try await owner.upload(path, [("kind", "charter")], file: ("file", "page.html", Array("<html><script>alert(1)</script>".utf8)))
                #expect(refused.status == .unprocessableContent)
                #expect(String(buffer: refused.body).contains(#"id="file-error""#), "the reason stands beside the file field")
                #expect(String(buffer: refused.body).contains(#"<option value="charter" selected>"#), "the kind chosen is kept")
                let uploaded = try await owner.upload(path, [("kind", "registration_certificate")], file: ("file", "Свидетельство 2024.pdf", pdf))
                #expect(uploaded.headers[.location] == "\(path)?done=uploaded")
                let listed = String(buffer: try await owner.get("\(path)?done=uploaded").body)
                let link = try #require(listed.firstMatch(of: /href="(\/organizations\/[0-9a-f-]+\/documents\/[0-9a-f-]+)" download>Свидетельство 2024\.pdf</)?.output.1)

                let download = try await owner.get(String(link))
                #expect(download.status == .ok)
                #expect(Array(download.body.readableBytesView) == pdf, "the bytes come back as given")
                #expect(download.headers[.contentType] == "application/pdf")
                #expect(download.headers[.contentDisposition] == #"attachment; filename="_____________ 2024.pdf"; filename*=UTF-8''%D0%A1%D0%B2%D0%B8%D0%B4%D0%B5%D1%82%D0%B5%D0%BB%D1%8C%D1%81%D1%82%D0%B2%D0%BE%202024.pdf"#)
                #expect(download.headers[.contentSecurityPolicy]?.hasPrefix("sandbox") == true)
                #expect(download.headers[.xContentTypeOptions] == "nosniff")

                var member = PageVisitor(client)
                #expect(try await member.signIn("member@ngo.example.kz", Self.password).status == .seeOther)
                let seen = String(buffer: try await member.get(path).body)
                #expect(seen.contains("Свидетельство 2024.pdf") && !seen.contains(#"enctype="multipart/form-data""#), "a member reads, an owner uploads")
                #expect(try await member.upload(path, [("kind", "charter")], file: ("file", "c.pdf", pdf)).status == .forbidden)
                #expect(try await member.get("/organizations/\(world.business)/documents").status == .notFound)

                var admin = PageVisitor(client)
                #expect(try await admin.signIn("admin@asar.example.kz", Self.password, totp: people.adminSecret).status == .seeOther)
                let queue = String(buffer: try await admin.get("/admin/verification").body)
                #expect(queue.contains("href=\"\(link)\""), "the queue links the document")
                #expect(queue.contains("href=\"\(path)\""), "the queue links the organization's documents page")
                #expect(queue.contains("registered 1994-01, resident legal entity, head unit"), "what the BIN says")
                #expect(queue.contains("owner@ngo.example.kz"), "who registered it")
                #expect(!queue.contains("No certificate of state registration"), "a certificate was given")
                #expect(try await admin.get(String(link)).status == .ok)
                var stranger = PageVisitor(client)
                #expect(try await stranger.get(String(link)).status == .seeOther, "signed out: to the sign-in page")

                #expect(try await owner.post("\(link)/remove", []).headers[.location] == "\(path)?done=removed")
                #expect(try await owner.get(String(link)).status == .notFound)
                #expect(String(buffer: try await admin.get("/admin/verification").body).contains("No certificate of state registration"))

                // Too large: refused beside the field before the body is read; once verified, the papers stay.
                let huge = try await owner.upload(path, [("kind", "charter")], file: ("file", "big.pdf", pdf + [UInt8](repeating: 32, count: DocumentRules.maxBytes + 64 * 1024)))
                #expect(huge.status == .contentTooLarge)
                #expect(String(buffer: huge.body).contains(#"id="file-error""#))
                #expect(try await owner.upload(path, [("kind", "charter")], file: ("file", "charter.pdf", pdf)).status == .seeOther)
                let charter = try #require(try await DocumentRepository(pool: database.pool).documents(of: people.ngo).first)
                #expect(try await admin.post("/admin/verification/\(people.ngo.lowercasedString)", [("status", "verified")]).status == .seeOther)
                let kept = try await owner.post("\(path)/\(charter.id.lowercasedString)/remove", [])
                #expect(kept.status == .conflict)
                #expect(String(buffer: kept.body).contains("verified on these documents"))
                #expect(!String(buffer: try await owner.get(path).body).contains("/remove\""), "no remove button once verified")
                // The admin reaches the organization's documents page from the queue and may still remove a paper.
                let adminPage = try await admin.get(path)
                #expect(adminPage.status == .ok)
                #expect(String(buffer: adminPage.body).contains("\(path)/\(charter.id.lowercasedString)/remove"), "an admin may remove what verification rests on")
                #expect(String(buffer: adminPage.body).contains("href=\"/admin/verification\""), "the admin's way back is the queue")
                #expect(try await admin.post("\(path)/\(charter.id.lowercasedString)/remove", []).headers[.location] == "\(path)?done=removed")
                #expect(try await DocumentRepository(pool: database.pool).documents(of: people.ngo).isEmpty)
                #expect(try await stranger.get(path).status == .seeOther, "signed out: to the sign-in page")
            }
        }
    }

    @Test func aPersonWhoOwesASecondFactorHasNoRightsUntilTheCodeIsRight() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                _ = try await Self.people(database, world: world)
                var admin = PageVisitor(client)
                let first = try await admin.signIn("admin@asar.example.kz", Self.password)
                #expect(first.headers[.location] == "/sign-in/code")
                #expect(try await admin.get("/admin/verification").headers[.location] == "/sign-in/code")
                let wrong = try await admin.post("/sign-in/code", [("code", "000000")])
                #expect(wrong.status == .unauthorized)
                #expect(String(buffer: wrong.body).contains(#"id="code-error""#))
                let malformed = try await admin.post("/sign-in/code", [("code", "12")])
                #expect(malformed.status == .badRequest)
            }
        }
    }

    @Test func registrationErrorsShowBesideTheirFieldsAndKeepWhatWasTyped() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                var visitor = PageVisitor(client)
                let response = try await visitor.post("/register", [
                    ("kind", "ngo"), ("organization_name", #"<b>Fund</b> "quoted""#), ("bin", "123"), ("legal_form", ""),
                    ("region", ""), ("display_name", "Aigerim"), ("email", "not-an-email"), ("password", "short"),
                    ("password_confirmation", "short"),
                ])
                #expect(response.status == .unprocessableContent)
                let html = String(buffer: response.body)
                for field in ["bin", "legal_form", "region"] {
                    #expect(html.contains(#"id="\#(field)-error""#), "\(field) has its message")
                }
                #expect(html.contains(#"class="error-summary""#))
                #expect(html.contains("&lt;b&gt;Fund&lt;/b&gt; &quot;quoted&quot;"), "the typed name is kept, as text")
                #expect(html.contains(#"value="Aigerim""#))
            }
        }
    }
}
