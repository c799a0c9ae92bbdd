import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import SQLKit
import Vapor
import WeChatKit
import WeChatVapor

/// The login server as a Vapor application.
public enum LoginServer {
    /// Configures `app` as the login server: database and migrations, sessions, WeChat clients, routes.
    public static func configure(_ app: Application, _ configuration: LoginServerConfiguration,
                                 sandboxURL: String? = nil) async throws {
        try await configure(app, configuration, clock: SystemServerClock(), sandboxURL: sandboxURL)
    }

    static func configure(_ app: Application, _ configuration: LoginServerConfiguration, clock: any ServerClock,
                          weChatClock: any WeChatClock = SystemWeChatClock(), sandboxURL: String? = nil) async throws {
        try useDatabase(configuration.database, on: app)
        addMigrations(to: app)
        try await app.autoMigrate()
        if case .sqliteFile = configuration.database {
            let sql = try app.db.sql()
            // Write-ahead logging, synced at checkpoints rather than at every commit: a process crash loses
            // nothing; a power loss may lose the last commits (never the file's integrity). PostgreSQL is the
            // choice where that matters. The process has one SQLite connection, so the setting covers it.
            try await sql.raw("PRAGMA journal_mode=WAL").run()
            try await sql.raw("PRAGMA synchronous=NORMAL").run()
        }

        let sessionLifetime = configuration.sessionLifetime
        app.sessions.use { _ in LoginSessionDriver(lifetime: sessionLifetime) }
        app.sessions.configuration = sessionsConfiguration(configuration)
        app.middleware = Middlewares()
        app.middleware.use(ResponseHeadersMiddleware())
        app.middleware.use(ClientAddressMiddleware(proxies: configuration.trustedProxies))
        if configuration.rateLimits.enabled {
            app.middleware.use(RateLimitMiddleware(limiter: RateLimiter(limits: configuration.rateLimits, clock: clock)))
        } else {
            // Said at every start, so limits switched off for a benchmark do not stay off unnoticed in production.
            app.logger.warning("rate limits are off (RATE_LIMITS=off)")
        }
        app.middleware.use(PageErrorMiddleware())
        app.middleware.use(app.sessions.middleware)
        app.routes.defaultMaxBodySize = "64kb"

        let clientConfiguration = OAuthClient.Configuration(endpoint: configuration.endpoint, http: configuration.weChatHTTP)
        let accessTokens = configuration.officialAccount.map {
            AccessTokenProvider(
                credentials: $0,
                store: DatabaseAccessTokenStore(
                    database: app.db, cipher: configuration.tokenCipher, clock: clock, logger: app.logger,
                    dailyLimit: DatabaseAccessTokenStore.dailyLimit(configuration.accessTokenMode)),
                configuration: .init(endpoint: configuration.endpoint, http: configuration.weChatHTTP,
                                     mode: configuration.accessTokenMode),
                httpClient: app.http.client.shared, clock: weChatClock, logger: app.logger)
        }
        let officialAccountClient = configuration.officialAccount.map {
            OAuthClient(credentials: $0, configuration: clientConfiguration, httpClient: app.http.client.shared,
                        clock: weChatClock, logger: app.logger)
        }
        let websiteClient = configuration.website.map {
            OAuthClient(credentials: $0, configuration: clientConfiguration, httpClient: app.http.client.shared,
                        clock: weChatClock, logger: app.logger)
        }
        app.wechat.configure(.init(officialAccount: officialAccountClient, website: websiteClient,
                                   accessTokens: accessTokens))
        let messaging = accessTokens.map { provider in
            let client = TemplateMessageClient(
                tokenProvider: provider, configuration: clientConfiguration, httpClient: app.http.client.shared,
                logger: app.logger)
            let worker = TemplateMessageWorker(
                queue: TemplateMessageQueue(database: app.db, clock: clock), send: { try await client.send($0) },
                configuration: configuration.messageQueue, logger: app.logger)
            return TemplateMessaging(appID: provider.appID, worker: worker,
                                     workerEnabled: configuration.messageQueue.workerEnabled)
        }
        if let messaging { app.lifecycle.use(TemplateMessageWorkerLifecycle(messaging: messaging)) }
        app.lifecycle.use(RetentionLifecycle(sweeper: RetentionSweeper(database: app.db, clock: clock)))
        if !configuration.previousTokenKeys.isEmpty {
            app.lifecycle.use(TokenResealLifecycle(resealer: TokenResealer(database: app.db, cipher: configuration.tokenCipher)))
        }

        let delivery = configuration.codeDelivery
        let loginWriters = LoginWriters(database: app.db)
        LoginContext.install(LoginContext(
            configuration: configuration, clock: clock, cipher: configuration.tokenCipher,
            codeSender: { req in
                switch delivery {
                case .developmentOutbox: OutboxCodeSender(database: req.db)
                case .webhook(let url): WebhookCodeSender(client: req.client, url: URI(string: url.absoluteString), logger: req.logger)
                }
            },
            sandboxURL: sandboxURL,
            // Built at start-up, so a bad key fails then rather than on the first push.
            messageServer: try configuration.messageServer.map(MessageServer.init(configuration:)),
            messaging: messaging, pushWriters: PushWriters(database: app.db),
            loginWriters: loginWriters,
            signInFlow: SignInFlow(
                configuration: .init(callbackURL: configuration.callbackURL, stateLifetime: configuration.stateLifetime,
                                     repeatWindow: configuration.callbackRepeatWindow),
                officialAccount: officialAccountClient, website: websiteClient, cipher: configuration.tokenCipher,
                clock: clock, stateWriter: loginWriters.states)), on: app)
        try routes(app)
    }

    static func useDatabase(_ location: LoginServerConfiguration.DatabaseLocation, on app: Application) throws {
        switch location {
        case .sqliteMemory:
            app.databases.use(SingleConnectionDatabase(base: DatabaseConfigurationFactory.sqlite(.memory).make(),
                                                       eventLoop: app.eventLoopGroup.next()), as: .sqlite)
        case .sqliteFile(let path):
            app.databases.use(SingleConnectionDatabase(base: DatabaseConfigurationFactory.sqlite(.file(path)).make(),
                                                       eventLoop: app.eventLoopGroup.next()), as: .sqlite)
        case .postgres(let url):
            try app.databases.use(.postgres(url: url), as: .psql)
        }
    }

    static func addMigrations(to app: Application) {
        app.migrations.add(CreateUser())
        app.migrations.add(CreateWeChatIdentity())
        app.migrations.add(CreateOAuthState())
        app.migrations.add(CreateBindChallenge())
        app.migrations.add(CreateOutboxMessage())
        app.migrations.add(CreateInboundEvent())
        app.migrations.add(CreateServerAccessToken())
        app.migrations.add(CreateTemplateMessage())
        app.migrations.add(CreateLoginSession())
        app.migrations.add(CreateBindLimitCounter())
        app.migrations.add(AddOneIdentityPerAppIndex())
    }

    static func sessionsConfiguration(_ configuration: LoginServerConfiguration) -> SessionsConfiguration {
        let secure = configuration.isHTTPS
        let lifetime = Int(configuration.sessionLifetime)
        // SameSite=Lax, not Strict: WeChat's redirect back to the callback is a top-level cross-site GET.
        return SessionsConfiguration(cookieName: configuration.cookieName("wl_session")) { id in
            HTTPCookies.Value(string: id.string, maxAge: lifetime, path: "/", isSecure: secure, isHTTPOnly: true,
                              sameSite: .lax)
        }
    }
}
