import Domain
import Foundation
import HTTPTypes
import Storage
import Testing
import TestSupport

/// The shortlist endpoints: what they answer and how they refuse.
@Suite struct ShortlistAPITests {
    @Test func addListAndRemoveOverHTTP() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                let business = world.caller("business")
                let project = try await world.openProject()
                let path = "/v1/organizations/\(world.business)/shortlist/\(project)"
                let created = try await client.send(.put, path, json: #"{"note": "Следующий квартал"}"#, as: business)
                #expect(created.status == .created)
                #expect((created.json["project"] as? [String: Any])?["id"] as? String == project.lowercasedString)
                #expect(created.json["note"] as? String == "Следующий квартал")
                #expect(created.json["funding_gap_kzt"] as? Int == 20_000_000)
                #expect(created.json["added_by"] == nil, "an API token is no person")
                // Idempotent: the same PUT again is a 200 with the new note.
                let again = try await client.send(.put, path, json: "{}", as: business)
                #expect(again.status == .ok && again.json["note"] == nil)
                let list = try await client.send(.get, "/v1/organizations/\(world.business)/shortlist", as: business)
                #expect(list.items.map { ($0["project"] as? [String: Any])?["id"] as? String } == [project.lowercasedString])
                let removed = try await client.send(.delete, path, as: business)
                #expect(removed.status == .noContent && removed.body.readableBytes == 0)
                let gone = try await client.send(.delete, path, as: business)
                #expect(gone.status == .notFound && gone.isProblem)
                #expect(try await client.send(.get, "/v1/organizations/\(world.business)/shortlist", as: business).items.isEmpty)
            }
        }
    }

    @Test func refusalsSayWhy() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                let business = world.caller("business")
                let project = try await world.openProject()
                let path = "/v1/organizations/\(world.business)/shortlist/\(project)"
                let cases: [(String, String, HTTPResponse.Status, String?)] = [
                    ("note of the wrong type", #"{"note": 5}"#, .unprocessableContent, "note"),
                    ("empty note", #"{"note": "  "}"#, .unprocessableContent, "note"),
                    ("note too long", #"{"note": "\#(String(repeating: "ә", count: 501))"}"#, .unprocessableContent, "note"),
                    ("unknown field", #"{"reason": "x"}"#, .unprocessableContent, "reason"),
                    ("malformed JSON", #"{"note": "#, .badRequest, nil),
                ]
                for (name, body, status, field) in cases {
                    let response = try await client.send(.put, path, json: body, as: business)
                    #expect(response.status == status, "\(name)")
                    #expect(response.isProblem, "\(name)")
                    if let field { #expect(response.errorFields == [field], "\(name)") }
                }
                // A draft does not exist for the business; an unknown id neither.
                for candidate in [world.draftProject.uuidString, UUID().uuidString, "not-a-uuid"] {
                    let unknown = try await client.send(.put, "/v1/organizations/\(world.business)/shortlist/\(candidate)", json: "{}", as: business)
                    #expect(unknown.status == .notFound && unknown.isProblem, "\(candidate)")
                }
                // Only a business keeps one.
                let ngo = try await client.send(.put, "/v1/organizations/\(world.ngo)/shortlist/\(project)", json: "{}", as: world.caller("ngo"))
                #expect(ngo.status == .forbidden && ngo.isProblem)
                // A closed project cannot be weighed any more.
                _ = try await ProjectRepository(pool: database.pool).close(project)
                let closed = try await client.send(.put, path, json: "{}", as: business)
                #expect(closed.status == .conflict && closed.problemType?.hasSuffix("project-not-open") == true)
                #expect(try await client.send(.get, "/v1/organizations/\(world.business)/shortlist", as: business).items.isEmpty)
            }
        }
    }
}
