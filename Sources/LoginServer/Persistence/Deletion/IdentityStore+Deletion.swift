import Fluent
import Foundation
import SQLKit

extension IdentityStore {
    /// One identity that names a person being deleted: what the other tables know them by.
    struct Named: Sendable, Equatable {
        var id: UUID
        var appID: String
        var openID: String
        var unionID: String?
    }

    /// The user's identities, and the unbound ones that share one of their unionids: an identity the person unlinked
    /// earlier still holds their openid, unionid and profile, and goes with the account.
    func namingPerson(_ userID: UUID) async throws -> [Named] {
        try await database.sql().raw("""
            SELECT id, app_id, openid, unionid FROM wechat_identities
            WHERE user_id = \(bind: userID)
               OR (user_id IS NULL AND unionid IN
                   (SELECT unionid FROM wechat_identities WHERE user_id = \(bind: userID) AND unionid IS NOT NULL))
            """).all().map {
            Named(id: try $0.decode(column: "id", as: UUID.self), appID: try $0.decode(column: "app_id", as: String.self),
                  openID: try $0.decode(column: "openid", as: String.self),
                  unionID: try $0.decode(column: "unionid", as: String?.self))
        }
    }

    /// Deletes these identity rows, their profiles and sealed WeChat tokens with them; returns how many.
    func delete(_ ids: [UUID]) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await database.sql().raw("""
            DELETE FROM wechat_identities WHERE id IN (\(SQLList(ids.map { SQLBind($0) }))) RETURNING id
            """).all().count
    }
}
