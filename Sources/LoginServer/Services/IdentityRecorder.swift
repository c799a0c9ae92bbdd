import Fluent
import SQLKit
import Foundation
import WeChatKit

/// Writes what one successful callback learned — the identity, its profile and sealed tokens — and completes the
/// login state, in one transaction, so a failure leaves nothing half-written.
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

    /// Upserts the identity `(appid, openid)`, joins it to the user of another identity with the same unionid when
    /// it has none, and marks the state completed with it. Returns the identity.
    func record(_ authorization: Authorization, completing state: OAuthStateRecord, claimToken: String)
        async throws -> WeChatIdentity {
        do {
            return try await attempt(authorization, state: state, claimToken: claimToken)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // Another browser inserted the same new identity at the same moment: the row exists now, update it.
            return try await attempt(authorization, state: state, claimToken: claimToken)
        }
    }

    private func attempt(_ authorization: Authorization, state: OAuthStateRecord, claimToken: String)
        async throws -> WeChatIdentity {
        let now = clock.now()
        return try await database.writeTransaction { tx in
            let token = authorization.token
            let identity = try await WeChatIdentity.query(on: tx)
                .filter(\.$appID == authorization.appID)
                .filter(\.$openID == token.openID)
                .first()
                ?? WeChatIdentity(appID: authorization.appID, openID: token.openID,
                                  appKind: authorization.appKind.rawValue)
            let unionID = token.unionID ?? authorization.profile?.unionID
            if let unionID { identity.unionID = unionID }
            if let profile = authorization.profile {
                identity.nickname = profile.nickname.isEmpty ? identity.nickname : profile.nickname
                identity.avatarURL = profile.headImageURL.isEmpty ? identity.avatarURL : profile.headImageURL
            }
            identity.scopes = token.scopes.map(\.rawValue).sorted().joined(separator: ",")
            identity.isSnapshotUser = token.isSnapshotUser
            try seal(token, into: identity, newGrant: true)
            identity.needsReauthorization = false
            identity.lastLoginAt = now

            if identity.$user.id == nil, let unionID {
                let sibling = try await WeChatIdentity.query(on: tx)
                    .filter(\.$unionID == unionID)
                    .filter(\.$user.$id != nil)
                    .first()
                identity.$user.id = sibling?.$user.id
            }
            try await identity.save(on: tx)

            let identityID = try identity.requireID()
            let stateID = try state.requireID()
            try await tx.sql().update(OAuthStateRecord.schema)
                .set("completed_at", to: now).set("identity_id", to: identityID)
                .where("state", .equal, stateID).where("claim_token", .equal, claimToken)
                .run()
            return identity
        }
    }

    /// Seals a user token's secrets into the identity row. A new grant (a code exchange) starts the refresh
    /// token's documented 30 days; a refresh does not extend them.
    func seal(_ token: UserToken, into identity: WeChatIdentity, newGrant: Bool) throws {
        identity.accessTokenSealed = try cipher.seal(token.accessToken, context: Self.context(identity, "access"))
        identity.accessTokenExpiresAt = token.expiresAt
        identity.refreshTokenSealed = try cipher.seal(token.refreshToken, context: Self.context(identity, "refresh"))
        if newGrant || identity.refreshTokenExpiresAt == nil {
            identity.refreshTokenExpiresAt = clock.now().addingTimeInterval(Self.refreshTokenLifetime)
        }
    }

    /// The documented life of a refresh token.
    static let refreshTokenLifetime: TimeInterval = 30 * 24 * 3600

    /// Binds a sealed token to its identity and purpose, so it cannot be opened from another row.
    static func context(_ identity: WeChatIdentity, _ purpose: String) -> String {
        "\(identity.appID):\(identity.openID):\(purpose)"
    }
}

/// Which kind of WeChat app an identity belongs to.
enum AppKind: String, Sendable {
    case officialAccount
    case website
}
