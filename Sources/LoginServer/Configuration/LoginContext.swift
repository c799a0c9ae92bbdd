import Fluent
import Vapor
import WeChatKit
import WeChatVapor

/// The server's configuration and services, stored once on the application and reached from every request.
struct LoginContext: Sendable {
    let configuration: LoginServerConfiguration
    let clock: any ServerClock
    let cipher: TokenCipher
    let codeSender: @Sendable (Request) -> any CodeSender
    /// The embedded sandbox's base URL, in sandbox mode.
    let sandboxURL: String?
    /// The official account's server endpoint, built (and its keys checked) once at start-up; `nil` when not
    /// configured.
    let messageServer: MessageServer?
    /// Template messaging from the official account; `nil` when none is configured.
    let messaging: TemplateMessaging?
    /// The push endpoint's batched writes, on the application's database.
    let pushWriters: PushWriters
    /// The login path's batched inserts, on the application's database.
    let loginWriters: LoginWriters
    /// Signing in with WeChat: the login's start and its callback.
    let signInFlow: SignInFlow

    private struct Key: StorageKey {
        typealias Value = LoginContext
    }

    static func install(_ context: LoginContext, on app: Application) {
        app.storage[Key.self] = context
    }

    /// The bind service on `database`, sending codes with `sender`.
    func bindService(on database: any Database, sender: any CodeSender) -> BindService {
        BindService(
            database: database, clock: clock, codeKey: configuration.codeKey, sender: sender,
            limiter: BindLimiter(limits: configuration.bindLimits, codeKey: configuration.codeKey),
            codeLifetime: configuration.bindCodeLifetime, maxAttempts: configuration.bindMaxAttempts,
            resendCooldown: configuration.bindResendCooldown)
    }

    static func of(_ app: Application) -> LoginContext {
        guard let context = app.storage[Key.self] else {
            fatalError("LoginServer.configure(_:) must run before the server handles requests")
        }
        return context
    }
}

extension Request {
    /// The login server's context.
    var login: LoginContext { LoginContext.of(application) }

    /// The bind service on this request's database.
    var bindService: BindService {
        login.bindService(on: db, sender: login.codeSender(self))
    }

    /// The shared access_token's row on this request's database (today's fetches, expiry).
    var serverTokenStore: DatabaseAccessTokenStore {
        DatabaseAccessTokenStore(database: db, cipher: login.cipher, clock: login.clock, logger: logger,
                                 dailyLimit: DatabaseAccessTokenStore.dailyLimit(login.configuration.accessTokenMode))
    }

    /// The OAuth client of the app behind an identity or a login flow.
    func oauthClient(for kind: AppKind) throws -> OAuthClient {
        kind == .officialAccount ? try wechat.requireOfficialAccount() : try wechat.requireWebsite()
    }

    /// The language of this request's pages.
    var language: Language {
        Language(query: queryValue("lang"), cookie: cookies[Language.cookieName]?.string)
    }
}
