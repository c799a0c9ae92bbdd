import Foundation
import WeChatKit

/// The login server's services, built once by `LoginServer.configure` and handed to the controllers, middlewares
/// and lifecycle handlers that need them (`routes(_:_:)`): nothing is looked up at request time, so a missing
/// dependency fails to compile rather than at the first request.
///
/// Services that work on a database take it per call, or are made per request from the request's database, so
/// every request stays on its own event loop (and, on PostgreSQL, its own connection).
public struct LoginServices: Sendable {
    let configuration: LoginServerConfiguration
    let clock: any ServerClock
    /// The embedded sandbox's base URL, in sandbox mode.
    let sandboxURL: String?
    /// The OAuth clients and the shared access_token provider of the configured WeChat apps.
    let weChat: WeChatClients
    /// The official account's server endpoint, built (and its keys checked) once at start-up; `nil` when not
    /// configured.
    let messageServer: MessageServer?
    /// Passes the pushes the server does not consume on to the business's own handler; `nil` without
    /// `WECHAT_RELAY_URL`.
    let relay: PushRelay?
    /// Template messaging from the official account; `nil` when none is configured.
    let messaging: TemplateMessaging?
    /// The shared access_token's provider and its row; `nil` without an official account.
    let sharedToken: SharedAccessToken?
    /// The push endpoint's batched writes, on the application's database.
    let pushWriters: PushWriters
    /// The login path's batched inserts, on the application's database.
    let loginWriters: LoginWriters
    /// Signing in with WeChat: the login's start and its callback.
    let signInFlow: SignInFlow
    /// Follow-to-sign-in (the official account's QR code on a PC page); `nil` without the official account and its
    /// server endpoint (the scan arrives as a push).
    let followLogin: FollowLogin?
    /// Who is signed in, kept in the browser's session.
    let browserSession: BrowserSession
    /// Binding a new identity to a phone number or email, per request.
    let binding: BindServices
    /// Re-reads a WeChat profile with its stored user token.
    let profiles: ProfileRefresher
    /// The OpenID Connect provider's registered clients.
    let oidcClients: OIDCClients
    /// The OpenID Connect provider's signing keys (shared by every instance through the database): the JWKS, and
    /// signing and verifying the provider's tokens.
    let signingKeys: SigningKeyRing
    /// The OpenID Connect provider's authorization-code flow: codes, tokens, and checking access tokens.
    let oidcProvider: OIDCProvider
    /// Webhook delivery: this instance's worker and its HTTP client.
    let webhooks: WebhookDelivery
    /// The requests in flight, which a shutdown lets finish before the databases go.
    let requestDrain = RequestDrain()

    /// The cipher that seals tokens at rest.
    var cipher: TokenCipher { configuration.tokenCipher }
}
