import Fluent
import Foundation
import SQLKit

extension PushRelayStore {
    /// Deletes the relayed pushes that name one of `openIDs` — in their key (an event's key holds FromUserName) or in
    /// the handler's reply (its ToUserName) — within their one day of life; returns how many.
    ///
    /// Rows are found by the openid's text and then checked exactly, so a `LIKE` wildcard in an openid cannot delete
    /// someone else's row.
    func deleteRelays(naming openIDs: Set<String>) async throws -> Int {
        guard !openIDs.isEmpty else { return 0 }
        let sql = try database.sql()
        let conditions: [SQLQueryString] = openIDs.sorted().map {
            "(dedup_key LIKE \(bind: "%\($0)%") OR reply LIKE \(bind: "%\($0)%"))"
        }
        let rows = try await sql.raw("""
            SELECT id, dedup_key, reply FROM \(ident: Self.table) WHERE \(conditions.joined(separator: " OR "))
            """).all()
        var deleted = 0
        for row in rows {
            let texts = [try row.decode(column: "dedup_key", as: String.self), try row.decode(column: "reply", as: String?.self) ?? ""]
            guard openIDs.contains(where: { openID in texts.contains { $0.contains(openID) } }) else { continue }
            try await sql.raw("DELETE FROM \(ident: Self.table) WHERE id = \(bind: try row.decode(column: "id", as: UUID.self))").run()
            deleted += 1
        }
        return deleted
    }
}
