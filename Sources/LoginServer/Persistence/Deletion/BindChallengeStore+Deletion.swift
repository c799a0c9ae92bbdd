import Fluent
import Foundation
import SQLKit

extension BindChallengeStore {
    /// Every address a code was sent to for these identities (binding's and contact changes'), so the outbox
    /// copies can go too.
    func destinations(ofIdentities ids: [UUID]) async throws -> [String] {
        guard !ids.isEmpty else { return [] }
        return try await database.sql().raw("""
            SELECT DISTINCT destination FROM bind_challenges WHERE identity_id IN (\(SQLList(ids.map { SQLBind($0) })))
            """).all().map { try $0.decode(column: "destination", as: String.self) }
    }

    /// Deletes the challenges of these identities, and any challenge sent to one of `destinations` (someone else
    /// who typed the person's phone or email); returns how many.
    func deleteChallenges(identityIDs: [UUID], destinations: [String]) async throws -> Int {
        var conditions: [SQLQueryString] = []
        if !identityIDs.isEmpty { conditions.append("identity_id IN (\(SQLList(identityIDs.map { SQLBind($0) })))") }
        if !destinations.isEmpty { conditions.append("destination IN (\(SQLList(destinations.map { SQLBind($0) })))") }
        guard !conditions.isEmpty else { return 0 }
        return try await database.sql().raw("""
            DELETE FROM bind_challenges WHERE \(conditions.joined(separator: " OR ")) RETURNING id
            """).all().count
    }
}
