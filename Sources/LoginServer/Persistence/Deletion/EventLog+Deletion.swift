import Fluent
import Foundation
import SQLKit

extension EventLog {
    /// Scrubs a deleted person from the log, keeping the history: every event of `userID`, and every event whose
    /// payload names one of `openIDs` (a follow before binding has no user), loses its `openid` and `unionid` and
    /// its client address; ids, types, times, appids and client ids stay. Returns how many events were rewritten.
    ///
    /// The payload is JSON text on both databases, so events without the user are found by the openid's text and
    /// then checked field by field (a `LIKE` wildcard in an openid cannot rewrite someone else's event).
    func scrub(userID: UUID, openIDs: Set<String>, unionIDs: Set<String>) async throws -> Int {
        let sql = try database.sql()
        var conditions: [SQLQueryString] = ["user_id = \(bind: userID)"]
        conditions += openIDs.sorted().map { "payload LIKE \(bind: "%\"openid\":\"\($0)\"%")" }
        let rows = try await sql.raw("""
            SELECT id, user_id, actor_address, payload FROM events WHERE \(conditions.joined(separator: " OR "))
            """).all()
        var scrubbed = 0
        for row in rows {
            let id = try row.decode(column: "id", as: Int64.self)
            let owner = try row.decode(column: "user_id", as: UUID?.self)
            var payload = try JSONDecoder().decode(EventPayload.self, from: Data(try row.decode(column: "payload", as: String.self).utf8))
            let named = payload.openID.map(openIDs.contains) ?? false || payload.unionID.map(unionIDs.contains) ?? false
            guard owner == userID || named else { continue }
            payload.openID = nil
            payload.unionID = nil
            try await sql.raw("""
                UPDATE events SET payload = \(bind: try payload.json()), actor_address = NULL WHERE id = \(bind: id)
                """).run()
            scrubbed += 1
        }
        return scrubbed
    }
}
