import Domain
import Foundation
@testable import API
import UseCases
import Postgres
import HTTPTypes
import DemoData
import Storage
import Testing
import TestSupport

/// Every endpoint against every kind of caller, asserting the exact status of each cell.
@Suite struct AuthorizationMatrixTests {
    /// One row: how to make the request (fresh state where it matters) and the status per caller,
    /// in the order of `AccessWorld.callers`:
    /// anonymous, business, ngo, government inside, government outside, admin, revoked token.
    struct Row: Sendable {
        let name: String
        let expected: [Int]
        /// A personal token's status where it differs from `personStatus(anonymous:)`'s rule.
        var person: Int? = nil
        let request: @Sendable (AccessWorld) async throws -> (HTTPRequest.Method, String, String?)
    }

    static let rows: [Row] = apiRows + pageRows + portalPageRows + accountPageRows + callPageRows + callParticipantPageRows

    /// A call in Pavlodar Region open from 2020 to 2099, for the government body named (POST) or as the draft's new terms (PUT).
    static func callJSON(governmentBody: UUID?) -> String {
        let body = governmentBody.map { #", "government_body_id": "\#($0)""# } ?? ""
        return """
            {"title": {"ru": "Социальный заказ"}, "territory": "550000000", "state_budget_kzt": 10000000, "min_grant_kzt": 1000000,
             "max_grant_kzt": 5000000, "pass_mark": 50, "opens_at": "2020-01-01T00:00:00Z", "closes_at": "2099-01-01T00:00:00Z",
             "reviews_due_at": "2099-02-01T00:00:00Z", "results_at": "2099-03-01T00:00:00Z",
             "questions": [{"text": {"ru": "Зачем?"}}], "criteria": [{"name": {"ru": "Польза"}, "weight": 1, "scale_max": 5}]\(body)}
            """
    }

    static let apiRows: [Row] = [
        Row(name: "GET /health", expected: [200, 200, 200, 200, 200, 200, 401]) { _ in (.get, "/health", nil) },
        Row(name: "GET /ready", expected: [200, 200, 200, 200, 200, 200, 401]) { _ in (.get, "/ready", nil) },
        Row(name: "GET /metrics", expected: [200, 200, 200, 200, 200, 200, 401]) { _ in (.get, "/metrics", nil) },
        Row(name: "GET /openapi.json", expected: [200, 200, 200, 200, 200, 200, 401]) { _ in (.get, "/openapi.json", nil) },
        Row(name: "GET /v1/regions", expected: [200, 200, 200, 200, 200, 200, 401]) { _ in (.get, "/v1/regions", nil) },
        Row(name: "GET /v1/focus-areas", expected: [200, 200, 200, 200, 200, 200, 401]) { _ in (.get, "/v1/focus-areas", nil) },
        Row(name: "GET /v1/legal-forms", expected: [200, 200, 200, 200, 200, 200, 401]) { _ in (.get, "/v1/legal-forms", nil) },
        Row(name: "GET /v1/organizations", expected: [200, 200, 200, 200, 200, 200, 401]) { _ in (.get, "/v1/organizations", nil) },
        Row(name: "GET /v1/organizations/{id}", expected: [200, 200, 200, 200, 200, 200, 401]) { world in
            (.get, "/v1/organizations/\(world.ngo)", nil)
        },
        Row(name: "POST /v1/organizations", expected: [401, 403, 403, 403, 403, 201, 401]) { _ in
            let bin = try AccessWorld.validBIN(startingAt: String(format: "1105400%03d", Int.random(in: 0...999)))
            return (.post, "/v1/organizations", #"{"kind": "ngo", "bin": "\#(bin)", "legal_form": "public_foundation", "name": {"ru": "Новый фонд"}, "nationwide": true}"#)
        },
        Row(name: "PATCH /v1/organizations/{id}", expected: [401, 403, 200, 403, 403, 200, 401]) { world in
            (.patch, "/v1/organizations/\(world.ngo)", #"{"staff_count": 5}"#)
        },
        Row(name: "DELETE /v1/organizations/{id}", expected: [401, 403, 403, 403, 403, 200, 401]) { world in
            (.delete, "/v1/organizations/\(world.spare)", nil)
        },
        Row(name: "PUT /v1/organizations/{id}/verification", expected: [401, 403, 403, 403, 403, 200, 401]) { world in
            (.put, "/v1/organizations/\(world.ngo)/verification", #"{"status": "verified"}"#)
        },
        Row(name: "GET /v1/organizations/{id}/matches", expected: [200, 200, 200, 200, 200, 200, 401]) { world in
            (.get, "/v1/organizations/\(world.business)/matches", nil)
        },
        Row(name: "GET /v1/organizations/{id}/dismissals", expected: [401, 403, 200, 403, 403, 200, 401]) { world in
            (.get, "/v1/organizations/\(world.ngo)/dismissals", nil)
        },
        // A new project each time, so every caller allowed to dismiss dismisses it now (201).
        Row(name: "PUT /v1/organizations/{id}/dismissals/{candidate_id}", expected: [401, 201, 403, 403, 403, 201, 401]) { world in
            (.put, "/v1/organizations/\(world.business)/dismissals/\(try await world.openProject())", #"{"reason": "Not this year"}"#)
        },
        Row(name: "DELETE /v1/organizations/{id}/dismissals/{candidate_id}", expected: [401, 403, 204, 403, 403, 204, 401]) { world in
            _ = try await DismissalRepository(pool: world.pool).put(organization: world.ngo, candidate: world.business, reason: nil, by: nil)
            return (.delete, "/v1/organizations/\(world.ngo)/dismissals/\(world.business)", nil)
        },
        Row(name: "GET /v1/organizations/{id}/shortlist", expected: [401, 200, 403, 403, 403, 200, 401]) { world in
            (.get, "/v1/organizations/\(world.business)/shortlist", nil)
        },
        // A new project each time, so every caller allowed to shortlist adds it now (201).
        Row(name: "PUT /v1/organizations/{id}/shortlist/{project_id}", expected: [401, 201, 403, 403, 403, 201, 401]) { world in
            (.put, "/v1/organizations/\(world.business)/shortlist/\(try await world.openProject())", #"{"note": "Next quarter"}"#)
        },
        Row(name: "DELETE /v1/organizations/{id}/shortlist/{project_id}", expected: [401, 204, 403, 403, 403, 204, 401]) { world in
            let project = try await world.openProject()
            _ = try await ShortlistRepository(pool: world.pool).put(organization: world.business, project: project, note: nil, by: nil)
            return (.delete, "/v1/organizations/\(world.business)/shortlist/\(project)", nil)
        },
        Row(name: "GET /v1/projects", expected: [200, 200, 200, 200, 200, 200, 401]) { _ in (.get, "/v1/projects", nil) },
        Row(name: "POST /v1/projects", expected: [401, 403, 201, 403, 403, 201, 401]) { world in
            (.post, "/v1/projects", #"{"organization_id": "\#(world.ngo)", "title": {"ru": "Проект"}, "regions": ["550000000"], "funding_needed_kzt": 1000000, "duration_months": 6}"#)
        },
        Row(name: "GET /v1/projects/{id}", expected: [200, 200, 200, 200, 200, 200, 401]) { world in
            (.get, "/v1/projects/\(try await world.openProject())", nil)
        },
        Row(name: "GET /v1/projects/{draft}", expected: [404, 404, 200, 404, 404, 200, 401]) { world in
            (.get, "/v1/projects/\(world.draftProject)", nil)
        },
        Row(name: "PATCH /v1/projects/{id}", expected: [401, 403, 200, 403, 403, 200, 401]) { world in
            (.patch, "/v1/projects/\(try await world.openProject())", #"{"beneficiaries": 50}"#)
        },
        Row(name: "PATCH /v1/projects/{draft}", expected: [401, 404, 200, 404, 404, 200, 401]) { world in
            (.patch, "/v1/projects/\(world.draftProject)", #"{"beneficiaries": 50}"#)
        },
        Row(name: "DELETE /v1/projects/{id}", expected: [401, 403, 200, 403, 403, 200, 401]) { world in
            (.delete, "/v1/projects/\(try await world.openProject())", nil)
        },
        Row(name: "GET /v1/projects/{id}/matches", expected: [200, 200, 200, 200, 200, 200, 401]) { world in
            (.get, "/v1/projects/\(try await world.openProject())/matches", nil)
        },
        Row(name: "GET /v1/projects/{draft}/matches", expected: [404, 404, 200, 404, 404, 200, 401]) { world in
            (.get, "/v1/projects/\(world.draftProject)/matches", nil)
        },
        Row(name: "GET /v1/projects/{id}/triples", expected: [200, 200, 200, 200, 200, 200, 401]) { world in
            (.get, "/v1/projects/\(try await world.openProject())/triples", nil)
        },
        Row(name: "POST /v1/partnerships", expected: [401, 201, 201, 201, 403, 201, 401]) { world in
            (.post, "/v1/partnerships", #"{"project_id": "\#(try await world.openProject())", "business_id": "\#(world.business)", "government_body_id": "\#(world.akimatInside)", "pledge_kzt": 5000000}"#)
        },
        Row(name: "GET /v1/partnerships", expected: [401, 200, 200, 200, 200, 200, 401]) { _ in (.get, "/v1/partnerships", nil) },
        Row(name: "GET /v1/partnerships/{proposed}", expected: [404, 200, 200, 200, 404, 200, 401]) { world in
            (.get, "/v1/partnerships/\(try await world.partnership(in: .proposed))", nil)
        },
        Row(name: "GET /v1/partnerships/{approved}", expected: [200, 200, 200, 200, 200, 200, 401]) { world in
            (.get, "/v1/partnerships/\(try await world.partnership(in: .approved))", nil)
        },
        Row(name: "PATCH /v1/partnerships/{proposed}", expected: [401, 200, 200, 200, 404, 200, 401]) { world in
            (.patch, "/v1/partnerships/\(try await world.partnership(in: .proposed))", #"{"pledge_kzt": 4000000}"#)
        },
        Row(name: "POST /v1/partnerships/{proposed}/consent", expected: [401, 200, 409, 200, 404, 200, 401]) { world in
            (.post, "/v1/partnerships/\(try await world.partnership(in: .proposed))/consent", nil)
        },
        Row(name: "POST /v1/partnerships/{proposed}/withdraw", expected: [401, 200, 200, 200, 404, 200, 401]) { world in
            (.post, "/v1/partnerships/\(try await world.partnership(in: .proposed))/withdraw", nil)
        },
        Row(name: "POST /v1/partnerships/{under_review}/approve", expected: [401, 403, 403, 200, 404, 200, 401]) { world in
            (.post, "/v1/partnerships/\(try await world.partnership(in: .underReview))/approve", nil)
        },
        Row(name: "POST /v1/partnerships/{under_review}/reject", expected: [401, 403, 403, 200, 404, 200, 401]) { world in
            (.post, "/v1/partnerships/\(try await world.partnership(in: .underReview))/reject", #"{"comment": "Budget unclear"}"#)
        },
        Row(name: "POST /v1/partnerships/{under_review}/return", expected: [401, 403, 403, 200, 404, 200, 401]) { world in
            (.post, "/v1/partnerships/\(try await world.partnership(in: .underReview))/return", #"{"comment": "Add a timeline"}"#)
        },
        Row(name: "POST /v1/partnerships/{approved}/activate", expected: [401, 200, 200, 403, 403, 200, 401]) { world in
            (.post, "/v1/partnerships/\(try await world.partnership(in: .approved))/activate", nil)
        },
        Row(name: "POST /v1/partnerships/{active}/reports", expected: [401, 403, 201, 403, 403, 201, 401]) { world in
            (.post, "/v1/partnerships/\(try await world.partnership(in: .active))/reports", #"{"text": "Первый этап", "amount_disbursed_kzt": 1000000, "beneficiaries_reached": 10}"#)
        },
        Row(name: "POST /v1/partnerships/{active}/complete", expected: [401, 403, 200, 403, 403, 200, 401]) { world in
            (.post, "/v1/partnerships/\(try await world.partnership(in: .active))/complete", #"{"text": "Итоги", "rating": 5}"#)
        },
        Row(name: "POST /v1/partnerships/{active}/cancel", expected: [401, 200, 200, 200, 403, 200, 401]) { world in
            (.post, "/v1/partnerships/\(try await world.partnership(in: .active))/cancel", #"{"comment": "Sponsor withdrew"}"#)
        },
        Row(name: "GET /v1/partnerships/{proposed}/events", expected: [404, 200, 200, 200, 404, 200, 401]) { world in
            (.get, "/v1/partnerships/\(try await world.partnership(in: .proposed))/events", nil)
        },
        Row(name: "GET /v1/partnerships/{active}/reports", expected: [200, 200, 200, 200, 200, 200, 401]) { world in
            (.get, "/v1/partnerships/\(try await world.partnership(in: .active))/reports", nil)
        },
        Row(name: "GET /v1/partnerships/{active}/framework", expected: [200, 200, 200, 200, 200, 200, 401]) { world in
            (.get, "/v1/partnerships/\(try await world.partnership(in: .active))/framework", nil)
        },
        Row(name: "POST /v1/partnerships/{active}/framework-changes", expected: [401, 201, 201, 201, 403, 201, 401]) { world in
            (.post, "/v1/partnerships/\(try await world.partnership(in: .active))/framework-changes",
             #"{"indicators": [{"name": "Дети", "unit": "чел.", "baseline": 0, "target": 50}], "reporting_period_days": 60, "reason": "Уточнили"}"#)
        },
        Row(name: "POST /v1/partnerships/{pending change}/framework-changes/decision", expected: [401, 403, 403, 200, 403, 200, 401]) { world in
            (.post, "/v1/partnerships/\(try await world.partnershipWithFrameworkChange())/framework-changes/decision", #"{"accept": true}"#)
        },
        Row(name: "GET /v1/events", expected: [401, 200, 200, 200, 200, 200, 401]) { _ in (.get, "/v1/events", nil) },
        Row(name: "GET /v1/reviews", expected: [401, 403, 403, 200, 200, 200, 401]) { _ in (.get, "/v1/reviews", nil) },
        Row(name: "POST /v1/rounds", expected: [401, 403, 403, 201, 403, 201, 401]) { world in
            (.post, "/v1/rounds", #"{"consent_deadline": "2030-01-01T00:00:00Z", "government_body_id": "\#(world.akimatInside)"}"#)
        },
        Row(name: "GET /v1/calls", expected: [200, 200, 200, 200, 200, 200, 401]) { _ in (.get, "/v1/calls", nil) },
        Row(name: "POST /v1/calls", expected: [401, 403, 403, 201, 403, 201, 401]) { world in
            (.post, "/v1/calls", Self.callJSON(governmentBody: world.akimatInside))
        },
        Row(name: "GET /v1/calls/{id}", expected: [404, 404, 404, 200, 404, 200, 401]) { world in
            (.get, "/v1/calls/\(try await world.call(published: false).id)", nil)
        },
        Row(name: "PUT /v1/calls/{id}", expected: [401, 404, 404, 200, 404, 200, 401]) { world in
            (.put, "/v1/calls/\(try await world.call(published: false).id)", Self.callJSON(governmentBody: nil))
        },
        Row(name: "POST /v1/calls/{id}/publish", expected: [401, 404, 404, 200, 404, 200, 401]) { world in
            (.post, "/v1/calls/\(try await world.call(published: false).id)/publish", nil)
        },
        Row(name: "GET /v1/calls/{id}/pledges", expected: [200, 200, 200, 200, 200, 200, 401]) { world in
            (.get, "/v1/calls/\(try await world.call(published: true).id)/pledges", nil)
        },
        Row(name: "POST /v1/calls/{id}/pledges", expected: [401, 201, 403, 403, 403, 201, 401]) { world in
            (.post, "/v1/calls/\(try await world.call(published: true).id)/pledges", #"{"amount_kzt": 1000000, "business_id": "\#(world.business)"}"#)
        },
        Row(name: "POST /v1/pledges/{id}/withdraw", expected: [401, 200, 404, 404, 404, 200, 401]) { world in
            (.post, "/v1/pledges/\(try await world.callPledge().id)/withdraw", nil)
        },
        Row(name: "GET /v1/calls/{id}/applications", expected: [401, 403, 200, 200, 403, 200, 401]) { world in
            (.get, "/v1/calls/\(try await world.callApplication(submitted: true).callID)/applications", nil)
        },
        Row(name: "POST /v1/calls/{id}/applications", expected: [401, 403, 201, 403, 403, 403, 401]) { world in
            (.post, "/v1/calls/\(try await world.call(published: true).id)/applications",
             #"{"project_id": "\#(try await world.openProject())", "amount_kzt": 2000000, "answers": ["Да."]}"#)
        },
        Row(name: "GET /v1/applications/{id}", expected: [401, 404, 200, 200, 404, 200, 401]) { world in
            (.get, "/v1/applications/\(try await world.callApplication(submitted: true).id)", nil)
        },
        Row(name: "PUT /v1/applications/{id}", expected: [401, 404, 200, 404, 404, 200, 401]) { world in
            (.put, "/v1/applications/\(try await world.callApplication(submitted: false).id)", #"{"amount_kzt": 3000000, "answers": ["Да."]}"#)
        },
        Row(name: "POST /v1/applications/{id}/submit", expected: [401, 404, 200, 404, 404, 200, 401]) { world in
            (.post, "/v1/applications/\(try await world.callApplication(submitted: false).id)/submit", nil)
        },
        Row(name: "POST /v1/applications/{id}/withdraw", expected: [401, 404, 200, 404, 404, 200, 401]) { world in
            (.post, "/v1/applications/\(try await world.callApplication(submitted: false).id)/withdraw", nil)
        },
        Row(name: "GET /v1/calls/{id}/reviewers", expected: [401, 403, 403, 200, 403, 200, 401]) { world in
            (.get, "/v1/calls/\(try await world.call(published: true).id)/reviewers", nil)
        },
        Row(name: "POST /v1/calls/{id}/reviewers", expected: [401, 403, 403, 200, 403, 200, 401]) { world in
            let email = "expert-\(UUID().uuidString.prefix(8))@example.kz"
            _ = try await Services(pool: world.pool, matching: MatchingConfiguration(), accounts: .cheapHashes).accounts.createPerson(
                .init(email: email, name: "Expert", password: "Correct-Horse-9"), isAdmin: false, memberships: [], by: .admin
            )
            return (.post, "/v1/calls/\(try await world.call(published: true).id)/reviewers", #"{"email": "\#(email)"}"#)
        },
        Row(name: "GET /v1/calls/{id}/assignments", expected: [401, 403, 403, 200, 403, 200, 401]) { world in
            (.get, "/v1/calls/\(try await world.call(published: true).id)/assignments", nil)
        },
        // The call is still open: assigning waits for applications to close (409).
        Row(name: "POST /v1/calls/{id}/assignments", expected: [401, 403, 403, 409, 403, 409, 401]) { world in
            let application = try await world.callApplication(submitted: true)
            return (.post, "/v1/calls/\(application.callID)/assignments", #"{"application_id": "\#(application.id)", "person_id": "\#(UUID())"}"#)
        },
        Row(name: "POST /v1/calls/{id}/assignments/automatic", expected: [401, 403, 403, 409, 403, 409, 401]) { world in
            (.post, "/v1/calls/\(try await world.call(published: true).id)/assignments/automatic", nil)
        },
        Row(name: "GET /v1/calls/{id}/scores", expected: [401, 403, 403, 200, 403, 200, 401]) { world in
            (.get, "/v1/calls/\(try await world.callApplication(submitted: true).callID)/scores", nil)
        },
        Row(name: "GET /v1/calls/{id}/allocation", expected: [401, 403, 403, 404, 403, 404, 401]) { world in
            (.get, "/v1/calls/\(try await world.call(published: true).id)/allocation", nil)
        },
        Row(name: "POST /v1/calls/{id}/allocation", expected: [401, 403, 403, 409, 403, 409, 401]) { world in
            (.post, "/v1/calls/\(try await world.call(published: true).id)/allocation", nil)
        },
        // The call is still open: nothing is moderated before applications close (409).
        Row(name: "POST /v1/applications/{id}/moderation", expected: [401, 403, 403, 409, 403, 409, 401]) { world in
            (.post, "/v1/applications/\(try await world.callApplication(submitted: true).id)/moderation", #"{"score": 60, "comment": "Both read."}"#)
        },
        // Only a person's own token reviews; the matrix's person is assigned nothing.
        Row(name: "GET /v1/reviewer/assignments", expected: [401, 403, 403, 403, 403, 403, 401], person: 200) { _ in
            (.get, "/v1/reviewer/assignments", nil)
        },
        Row(name: "GET /v1/reviewer/assignments/{id}", expected: [401, 403, 403, 403, 403, 403, 401], person: 404) { world in
            (.get, "/v1/reviewer/assignments/\(try await world.callApplication(submitted: true).id)", nil)
        },
        Row(name: "PUT /v1/reviewer/assignments/{id}/review", expected: [401, 403, 403, 403, 403, 403, 401], person: 404) { world in
            (.put, "/v1/reviewer/assignments/\(try await world.callApplication(submitted: true).id)/review", #"{"scores": [3]}"#)
        },
        Row(name: "POST /v1/reviewer/assignments/{id}/conflict", expected: [401, 403, 403, 403, 403, 403, 401], person: 404) { world in
            (.post, "/v1/reviewer/assignments/\(try await world.callApplication(submitted: true).id)/conflict", #"{"reason": "I advise them."}"#)
        },
        // The call is still open: results wait for the results date (409).
        Row(name: "POST /v1/calls/{id}/award", expected: [401, 403, 403, 409, 403, 409, 401]) { world in
            (.post, "/v1/calls/\(try await world.call(published: true).id)/award", nil)
        },
        Row(name: "GET /v1/calls/{id}/award", expected: [200, 200, 200, 200, 200, 200, 401]) { world in
            (.get, "/v1/calls/\(try await world.call(published: true).id)/award", nil)
        },
        Row(name: "GET /v1/organizations/{id}/applications", expected: [401, 403, 200, 403, 403, 200, 401]) { world in
            (.get, "/v1/organizations/\(world.ngo)/applications", nil)
        },
        Row(name: "GET /v1/rounds/{id}", expected: [401, 404, 404, 200, 404, 200, 401]) { world in
            (.get, "/v1/rounds/\(try await world.round())", nil)
        },
        Row(name: "POST /v1/rounds/{id}/accept", expected: [401, 404, 404, 200, 404, 200, 401]) { world in
            (.post, "/v1/rounds/\(try await world.round())/accept", nil)
        },
        Row(name: "GET /v1/organizations/{id}/inbox", expected: [401, 403, 200, 403, 403, 200, 401]) { world in
            (.get, "/v1/organizations/\(world.ngo)/inbox", nil)
        },
        Row(name: "POST /v1/organizations/{id}/inbox/read", expected: [401, 403, 200, 403, 403, 200, 401]) { world in
            (.post, "/v1/organizations/\(world.ngo)/inbox/read", nil)
        },
        Row(name: "POST /v1/organizations/{id}/inbox/{item_id}/read", expected: [401, 403, 200, 403, 403, 200, 401]) { world in
            (.post, "/v1/organizations/\(world.ngo)/inbox/\(try await world.ngoInboxItem())/read", nil)
        },
        // Webhooks are an owner's: the matrix's tokens act as members (IntegrationAPITests has owners' and viewers' tokens).
        Row(name: "GET /v1/organizations/{id}/webhooks", expected: [401, 403, 403, 403, 403, 200, 401]) { world in
            (.get, "/v1/organizations/\(world.ngo)/webhooks", nil)
        },
        Row(name: "POST /v1/organizations/{id}/webhooks", expected: [401, 403, 403, 403, 403, 201, 401]) { world in
            (.post, "/v1/organizations/\(world.ngo)/webhooks", #"{"url": "http://127.0.0.1:9/hook"}"#)
        },
        Row(name: "DELETE /v1/webhooks/{id}", expected: [401, 404, 404, 404, 404, 204, 401]) { world in
            (.delete, "/v1/webhooks/\(try await world.ngoWebhook())", nil)
        },
        Row(name: "GET /v1/webhooks/{id}/deliveries", expected: [401, 404, 404, 404, 404, 200, 401]) { world in
            (.get, "/v1/webhooks/\(try await world.ngoWebhook())/deliveries", nil)
        },
        Row(name: "GET /v1/webhook-deliveries/{id}", expected: [401, 404, 404, 404, 404, 200, 401]) { world in
            (.get, "/v1/webhook-deliveries/\(try await world.ngoWebhookDelivery())", nil)
        },
        Row(name: "POST /v1/webhook-deliveries/{id}/replay", expected: [401, 404, 404, 404, 404, 202, 401]) { world in
            (.post, "/v1/webhook-deliveries/\(try await world.ngoWebhookDelivery())/replay", nil)
        },
        Row(name: "GET /v1/dashboard", expected: [200, 200, 200, 200, 200, 200, 401]) { world in
            (.get, "/v1/dashboard?place=550000000&sponsor_id=\(world.business)", nil)
        },
    ]

    static let pageRows: [Row] = [
        // Pages: a bearer token is the API's credential; pages read the session cookie, so every
        // token caller reads what anyone reads, and a revoked token is refused before the page.
        Row(name: "GET /", expected: [200, 200, 200, 200, 200, 200, 401]) { _ in (.get, "/", nil) },
        Row(name: "GET /language/{code}", expected: [303, 303, 303, 303, 303, 303, 401]) { _ in (.get, "/language/ru?next=/projects", nil) },
        Row(name: "GET /search", expected: [200, 200, 200, 200, 200, 200, 401]) { _ in (.get, "/search?q=school", nil) },
        Row(name: "GET /organizations", expected: [200, 200, 200, 200, 200, 200, 401]) { _ in (.get, "/organizations?kind=ngo", nil) },
        Row(name: "GET /projects", expected: [200, 200, 200, 200, 200, 200, 401]) { _ in (.get, "/projects", nil) },
        Row(name: "GET /organizations/{id}", expected: [200, 200, 200, 200, 200, 200, 401]) { world in
            (.get, "/organizations/\(world.ngo)", nil)
        },
        Row(name: "GET /projects/{id}", expected: [200, 200, 200, 200, 200, 200, 401]) { world in
            (.get, "/projects/\(try await world.openProject())", nil)
        },
        Row(name: "GET /projects/{draft}", expected: [404, 404, 404, 404, 404, 404, 401]) { world in
            (.get, "/projects/\(world.draftProject)", nil)
        },
        Row(name: "GET /assets/{name}", expected: [200, 200, 200, 200, 200, 200, 401]) { _ in (.get, "/assets/site.css", nil) },
    ]

    @Test(arguments: rows.map(\.name))
    func eachCallerGetsExactlyItsStatus(_ name: String) async throws {
        let row = try #require(Self.rows.first { $0.name == name })
        try await TestDatabase.with { database in
            // Webhooks to 127.0.0.1: registering one checks the address, not who asks.
            try await withService(database, allowPrivateWebhooks: true) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                for (caller, expected) in zip(AccessWorld.callers, row.expected) {
                    let (method, path, body) = try await row.request(world)
                    let response = try await client.send(method, path, json: body, as: world.caller(caller))
                    #expect(response.status.code == expected, "\(row.name) as \(caller): \(response.status.code), expected \(expected)")
                    // Pages answer errors with a page; the API and every refused token with problem+json.
                    if response.status.code >= 400, !Self.isPage(path) || response.status.code == 401 {
                        #expect(response.isProblem, "\(row.name) as \(caller) must answer problem+json")
                    }
                }
            }
        }
    }

    /// A personal token acts only for its person's reviews: elsewhere it reads what anyone reads
    /// and is refused what only a signed-in caller may do (401 or 403, as the route words it).
    @Test(arguments: rows.map(\.name))
    func aPersonalTokenActsOnlyForItsPersonsReviews(_ name: String) async throws {
        let row = try #require(Self.rows.first { $0.name == name })
        try await TestDatabase.with { database in
            try await withService(database, allowPrivateWebhooks: true) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                try await world.makePersonOwnTheNGO()
                let (method, path, body) = try await row.request(world)
                let response = try await client.send(method, path, json: body, as: world.caller(AccessWorld.person))
                let status = Int(response.status.code)
                if let expected = row.person {
                    #expect(status == expected, "\(row.name) with a personal token: \(status), expected \(expected)")
                } else if row.expected[0] == 401 {
                    #expect(status == 403, "\(row.name) with a personal token: \(status), expected 403 (a token, but not one that may)")
                } else {
                    #expect(status == row.expected[0], "\(row.name) with a personal token: \(status), expected \(row.expected[0]) as anonymous")
                }
            }
        }
    }

    static func isPage(_ path: String) -> Bool {
        !["/v1/", "/health", "/ready", "/metrics", "/openapi.json"].contains { path.hasPrefix($0) }
    }

    @Test func everyRouteTheRouterServesIsInTheMatrix() throws {
        // Building the router opens no connection.
        let pool = ConnectionPool(configuration: .init(connectionString: "dbname=none"))
        let router = try buildRouter(Services(pool: pool, matching: MatchingConfiguration(), accounts: .cheapHashes), pool: pool, expectedMigrations: [])
        func shape(_ method: String, _ path: String) -> String {
            let segments = path.split(separator: "/").map { $0.hasPrefix(":") || $0.hasPrefix("{") ? "*" : String($0) }
            return "\(method) /" + segments.joined(separator: "/")
        }
        let covered = Set(Self.rows.map { row -> String in
            let parts = row.name.split(separator: " ", maxSplits: 1).map(String.init)
            return shape(parts[0], parts[1])
        })
        let served = router.routes.map { shape($0.method.rawValue, $0.path.description) }
        #expect(served.count >= 35)
        #expect(Set(Self.rows.map(\.name)).count == Self.rows.count, "each row names a different route")
        for route in served {
            #expect(covered.contains(route), "\(route) has no row in the matrix")
        }
    }
}
