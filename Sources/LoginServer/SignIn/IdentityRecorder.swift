import Fluent
import SQLKit
import Foundation
import WeChatKit

/// Writes what one successful callback learned — the identity, its profile and sealed tokens — and completes the
/// login state.
struct IdentityRecorder: Sendable {
    let database: any Database
    let cipher: TokenCipher
    let clock: any ServerClock

    /// What WeChat told us about the person.
    struct Authorization: Sendable {
        var appID: String
        var appKind: AppKind
        var token: UserToken
        var profile: UserInfo?
    }

    /// What the callback needs of the identity it just recorded.
    struct Recorded: Sendable, Equatable {
        var id: UUID
        /// The business user it belongs to; `nil` while it still needs binding.
        var userID: UUID?
    }

    /// Upserts the identity `(appid, openid)` and joins it to the user of another identity with the same unionid
    /// when it has none.
    ///
    /// The identity is one `INSERT … ON CONFLICT (app_id, openid) DO UPDATE … RETURNING`: two browsers signing the
    /// same new person in at once cannot both insert, and no model is read or reflected over on every login.
    ///
    /// The sign-in flow then completes the login state in a second statement, with no transaction around the two
    /// (which would cost two more round trips on every login): each is atomic, and the identity row is whole on its
    /// own. Should the process die between them, the state stays claimed and uncompleted, exactly as when it dies
    /// before the first: a repeated callback waits, then finds its code spent and asks the person to sign in again,
    /// and that login updates the same identity.
    func upsert(_ authorization: Authorization) async throws -> Recorded {
        let now = clock.now()
        let token = authorization.token
        let appID = authorization.appID
        let unionID = token.unionID ?? authorization.profile?.unionID
        let nickname = authorization.profile.flatMap { $0.nickname.isEmpty ? nil : $0.nickname }
        let avatarURL = authorization.profile.flatMap { $0.headImageURL.isEmpty ? nil : $0.headImageURL }
        let scopes = token.scopes.map(\.rawValue).sorted().joined(separator: ",")
        let (accessSealed, refreshSealed) = try sealed(token, appID: appID, openID: token.openID)
        let refreshExpiresAt = now.addingTimeInterval(Self.refreshTokenLifetime)
        let sql = try database.sql()
        // The unionid sibling's user is looked up in the same statement, skipping a user that already has an
        // identity of this app (a user has one per app, by a unique index); an identity that already has a user
        // keeps it. An empty nickname or avatar in the profile keeps the one on file.
        let siblingUser: SQLQueryString = """
            (SELECT sibling.user_id FROM wechat_identities sibling
             WHERE sibling.unionid = \(bind: unionID) AND sibling.user_id IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM wechat_identities same
                                WHERE same.user_id = sibling.user_id AND same.app_id = \(bind: appID))
             LIMIT 1)
            """
        func insertOrUpdate(joining: Bool) async throws -> [any SQLRow] {
            try await sql.raw("""
                INSERT INTO wechat_identities (id, app_id, openid, unionid, app_kind, user_id, nickname, avatar_url,
                    scopes, is_snapshot_user, access_token_sealed, access_token_expires_at, refresh_token_sealed,
                    refresh_token_expires_at, needs_reauthorization, last_login_at, created_at, updated_at)
                VALUES (\(bind: UUID()), \(bind: appID), \(bind: token.openID), \(bind: unionID),
                    \(bind: authorization.appKind.rawValue),
                    \(joining ? siblingUser : "NULL"),
                    \(bind: nickname), \(bind: avatarURL), \(bind: scopes), \(bind: token.isSnapshotUser),
                    \(bind: accessSealed), \(bind: token.expiresAt), \(bind: refreshSealed), \(bind: refreshExpiresAt),
                    \(bind: false), \(bind: now), \(bind: now), \(bind: now))
                ON CONFLICT (app_id, openid) DO UPDATE SET
                    unionid = COALESCE(excluded.unionid, wechat_identities.unionid),
                    user_id = COALESCE(wechat_identities.user_id, excluded.user_id),
                    nickname = COALESCE(excluded.nickname, wechat_identities.nickname),
                    avatar_url = COALESCE(excluded.avatar_url, wechat_identities.avatar_url),
                    scopes = excluded.scopes, is_snapshot_user = excluded.is_snapshot_user,
                    access_token_sealed = excluded.access_token_sealed,
                    access_token_expires_at = excluded.access_token_expires_at,
                    refresh_token_sealed = excluded.refresh_token_sealed,
                    refresh_token_expires_at = excluded.refresh_token_expires_at,
                    needs_reauthorization = excluded.needs_reauthorization,
                    last_login_at = excluded.last_login_at, updated_at = excluded.updated_at
                RETURNING id, user_id
                """).all()
        }
        let rows: [any SQLRow]
        do {
            rows = try await insertOrUpdate(joining: true)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // The sibling's user got an identity of this app between the lookup and the write: record the identity
            // without the join (it goes to binding) rather than failing the login.
            rows = try await insertOrUpdate(joining: false)
        }
        guard let row = rows.first else { throw RecordFailure(reason: "the identity upsert returned no row") }
        let recorded = Recorded(id: try row.decode(column: "id", as: UUID.self),
                                userID: try row.decode(column: "user_id", as: UUID?.self))
        return recorded
    }

    /// The database answered the identity's upsert with nothing (it always returns the row it wrote).
    struct RecordFailure: Error, CustomStringConvertible {
        var reason: String
        var description: String { "recording the identity failed: \(reason)" }
    }

    /// Seals a user token's secrets into the identity row. A new grant (a code exchange) starts the refresh
    /// token's documented 30 days; a refresh does not extend them.
    func seal(_ token: UserToken, into identity: WeChatIdentity, newGrant: Bool) throws {
        (identity.accessTokenSealed, identity.refreshTokenSealed) = try sealed(token, appID: identity.appID,
                                                                              openID: identity.openID)
        identity.accessTokenExpiresAt = token.expiresAt
        if newGrant || identity.refreshTokenExpiresAt == nil {
            identity.refreshTokenExpiresAt = clock.now().addingTimeInterval(Self.refreshTokenLifetime)
        }
    }

    /// A user token's access and refresh tokens, each sealed to the identity `(appID, openID)` and its purpose.
    private func sealed(_ token: UserToken, appID: String, openID: String) throws -> (access: String, refresh: String) {
        (try cipher.seal(token.accessToken, context: Self.context(appID: appID, openID: openID, "access")),
         try cipher.seal(token.refreshToken, context: Self.context(appID: appID, openID: openID, "refresh")))
    }

    /// The documented life of a refresh token.
    static let refreshTokenLifetime: TimeInterval = 30 * 24 * 3600

    /// Binds a sealed token to its identity and purpose, so it cannot be opened from another row.
    static func context(_ identity: WeChatIdentity, _ purpose: String) -> String {
        context(appID: identity.appID, openID: identity.openID, purpose)
    }

    static func context(appID: String, openID: String, _ purpose: String) -> String {
        "\(appID):\(openID):\(purpose)"
    }
}

/// Which kind of WeChat app an identity belongs to.
enum AppKind: String, Sendable {
    case officialAccount
    case website
}
