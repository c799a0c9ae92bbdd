import Fluent
import Foundation
import SQLKit

extension InboundEventStore {
    /// Deletes pushes received before `cutoff` (`RetentionConfiguration.inboundEvents`), `batch` rows per statement
    /// on the `inbound_events_received_at` index (the first sweep of an old deployment may meet many); returns how many.
    static func sweep(receivedBefore cutoff: Date, batch: Int = 1000, on database: any Database) async throws -> Int {
        var deleted = 0
        while true {
            let rows = try await database.sql().raw("""
                DELETE FROM inbound_events WHERE id IN
                    (SELECT id FROM inbound_events WHERE received_at < \(bind: cutoff) ORDER BY received_at LIMIT \(literal: batch))
                RETURNING id
                """).all()
            deleted += rows.count
            if rows.count < batch { return deleted }
        }
    }
}
