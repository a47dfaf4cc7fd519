import Hummingbird
import UseCases

struct ReferenceController {
    let reference: ReferenceData

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/v1/regions") { _, _ in
            Reply(ListResource(items: try await reference.snapshot().regions.map(RegionResource.init)))
        }
        router.get("/v1/focus-areas") { _, _ in
            Reply(ListResource(items: try await reference.snapshot().focusAreas.map(FocusAreaResource.init)))
        }
        router.get("/v1/legal-forms") { _, _ in
            Reply(ListResource(items: try await reference.snapshot().legalForms.map(LegalFormResource.init)))
        }
    }
}

struct HealthController {
    let reference: ReferenceData
    let expectedMigrations: [Int]
    /// Matching answers from it, so an instance is ready once it is loaded.
    let candidateIndex: LiveCandidateIndex

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/health") { _, _ in
            Reply(["status": "ok"])
        }
        router.get("/ready") { _, _ in
            let migrated = await reference.isReady(expectedMigrations: expectedMigrations)
            let ready = migrated ? (try? await candidateIndex.snapshot()) != nil : false
            return Reply(["status": ready ? "ready" : "not ready"], status: ready ? .ok : .serviceUnavailable)
        }
    }
}
