import Fluent
import Foundation
import SQLKit

extension IdentityStore {
    /// What follow-to-sign-in learned of a person: the official account's openid (from the scan's push) and the
    /// unionid (`cgi-bin/user/info`). No user token: the person never authorized a web page.
    struct FollowerUpsert: Sendable {
        var appID: String
        var openID: String
        var unionID: String?
        var now: Date
    }

    /// Inserts or updates the official-account identity `(appid, openid)` of someone who just scanned and follows,
    /// joining a new (or unbound) one to the user of another identity with the same unionid — the same one
    /// statement and the same join rules as ``upsert(_:)``, which follow-to-sign-in shares with the other flows.
    /// An existing identity keeps its tokens, scopes and profile; it is marked following.
    ///
    /// Runs inside the sign-in's write transaction (with the scene's use and the login's events).
    func upsertFollower(_ identity: FollowerUpsert) async throws -> Upserted {
        let sql = try database.sql()
        let before = try await sql.select().column("user_id").from(WeChatIdentity.schema)
            .where("app_id", .equal, identity.appID).where("openid", .equal, identity.openID).for(.update).first()
        let userBefore = try before?.decode(column: "user_id", as: UUID?.self)
        let newID = UUID()
        var rows: [any SQLRow]
        let savepoint = identity.unionID != nil && sql.dialect.name != "sqlite"
        do {
            if savepoint { try await sql.raw("SAVEPOINT follower_upsert").run() }
            rows = try await upsertFollower(identity, id: newID, joining: identity.unionID != nil)
            if savepoint { try await sql.raw("RELEASE SAVEPOINT follower_upsert").run() }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // The sibling's user got an identity of this app meanwhile: record it unjoined (it goes to binding).
            if savepoint { try await sql.raw("ROLLBACK TO SAVEPOINT follower_upsert").run() }
            rows = try await upsertFollower(identity, id: newID, joining: false)
        }
        guard let row = rows.first else { throw UpsertFailure() }
        let id = try row.decode(column: "id", as: UUID.self)
        let userID = try row.decode(column: "user_id", as: UUID?.self)
        let joined = userID != nil && (before == nil ? id == newID : userBefore == nil)
        return Upserted(id: id, userID: userID, joined: joined, unionID: try row.decode(column: "unionid", as: String?.self))
    }

    private func upsertFollower(_ identity: FollowerUpsert, id: UUID, joining: Bool) async throws -> [any SQLRow] {
        let siblingUser: SQLQueryString = """
            (SELECT sibling.user_id FROM wechat_identities sibling
             WHERE sibling.unionid = \(bind: identity.unionID) AND sibling.user_id IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM wechat_identities same
                                WHERE same.user_id = sibling.user_id AND same.app_id = \(bind: identity.appID))
             LIMIT 1)
            """
        let now = identity.now
        return try await database.sql().raw("""
            INSERT INTO wechat_identities (id, app_id, openid, unionid, app_kind, user_id, scopes, is_snapshot_user,
                needs_reauthorization, following, last_login_at, created_at, updated_at)
            VALUES (\(bind: id), \(bind: identity.appID), \(bind: identity.openID), \(bind: identity.unionID),
                \(bind: AppKind.officialAccount.rawValue), \(joining ? siblingUser : "NULL"), \(bind: ""),
                \(bind: false), \(bind: false), \(bind: true), \(bind: now), \(bind: now), \(bind: now))
            ON CONFLICT (app_id, openid) DO UPDATE SET
                unionid = COALESCE(excluded.unionid, wechat_identities.unionid),
                user_id = COALESCE(wechat_identities.user_id, excluded.user_id),
                following = excluded.following,
                last_login_at = excluded.last_login_at, updated_at = excluded.updated_at
            RETURNING id, user_id, unionid
            """).all()
    }
}
