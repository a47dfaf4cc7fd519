import Foundation
import Testing
import TestSupport

@Suite struct OrganizationAPITests {
    @Test func createReadUpdateDeactivate() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let created = try await client.send(.post, "/v1/organizations", json: Bodies.ngo())
                #expect(created.status == .created)
                let id = try #require(created.json["id"] as? String)
                #expect(created.headers[.location] == "/v1/organizations/\(id)")
                #expect((created.json["contact"] as? [String: Any])?["email"] as? String == "info@kamkor.kz")

                let read = try await client.send(.get, "/v1/organizations/\(id)")
                #expect(read.status == .ok)
                #expect((read.json["name"] as? [String: Any])?["kk"] as? String == "Қамқор")
                #expect(read.json["contact"] == nil, "contacts are private")
                #expect(read.json["staff_count"] as? Int == 12)

                let patched = try await client.send(.patch, "/v1/organizations/\(id)", json: #"{"name": {"en": null}, "staff_count": 15}"#)
                #expect(patched.status == .ok)
                #expect(patched.json["staff_count"] as? Int == 15)
                let name = patched.json["name"] as? [String: Any]
                #expect(name?["en"] == nil && name?["ru"] as? String == "Камкор", "merge patch keeps untouched languages")

                let deactivated = try await client.send(.delete, "/v1/organizations/\(id)")
                #expect(deactivated.status == .ok)
                #expect(deactivated.json["active"] as? Bool == false)
                #expect(try await client.send(.get, "/v1/organizations").items.isEmpty)
                #expect(try await client.send(.get, "/v1/organizations?include_inactive=true").items.count == 1)
            }
        }
    }

    @Test func malformedJSONIs400() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                for body in [#"{"kind": "ngo""#, "not json", "[1, 2]", "", #"{"a": 1}}"#] {
                    let response = try await client.send(.post, "/v1/organizations", json: body)
                    #expect(response.status == .badRequest, "body \(body)")
                    #expect(response.isProblem)
                    #expect(response.problemType == "/problems/malformed-json")
                }
            }
        }
    }

    @Test func unknownIdIs404() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                for path in ["/v1/organizations/\(UUID())", "/v1/organizations/not-a-uuid", "/v1/projects/\(UUID())"] {
                    let response = try await client.send(.get, path)
                    #expect(response.status == .notFound, "\(path)")
                    #expect(response.isProblem)
                }
                let patch = try await client.send(.patch, "/v1/organizations/\(UUID())", json: #"{"staff_count": 1}"#)
                #expect(patch.status == .notFound)
                #expect(try await client.send(.get, "/v1/nothing-here").status == .notFound)
            }
        }
    }

    @Test func duplicateBINIs409() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                #expect(try await client.send(.post, "/v1/organizations", json: Bodies.ngo()).status == .created)
                let duplicate = try await client.send(.post, "/v1/organizations", json: Bodies.ngo())
                #expect(duplicate.status == .conflict)
                #expect(duplicate.problemType == "/problems/duplicate-bin")
            }
        }
    }

    @Test func oversizedBodyIs413() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let padding = String(repeating: "a", count: 300 * 1024)
                let response = try await client.send(.post, "/v1/organizations", json: #"{"description": "\#(padding)"}"#)
                #expect(response.status == .contentTooLarge)
                #expect(response.isProblem)
            }
        }
    }

    @Test func wrongContentTypeIs415() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let response = try await client.send(.post, "/v1/organizations", json: Bodies.ngo(), contentType: "text/plain")
                #expect(response.status == .unsupportedMediaType)
                #expect(response.isProblem)
                let none = try await client.execute(
                    uri: "/v1/organizations", method: .post, headers: [.authorization: "Bearer \(client.adminToken)"], body: .init(string: Bodies.ngo())
                )
                #expect(none.status == .unsupportedMediaType)
            }
        }
    }

    @Test func invalidFieldsAre422WithEveryFieldNamed() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let body = """
                    {"kind": "ngo", "bin": "940140000386", "legal_form": "llp", "name": {"de": "Stiftung"},
                     "regions": ["999000000", "12"], "focus_areas": ["astrology"], "staff_count": "many",
                     "annual_csr_budget_kzt": 5, "favourite_colour": "blue"}
                    """
                let response = try await client.send(.post, "/v1/organizations", json: body)
                #expect(response.status == .unprocessableContent)
                #expect(response.problemType == "/problems/validation")
                #expect(response.errorFields.isSuperset(of: ["name.de", "regions[1]", "staff_count", "favourite_colour"]))
                // Cross-field rules come in the same answer as format errors.
                #expect(response.errorFields.isSuperset(of: ["bin", "annual_csr_budget_kzt"]))
                let referenceErrors = try await client.send(.post, "/v1/organizations", json: """
                    {"kind": "ngo", "bin": "940140000386", "legal_form": "llp", "name": {"ru": "Фонд"},
                     "regions": ["999000000"], "focus_areas": ["astrology"], "annual_csr_budget_kzt": 5}
                    """)
                #expect(referenceErrors.status == .unprocessableContent)
                #expect(referenceErrors.errorFields == ["bin", "legal_form", "regions[0]", "focus_areas[0]", "annual_csr_budget_kzt"])
                #expect(try await client.send(.get, "/v1/organizations?include_inactive=true").items.isEmpty, "nothing was written")
            }
        }
    }

    @Test func invalidListParametersAre422() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                for query in ["kind=bank", "region=999000000", "region=12", "focus_area=astrology", "limit=0", "limit=100000",
                              "limit=ten", "cursor=garbage", "colour=blue", "q=%20%21"] {
                    let response = try await client.send(.get, "/v1/organizations?\(query)")
                    #expect(response.status == .unprocessableContent, "\(query)")
                    #expect(response.isProblem)
                }
            }
        }
    }

    @Test func wrongMethodIs405WithAllow() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let response = try await client.send(.put, "/v1/organizations/\(UUID())")
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET, PATCH, DELETE")
            }
        }
    }

    @Test func listFiltersAndPaginates() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                #expect(try await client.send(.post, "/v1/organizations", json: Bodies.ngo()).status == .created)
                #expect(try await client.send(.post, "/v1/organizations", json: Bodies.business()).status == .created)
                #expect(try await client.send(.get, "/v1/organizations?kind=business").items.count == 1)
                #expect(try await client.send(.get, "/v1/organizations?region=550000000").items.count == 1)
                #expect(try await client.send(.get, "/v1/organizations?focus_area=inclusion,rural_development").items.count == 2)
                #expect(try await client.send(.get, "/v1/organizations?q=%D0%B4%D0%B5%D1%82%D0%B5%D0%B9").items.count == 1)
                let first = try await client.send(.get, "/v1/organizations?limit=1")
                let cursor = try #require(first.json["next_cursor"] as? String)
                let second = try await client.send(.get, "/v1/organizations?limit=1&cursor=\(cursor)")
                #expect(second.items.count == 1)
                #expect(second.json["next_cursor"] is NSNull)
                #expect(first.items.first?["id"] as? String != second.items.first?["id"] as? String)
                // Any value of the cursor's declared shape is a cursor: the earliest one lists nothing after it.
                let earliest = try await client.send(.get, "/v1/organizations?cursor=0.00000000-0000-0000-0000-000000000000")
                #expect(earliest.status == .ok)
                #expect(earliest.items.isEmpty)
            }
        }
    }

    @Test func dataSurvivesAServiceRestart() async throws {
        try await TestDatabase.with { database in
            let id = try await withService(database) { client in
                let created = try await client.send(.post, "/v1/organizations", json: Bodies.ngo())
                return try #require(created.json["id"] as? String)
            }
            // A second service instance with its own pool, as after a restart.
            try await withService(database) { client in
                let read = try await client.send(.get, "/v1/organizations/\(id)")
                #expect(read.status == .ok)
                #expect(read.json["bin"] as? String == "940140000385")
            }
        }
    }
}
