import Fluent
import Foundation
import SQLKit

extension InboundEventStore {
    /// How long a push from WeChat is kept: long enough for WeChat's retries (seconds), a delivery report that
    /// overtakes its send (minutes) and the person's data export to show recent messages, and no longer, since a
    /// push carries what people wrote to the official account.
    static let retention: TimeInterval = 30 * 86_400

    /// Deletes pushes received before `cutoff`, `batch` rows per statement (the first sweep of an old deployment
    /// may meet many); returns how many.
    static func sweep(receivedBefore cutoff: Date, batch: Int = 1000, on database: any Database) async throws -> Int {
        var deleted = 0
        while true {
            let rows = try await database.sql().raw("""
                DELETE FROM inbound_events WHERE id IN
                    (SELECT id FROM inbound_events WHERE received_at < \(bind: cutoff) LIMIT \(literal: batch))
                RETURNING id
                """).all()
            deleted += rows.count
            if rows.count < batch { return deleted }
        }
    }
}
