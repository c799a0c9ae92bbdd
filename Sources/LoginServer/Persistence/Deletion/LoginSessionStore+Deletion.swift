import Fluent
import Foundation
import SQLKit

extension LoginSessionStore {
    /// Deletes every session signed in as `userID`, on every instance at once (each reads its sessions from this
    /// table on every request, and none keeps them in memory); returns how many.
    ///
    /// Rows written before `login_sessions.user_id` existed carry the user only inside `data` (JSON written by
    /// `encode`, `"uid":"<UUID>"`): those are matched by their text until they expire.
    static func deleteSessions(ofUser userID: UUID, on database: any Database) async throws -> Int {
        let legacy = "%\"\(BrowserSession.userKey)\":\"\(userID.uuidString)\"%"
        return try await database.sql().raw("""
            DELETE FROM login_sessions
            WHERE user_id = \(bind: userID) OR (user_id IS NULL AND data LIKE \(bind: legacy))
            RETURNING id_hash
            """).all().count
    }
}
