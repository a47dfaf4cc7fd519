import Domain
import Foundation

/// What a reviewer's own pages read: the projects behind the applications assigned to them, and
/// whether each application's reviews are all in.
extension CallRepository {
    /// The title and summary of each project named, in every language it has.
    public func projectTexts(_ ids: [UUID]) async throws -> [UUID: (title: LocalizedText, summary: LocalizedText)] {
        guard !ids.isEmpty else { return [:] }
        return try await pool.withConnection { connection in
            var texts: [UUID: (title: LocalizedText, summary: LocalizedText)] = [:]
            for row in try connection.query(
                "SELECT id, title_kk, title_ru, title_en, summary_kk, summary_ru, summary_en FROM projects WHERE id = ANY ($1::uuid[])",
                [Array(Set(ids))]
            ).rows {
                texts[try row.decode(UUID.self, at: 0)] = (
                    LocalizedText(kk: try row.decode(String?.self, at: 1), ru: try row.decode(String?.self, at: 2), en: try row.decode(String?.self, at: 3)),
                    LocalizedText(kk: try row.decode(String?.self, at: 4), ru: try row.decode(String?.self, at: 5), en: try row.decode(String?.self, at: 6))
                )
            }
            return texts
        }
    }

    /// Whether every reviewer assigned to each application named has scored it.
    public func reviewsComplete(_ applications: [UUID]) async throws -> [UUID: Bool] {
        guard !applications.isEmpty else { return [:] }
        return try await pool.withConnection { connection in
            var complete: [UUID: Bool] = [:]
            for id in Set(applications) { complete[id] = try Self.reviewsComplete(id, on: connection) }
            return complete
        }
    }
}
