import Fluent
import Foundation
import SQLKit

extension InboundEventStore {
    /// Deletes the pushes these openids sent (their messages, follows, and template-message delivery reports);
    /// returns how many.
    static func deletePushes(of identities: [(appID: String, openID: String)], on database: any Database) async throws -> Int {
        guard !identities.isEmpty else { return 0 }
        let conditions: [SQLQueryString] = identities.map { "(app_id = \(bind: $0.appID) AND openid = \(bind: $0.openID))" }
        return try await database.sql().raw("""
            DELETE FROM inbound_events WHERE \(conditions.joined(separator: " OR ")) RETURNING id
            """).all().count
    }
}
