import Fluent
import Foundation
import SQLKit

extension WebhookDeliveryStore {
    /// Deletes the deliveries of `userID`'s events that have not gone out (`pending`, `sending`): they would carry
    /// what the deletion removes, and would hold back the `user.deleted` event, which is delivered in order after
    /// them. Delivered and dead ones stay as the endpoint's history (their events are scrubbed). Returns how many.
    func deleteUndelivered(ofUser userID: UUID) async throws -> Int {
        try await database.sql().raw("""
            DELETE FROM webhook_deliveries
            WHERE user_id = \(bind: userID) AND status IN (\(bind: Status.pending.rawValue), \(bind: Status.sending.rawValue))
            RETURNING id
            """).all().count
    }
}
