import Hummingbird
import Storage

struct ReferenceController {
    let reference: ReferenceRepository

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/v1/regions") { _, _ in
            try JSONBody.response(ListResource(items: try await reference.regions().map(RegionResource.init)))
        }
        router.get("/v1/focus-areas") { _, _ in
            try JSONBody.response(ListResource(items: try await reference.focusAreas().map(FocusAreaResource.init)))
        }
        router.get("/v1/legal-forms") { _, _ in
            try JSONBody.response(ListResource(items: try await reference.legalForms().map(LegalFormResource.init)))
        }
    }
}

struct HealthController {
    let reference: ReferenceRepository
    let expectedMigrations: [Int]

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/health") { _, _ in
            try JSONBody.response(["status": "ok"])
        }
        router.get("/ready") { _, _ in
            let ready = await reference.isReady(expectedMigrations: expectedMigrations)
            return try JSONBody.response(
                ["status": ready ? "ready" : "not ready"],
                status: ready ? .ok : .serviceUnavailable
            )
        }
    }
}
