import Domain
import Foundation
import HTTPTypes
import Testing
import TestSupport

/// The dismissal endpoints: what they answer and how they refuse bad input.
@Suite struct DismissalAPITests {
    @Test func dismissListAndUndoOverHTTP() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                let ngo = world.caller("ngo")
                let path = "/v1/organizations/\(world.ngo)/dismissals/\(world.business)"
                let created = try await client.send(.put, path, json: #"{"reason": "Другой регион"}"#, as: ngo)
                #expect(created.status == .created)
                #expect(created.json["candidate_kind"] as? String == "business")
                #expect(created.json["reason"] as? String == "Другой регион")
                #expect(created.json["dismissed_by"] == nil, "an API token is no person")
                // Idempotent: the same PUT again is a 200 with the new reason.
                let again = try await client.send(.put, path, json: "{}", as: ngo)
                #expect(again.status == .ok && again.json["reason"] == nil)
                let list = try await client.send(.get, "/v1/organizations/\(world.ngo)/dismissals", as: ngo)
                #expect(list.items.map { $0["candidate_id"] as? String } == [world.business.uuidString.lowercased()])
                let undone = try await client.send(.delete, path, as: ngo)
                #expect(undone.status == .noContent && undone.body.readableBytes == 0)
                let gone = try await client.send(.delete, path, as: ngo)
                #expect(gone.status == .notFound && gone.isProblem)
                #expect(try await client.send(.get, "/v1/organizations/\(world.ngo)/dismissals", as: ngo).items.isEmpty)
            }
        }
    }

    @Test func badInputIsAProblemWithTheField() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                let ngo = world.caller("ngo")
                let path = "/v1/organizations/\(world.ngo)/dismissals/\(world.business)"
                let cases: [(String, String, HTTPResponse.Status, String?)] = [
                    ("reason of the wrong type", #"{"reason": 5}"#, .unprocessableContent, "reason"),
                    ("empty reason", #"{"reason": "  "}"#, .unprocessableContent, "reason"),
                    ("reason too long", #"{"reason": "\#(String(repeating: "ә", count: 501))"}"#, .unprocessableContent, "reason"),
                    ("unknown field", #"{"because": "x"}"#, .unprocessableContent, "because"),
                    ("malformed JSON", #"{"reason": "#, .badRequest, nil),
                ]
                for (name, body, status, field) in cases {
                    let response = try await client.send(.put, path, json: body, as: ngo)
                    #expect(response.status == status, "\(name)")
                    #expect(response.isProblem, "\(name)")
                    if let field { #expect(response.errorFields == [field], "\(name)") }
                }
                let wrongKind = try await client.send(.put, "/v1/organizations/\(world.ngo)/dismissals/\(world.spare)", json: "{}", as: ngo)
                #expect(wrongKind.status == .unprocessableContent && wrongKind.errorFields == ["candidate_id"])
                for candidate in ["not-a-uuid", UUID().uuidString] {
                    let unknown = try await client.send(.put, "/v1/organizations/\(world.ngo)/dismissals/\(candidate)", json: "{}", as: ngo)
                    #expect(unknown.status == .notFound && unknown.isProblem, "\(candidate)")
                }
                let noBody = try await client.send(.put, path, as: ngo)
                #expect(noBody.status.code >= 400 && noBody.status.code < 500 && noBody.isProblem)
                // Nothing was dismissed by any of it.
                #expect(try await client.send(.get, "/v1/organizations/\(world.ngo)/dismissals", as: ngo).items.isEmpty)
            }
        }
    }
}
