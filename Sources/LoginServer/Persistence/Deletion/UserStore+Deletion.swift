import Fluent
import Foundation
import SQLKit

extension UserStore {
    /// A deleted user row: all that is kept of it is what the `user.deleted` event carries.
    struct Deleted: Sendable, Equatable {
        var externalID: String?
    }

    /// Deletes the user's row (phone, email, name and external id with it); `nil` when there was no such user
    /// (another deletion won).
    func delete(_ id: UUID) async throws -> Deleted? {
        guard let row = try await database.sql().raw("""
            DELETE FROM users WHERE id = \(bind: id) RETURNING external_id
            """).first() else { return nil }
        return Deleted(externalID: try row.decode(column: "external_id", as: String?.self))
    }
}
