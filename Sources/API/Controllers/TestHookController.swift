import Hummingbird
import UseCases

/// Routes for browser tests only (`ASAR_TEST_HOOKS=1`): `POST /test/clock?advance_days=N` moves
/// monitoring's clock forward, so a test sees a report fall overdue without waiting for it.
struct TestHookController {
    let clock: ServiceClock

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/test/clock") { request, _ -> Response in
            let query = QueryReader(request: request)
            query.rejectUnknown(["advance_days"])
            let days = query.integer("advance_days", in: 0...3650) ?? 0
            try query.issues.throwIfAny()
            clock.advance(by: Double(days) * 86_400)
            return Response(status: .noContent)
        }
    }
}
