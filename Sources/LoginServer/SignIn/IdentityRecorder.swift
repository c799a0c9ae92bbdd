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
        /// Whether this upsert linked it to the user of the same person's identity in another app (unionid).
        var joined: Bool
        var unionID: String?
    }

    /// Seals the tokens and upserts the identity `(appid, openid)` through ``IdentityStore/upsert(_:)`` (one
    /// `INSERT … ON CONFLICT … RETURNING`, joining the user of another identity with the same unionid).
    ///
    /// Run it inside the sign-in's write transaction, which also completes the login state and writes the login's
    /// events (`SignInFlow.recordSignIn`).
    func upsert(_ authorization: Authorization) async throws -> Recorded {
        let now = clock.now()
        let token = authorization.token
        let (accessSealed, refreshSealed) = try sealed(token, appID: authorization.appID, openID: token.openID)
        let upserted = try await IdentityStore(database: database).upsert(IdentityStore.Upsert(
            appID: authorization.appID, openID: token.openID,
            unionID: token.unionID ?? authorization.profile?.unionID, appKind: authorization.appKind,
            nickname: authorization.profile.flatMap { $0.nickname.isEmpty ? nil : $0.nickname },
            avatarURL: authorization.profile.flatMap { $0.headImageURL.isEmpty ? nil : $0.headImageURL },
            scopes: token.scopes.map(\.rawValue).sorted().joined(separator: ","),
            isSnapshotUser: token.isSnapshotUser, accessTokenSealed: accessSealed,
            accessTokenExpiresAt: token.expiresAt, refreshTokenSealed: refreshSealed,
            refreshTokenExpiresAt: now.addingTimeInterval(Self.refreshTokenLifetime), now: now))
        return Recorded(id: upserted.id, userID: upserted.userID, joined: upserted.joined, unionID: upserted.unionID)
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
