import Foundation
import Hummingbird

extension AppRequestContext {
    /// The `:id` path parameter as a UUID; anything else names no resource, hence 404.
    func resourceID(_ resource: String) throws -> UUID {
        guard let raw = parameters.get("id"), let id = UUID(uuidString: raw) else {
            throw Problem.notFound(resource)
        }
        return id
    }
}
