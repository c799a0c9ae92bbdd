import Fluent
import Vapor
import WeChatKit

/// Re-reads an identity's WeChat profile with its stored user token, refreshing the token first when needed.
enum ProfileRefresher {
    /// Updates nickname and avatar; throws `UserTokenService.Failure.needsReauthorization` when WeChat no longer
    /// accepts the stored grant, and `WeChatError` for WeChat's other refusals.
    static func refresh(_ identity: WeChatIdentity, on req: Request) async throws {
        let client = try req.oauthClient(for: AppKind(rawValue: identity.appKind) ?? .website)
        let tokens = UserTokenService(database: req.db, cipher: req.login.cipher, clock: req.login.clock)
        let token = try await tokens.accessToken(for: identity, client: client)
        guard identity.scopes.contains("snsapi_userinfo") || identity.scopes.contains("snsapi_login") else {
            // snsapi_base grants carry no profile (48001): the token is still valid, there is nothing to read.
            return
        }
        let profile = try await client.userInfo(accessToken: token, openID: identity.openID)
        if !profile.nickname.isEmpty { identity.nickname = profile.nickname }
        if !profile.headImageURL.isEmpty { identity.avatarURL = profile.headImageURL }
        try await IdentityStore(database: req.db).saveTokensAndProfile(identity)
    }
}
