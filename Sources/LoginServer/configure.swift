import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import SQLKit
import Vapor
import WeChatKit
import WeChatVapor // WeChatError as HTTP statuses (WeChatError+Abort)

/// The login server as a Vapor application.
public enum LoginServer {
    /// Configures `app` as the login server: database and migrations, WeChat clients, services, middleware,
    /// lifecycle, routes. Returns the services it built and handed to the routes.
    @discardableResult
    public static func configure(_ app: Application, _ configuration: LoginServerConfiguration,
                                 sandboxURL: String? = nil) async throws -> LoginServices {
        try await configure(app, configuration, clock: SystemServerClock(), sandboxURL: sandboxURL)
    }

    @discardableResult
    static func configure(_ app: Application, _ configuration: LoginServerConfiguration, clock: any ServerClock,
                          weChatClock: any WeChatClock = SystemWeChatClock(),
                          sandboxURL: String? = nil) async throws -> LoginServices {
        try await prepareDatabase(configuration.database,
                                  migrate: configuration.migrateOnStart || configuration.sandboxMode, on: app)
        let weChat = WeChatClients(configuration: configuration, database: app.db, httpClient: app.http.client.shared,
                                   clock: clock, weChatClock: weChatClock, logger: app.logger)
        let signingKeys = try await prepareSigningKeys(app, configuration, clock: clock)
        let services = try makeServices(app, configuration, clock: clock, weChat: weChat, signingKeys: signingKeys,
                                        sandboxURL: sandboxURL)
        useMiddleware(app, services)
        useLifecycle(app, services)
        try routes(app, services)
        return services
    }

    /// Opens the database, brings its schema up to date under the migration lock (``SchemaMigrator``) and, for a
    /// SQLite file, sets its journal. With `migrate` false (`MIGRATE_ON_START=off`) a PostgreSQL schema that is
    /// behind is not touched: it throws ``SchemaBehindError`` naming the pending migrations. SQLite always migrates:
    /// one file, one machine, nobody else to run `migrate` first. Every process that opens the database (`serve`,
    /// `push`, `import`, `reseal-tokens`, `rotate-signing-keys`) comes through here.
    static func prepareDatabase(_ location: LoginServerConfiguration.DatabaseLocation, migrate: Bool = true,
                                on app: Application) async throws {
        try useDatabase(location, on: app)
        addMigrations(to: app)
        if case .postgres = location, !migrate {
            let pending = try await SchemaMigrator.run(.check, on: app)
            guard pending.isEmpty else { throw SchemaBehindError(pending: pending) }
        } else {
            let applied = try await SchemaMigrator.run(.migrate, on: app)
            if !applied.isEmpty {
                app.logger.notice("applied \(applied.count) migration(s)", metadata: ["migrations": "\(applied.joined(separator: ", "))"])
            }
        }
        if case .sqliteFile = location {
            let sql = try app.db.sql()
            // Write-ahead logging, synced at checkpoints rather than at every commit: a process crash loses
            // nothing; a power loss may lose the last commits (never the file's integrity). PostgreSQL is the
            // choice where that matters. The process has one SQLite connection, so the settings cover it.
            try await sql.raw("PRAGMA journal_mode=WAL").run()
            try await sql.raw("PRAGMA synchronous=NORMAL").run()
            // SQLite keeps 2 MB of pages by default: at a million messages, reports and nonces every insert read
            // its index leaves back through a pread and a page decode (issue 17). The cache is filled only as
            // pages are read, so a small database never uses it all.
            try await sql.raw("PRAGMA cache_size=\(literal: -Self.sqlitePageCacheKiB)").run()
        }
    }

    /// SQLite's page cache, in KiB (64 MiB), for a file database. See docs/DEPLOYMENT.md.
    static let sqlitePageCacheKiB = 65_536

    /// The OpenID Connect signing keys: the first instance to start makes them, every instance loads them.
    static func prepareSigningKeys(_ app: Application, _ configuration: LoginServerConfiguration,
                                   clock: any ServerClock) async throws -> SigningKeyRing {
        let ring = SigningKeyRing(store: SigningKeyStore(database: app.db, cipher: configuration.tokenCipher),
                                  configuration: configuration.signingKeys, clock: clock, logger: app.logger)
        try await ring.prepare(replaceUnopenable: configuration.sandboxMode)
        return ring
    }

    /// Builds the application's services once. The batchers and the worker's queue write on the application's
    /// database (they gather many requests' rows); everything a request uses is made on the request's database.
    static func makeServices(_ app: Application, _ configuration: LoginServerConfiguration, clock: any ServerClock,
                             weChat: WeChatClients, signingKeys: SigningKeyRing,
                             sandboxURL: String?) throws -> LoginServices {
        let cipher = configuration.tokenCipher
        let loginWriters = LoginWriters(database: app.db)
        let pushWriters = PushWriters(database: app.db)
        let messaging = weChat.accessTokens.map { provider in
            let client = TemplateMessageClient(
                tokenProvider: provider,
                configuration: .init(endpoint: configuration.endpoint, http: configuration.weChatHTTP),
                httpClient: app.http.client.shared, logger: app.logger)
            let worker = TemplateMessageWorker(
                queue: TemplateMessageQueue(database: app.db, clock: clock), send: { try await client.send($0) },
                configuration: configuration.messageQueue, logger: app.logger)
            return TemplateMessaging(appID: provider.appID, worker: worker,
                                     workerEnabled: configuration.messageQueue.workerEnabled, clock: clock,
                                     deliveryReports: pushWriters.reports)
        }
        // Built at start-up, so a bad key fails then rather than on the first push.
        let messageServer = try configuration.messageServer.map(MessageServer.init(configuration:))
        let relay = try configuration.relay.flatMap { relay in
            try messageServer.map { server in
                _ = try MessageServer(configuration: relay.handlerServer(account: server.configuration))
                return PushRelay(configuration: relay, account: server.configuration, transport: HTTPRelayTransport(),
                                 clock: clock)
            }
        }
        return LoginServices(
            configuration: configuration, clock: clock, sandboxURL: sandboxURL, weChat: weChat,
            messageServer: messageServer, relay: relay,
            messaging: messaging,
            sharedToken: weChat.accessTokens.map { SharedAccessToken(provider: $0, cipher: cipher, clock: clock) },
            pushWriters: pushWriters, loginWriters: loginWriters,
            signInFlow: SignInFlow(
                configuration: .init(callbackURL: configuration.callbackURL, stateLifetime: configuration.stateLifetime,
                                     repeatWindow: configuration.callbackRepeatWindow),
                officialAccount: weChat.officialAccount, website: weChat.website, cipher: cipher, clock: clock,
                stateWriter: loginWriters.states),
            followLogin: followLogin(configuration, weChat: weChat, clock: clock),
            browserSession: BrowserSession(configuration: configuration, clock: clock, writer: loginWriters.sessions),
            binding: BindServices(configuration: configuration, clock: clock),
            profiles: ProfileRefresher(weChat: weChat, cipher: cipher, clock: clock),
            oidcClients: OIDCClients(clock: clock),
            signingKeys: signingKeys,
            oidcProvider: OIDCProvider(issuer: OIDCProvider.issuer(publicURL: configuration.publicURL),
                                       configuration: configuration.oidcProvider, keys: signingKeys, clock: clock),
            webhooks: WebhookDelivery(
                configuration: configuration.webhooks,
                database: WebhookDatabase(
                    deliveries: WebhookDeliveryStore(database: app.db),
                    endpoints: WebhookEndpointStore(database: app.db, cipher: cipher, clock: clock),
                    events: EventLog(database: app.db), clock: clock),
                logger: app.logger))
    }

    /// Follow-to-sign-in needs the official account's token-based clients and its server endpoint.
    static func followLogin(_ configuration: LoginServerConfiguration, weChat: WeChatClients,
                            clock: any ServerClock) -> FollowLogin? {
        guard let account = configuration.officialAccount, configuration.messageServer != nil,
              let qrCodes = weChat.qrCodes, let followers = weChat.followers else { return nil }
        return FollowLogin(configuration: configuration.followLogin, appID: account.appID, qrCodes: qrCodes,
                           followers: followers, clock: clock)
    }

    /// Response headers, the shutdown's request drain, client addresses, rate limits, error pages and sessions, in
    /// that order.
    static func useMiddleware(_ app: Application, _ services: LoginServices) {
        let configuration = services.configuration
        let sessions = services.browserSession
        app.sessions.use { _ in LoginSessionDriver(sessions: sessions) }
        app.sessions.configuration = sessionsConfiguration(configuration)
        app.middleware = Middlewares()
        app.middleware.use(ResponseHeadersMiddleware())
        app.middleware.use(RequestDrainMiddleware(drain: services.requestDrain))
        app.middleware.use(ClientAddressMiddleware(proxies: configuration.trustedProxies))
        if configuration.rateLimits.enabled {
            app.middleware.use(RateLimitMiddleware(
                limiter: RateLimiter(limits: configuration.rateLimits, clock: services.clock)))
        } else {
            // Said at every start, so limits switched off for a benchmark do not stay off unnoticed in production.
            app.logger.warning("rate limits are off (RATE_LIMITS=off)")
        }
        app.middleware.use(PageErrorMiddleware())
        app.middleware.use(app.sessions.middleware)
        app.routes.defaultMaxBodySize = "64kb"
    }

    /// The template-message and webhook workers, the retention sweep, after a key rotation the token reseal, and the
    /// request drain that a shutdown runs first.
    static func useLifecycle(_ app: Application, _ services: LoginServices) {
        let configuration = services.configuration
        if let messaging = services.messaging { app.lifecycle.use(TemplateMessageWorkerLifecycle(messaging: messaging)) }
        app.lifecycle.use(WebhookWorkerLifecycle(delivery: services.webhooks))
        if let relay = services.relay { app.lifecycle.use(PushRelayLifecycle(relay: relay)) }
        app.lifecycle.use(RetentionSweeper(database: app.db, clock: services.clock,
                                            auditRetention: services.configuration.auditRetention,
                                            retention: services.configuration.retention).lifecycle())
        if !configuration.previousTokenKeys.isEmpty {
            app.lifecycle.use(TokenResealer(database: app.db, cipher: configuration.tokenCipher).lifecycle())
        }
        // Last, so that at shutdown it runs first: requests in flight finish before anything else stops.
        app.lifecycle.use(RequestDrainLifecycle(drain: services.requestDrain))
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
        app.migrations.add(CreateOIDCClient())
        app.migrations.add(CreateSigningKey())
        app.migrations.add(CreateOIDCAuthorization())
        app.migrations.add(CreateOIDCRefreshToken())
        app.migrations.add(AddIDTokenSignedResponseAlg())
        app.migrations.add(CreateEvent())
        app.migrations.add(AddUserExternalID())
        app.migrations.add(CreateWebhooks())
        app.migrations.add(AddBindChallengePurpose())
        app.migrations.add(AddPersonLookupIndexes())
        app.migrations.add(CreatePushRelay())
        app.migrations.add(CreateFollowLoginScene())
        app.migrations.add(AddLoginSessionUserID())
        app.migrations.add(AddInboundEventReceivedAtIndex())
        app.migrations.add(AddRetentionIndexes())
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
