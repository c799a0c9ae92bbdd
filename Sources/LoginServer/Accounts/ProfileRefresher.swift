import Fluent
import Vapor
import WeChatKit

/// Re-reads an identity's WeChat profile with its stored user token, refreshing the token first when needed.
struct ProfileRefresher: Sendable {
    let weChat: WeChatClients
    let cipher: TokenCipher
    let clock: any ServerClock

    /// Updates nickname and avatar; throws `UserTokenService.Failure.needsReauthorization` when WeChat no longer
    /// accepts the stored grant, `WeChatError` for WeChat's other refusals, and 503 when the identity's app is no
    /// longer configured.
    func refresh(_ identity: WeChatIdentity, on database: any Database) async throws {
        let client = try client(for: AppKind(rawValue: identity.appKind) ?? .website)
        let tokens = UserTokenService(database: database, cipher: cipher, clock: clock)
        let token = try await tokens.accessToken(for: identity, client: client)
        guard identity.scopes.contains("snsapi_userinfo") || identity.scopes.contains("snsapi_login") else {
            // snsapi_base grants carry no profile (48001): the token is still valid, there is nothing to read.
            return
        }
        let profile = try await client.userInfo(accessToken: token, openID: identity.openID)
        if !profile.nickname.isEmpty { identity.nickname = profile.nickname }
        if !profile.headImageURL.isEmpty { identity.avatarURL = profile.headImageURL }
        try await IdentityStore(database: database).saveTokensAndProfile(identity)
    }

    /// The OAuth client of the app behind an identity.
    private func client(for kind: AppKind) throws -> OAuthClient {
        if kind == .officialAccount {
            guard let client = weChat.officialAccount else {
                throw Abort(.serviceUnavailable, reason: "The WeChat official account is not configured.")
            }
            return client
        }
        guard let client = weChat.website else {
            throw Abort(.serviceUnavailable, reason: "The WeChat website app is not configured.")
        }
        return client
    }
}
