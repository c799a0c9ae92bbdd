import Fluent
import Foundation
import WeChatKit

/// Hands out a stored identity's user access_token, refreshing it with the refresh_token when it has expired.
///
/// A refresh token WeChat no longer accepts (42002 expired, 40030 invalid, 42007 password changed) marks the
/// identity as needing re-authorization; the person's next login repairs it.
struct UserTokenService: Sendable {
    let database: any Database
    let cipher: TokenCipher
    let clock: any ServerClock

    /// Why no usable token could be produced.
    enum Failure: Error, Equatable {
        /// The person must sign in with WeChat again.
        case needsReauthorization
    }

    private static let deadRefreshCodes: Set<WeChatErrorCode> = [
        .refreshTokenExpired, .invalidRefreshToken, .userTokensRevoked,
    ]

    /// A valid access token for `identity`, refreshed through `client` when needed.
    func accessToken(for identity: WeChatIdentity, client: OAuthClient) async throws -> String {
        if identity.needsReauthorization { throw Failure.needsReauthorization }
        let now = clock.now()
        if let sealed = identity.accessTokenSealed, let expiresAt = identity.accessTokenExpiresAt, now < expiresAt,
           let token = try? cipher.open(sealed, context: IdentityRecorder.context(identity, "access")) {
            return token
        }
        guard let sealedRefresh = identity.refreshTokenSealed,
              let refreshToken = try? cipher.open(sealedRefresh, context: IdentityRecorder.context(identity, "refresh")),
              (identity.refreshTokenExpiresAt.map { now < $0 } ?? false) else {
            try await markNeedsReauthorization(identity)
            throw Failure.needsReauthorization
        }
        do {
            let fresh = try await client.refresh(refreshToken: refreshToken)
            let recorder = IdentityRecorder(database: database, cipher: cipher, clock: clock)
            try recorder.seal(fresh, into: identity, newGrant: false)
            try await IdentityStore(database: database).saveTokensAndProfile(identity)
            return fresh.accessToken
        } catch let error as WeChatError where error.code.map(Self.deadRefreshCodes.contains) == true {
            try await markNeedsReauthorization(identity)
            throw Failure.needsReauthorization
        }
    }

    private func markNeedsReauthorization(_ identity: WeChatIdentity) async throws {
        try await IdentityStore(database: database).markNeedsReauthorization(identity)
    }
}
