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
        try await upsertJoining(appID: identity.appID, openID: identity.openID, unionID: identity.unionID) { id, joining in
            try await upsertFollower(identity, id: id, joining: joining && identity.unionID != nil)
        }
    }

    private func upsertFollower(_ identity: FollowerUpsert, id: UUID, joining: Bool) async throws -> [any SQLRow] {
        let siblingUser = Self.siblingUser(unionID: identity.unionID, appID: identity.appID)
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
