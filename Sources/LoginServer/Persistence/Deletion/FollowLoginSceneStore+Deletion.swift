import Fluent
import Foundation
import SQLKit

extension FollowLoginSceneStore {
    /// Deletes the follow-to-sign-in scenes these identities scanned or completed (each holds the openid); returns
    /// how many.
    func deleteScenes(ofIdentities ids: [UUID], openIDs: [String]) async throws -> Int {
        var conditions: [SQLQueryString] = []
        if !ids.isEmpty { conditions.append("identity_id IN (\(SQLList(ids.map { SQLBind($0) })))") }
        if !openIDs.isEmpty { conditions.append("openid IN (\(SQLList(openIDs.map { SQLBind($0) })))") }
        guard !conditions.isEmpty else { return 0 }
        return try await database.sql().raw("""
            DELETE FROM \(ident: Self.table) WHERE \(conditions.joined(separator: " OR ")) RETURNING scene
            """).all().count
    }
}
