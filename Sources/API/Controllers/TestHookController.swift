import Foundation
import HTTPTypes
import Hummingbird
import UseCases

/// Routes for browser tests only (`ASAR_TEST_HOOKS=1`): `POST /test/clock?advance_days=N` moves
/// the service's clock forward, so a test sees a report fall overdue or a call close without
/// waiting for it; the answer's `X-ASAR-Now` says what time the service now thinks it is.
struct TestHookController {
    let clock: ServiceClock

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/test/clock") { request, _ -> Response in
            let query = QueryReader(request: request)
            query.rejectUnknown(["advance_days"])
            let days = query.integer("advance_days", in: 0...3650) ?? 0
            try query.issues.throwIfAny()
            clock.advance(by: Double(days) * 86_400)
            var headers = HTTPFields()
            if let name = HTTPField.Name("X-ASAR-Now") { headers[name] = clock.now().formatted(Date.ISO8601FormatStyle()) }
            return Response(status: .noContent, headers: headers)
        }
    }
}
