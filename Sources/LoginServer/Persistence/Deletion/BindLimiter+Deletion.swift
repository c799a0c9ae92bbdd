import Fluent
import Foundation
import SQLKit

extension BindLimiter {
    /// Deletes the per-account counters of `userID` (their subject is the user id). Counters per address stay until
    /// their window ends: they hold a keyed hash, not the address, and deleting them would reset a cap.
    static func deleteCounters(ofAccount userID: UUID, on database: any Database) async throws -> Int {
        try await database.sql().raw("""
            DELETE FROM bind_limit_counters WHERE subject = \(bind: userID.uuidString) RETURNING scope
            """).all().count
    }
}
