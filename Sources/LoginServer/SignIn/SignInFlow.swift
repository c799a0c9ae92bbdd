import Fluent
import Foundation
import Logging
import WeChatKit

/// Signing in with WeChat, from the login's start to the callback's outcome, with no HTTP request in sight.
///
/// `begin` stores a fresh `state` bound to the browser and says where to send it; `complete` claims that state
/// (exactly one callback exchanges a code), talks to WeChat, records the identity and completes the state — or
/// gives the claim back on every way that fails — and says how it ended as an ``Outcome``. Controllers turn
/// outcomes into sessions, pages and redirects; an OpenID Connect authorization request can drive the same flow.
/// Built once at start-up; every call names the database (the request's, so work stays on its event loop).
struct SignInFlow: Sendable {
    /// The flow's settings, from `LoginServerConfiguration`.
    struct Configuration: Sendable {
        /// The callback WeChat sends people back to (`PUBLIC_URL/auth/wechat/callback`).
        var callbackURL: String
        /// How long a state stays usable.
        var stateLifetime: TimeInterval = 10 * 60
        /// How long after completion a repeated callback still gets the first result.
        var repeatWindow: TimeInterval = 120
        /// A claim older than this is taken to be abandoned (its process died).
        var staleClaimAfter: TimeInterval = 30
        /// How long a duplicate callback waits for the one holding the claim: polls and their spacing.
        var awaitAttempts = 50
        var awaitInterval: Duration = .milliseconds(100)
    }

    let configuration: Configuration
    /// The official account's client (in-WeChat flow), when configured.
    let officialAccount: OAuthClient?
    /// The website app's client (PC QR flows), when configured.
    let website: OAuthClient?
    let cipher: TokenCipher
    let clock: any ServerClock
    /// Batches the state inserts of concurrent logins.
    let stateWriter: StatementBatcher<LoginStateStore.Row, Bool>

    /// The app a flow needs is not configured.
    struct Unavailable: Error, Equatable, CustomStringConvertible {
        var appKind: AppKind
        var description: String { "the WeChat \(appKind == .officialAccount ? "official account" : "website app") is not configured" }
    }

    /// The client of the app behind a flow.
    func client(for kind: AppKind) throws -> OAuthClient {
        guard let client = kind == .officialAccount ? officialAccount : website else { throw Unavailable(appKind: kind) }
        return client
    }

    func states(on database: any Database) -> LoginStateStore {
        LoginStateStore(database: database, clock: clock, staleClaimAfter: configuration.staleClaimAfter,
                        batcher: stateWriter)
    }

    func recorder(on database: any Database) -> IdentityRecorder {
        IdentityRecorder(database: database, cipher: cipher, clock: clock)
    }

    /// Stores a new state for this login and says where the browser goes: WeChat's authorize or QR page, or our page
    /// framing the QR code.
    func begin(_ start: Start, on database: any Database) async throws -> Started {
        let client = try client(for: start.flow.appKind)
        let state = OAuthState.random()
        let scope: OAuthScope = start.flow == .officialAccount ? start.scope : .snsapiLogin
        try await states(on: database).create(
            state: state, binding: start.binding, appID: client.credentials.appID, flow: start.flow, scope: scope,
            returnTo: start.returnTo, lifetime: configuration.stateLifetime)
        switch start.flow {
        case .officialAccount:
            return .redirect(client.officialAccountAuthorizationURL(
                redirectURI: configuration.callbackURL, scope: scope, state: state))
        case .website:
            return .redirect(client.qrConnectURL(
                redirectURI: configuration.callbackURL, state: state, language: start.language))
        case .websiteInline:
            let frame = client.inlineQRLogin(
                containerID: "wechat-qr", redirectURI: configuration.callbackURL, state: state, selfRedirect: false)
            return .inlineFrame(frame.frameURL(endpoint: client.configuration.endpoint))
        }
    }
}
