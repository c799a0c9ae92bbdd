import Fluent
import Foundation
import SQLKit

extension LoginStateStore {
    /// Deletes the login states completed by these identities; returns how many.
    static func deleteStates(ofIdentities ids: [UUID], on database: any Database) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await database.sql().raw("""
            DELETE FROM oauth_states WHERE identity_id IN (\(SQLList(ids.map { SQLBind($0) }))) RETURNING state
            """).all().count
    }
}
