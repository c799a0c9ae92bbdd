import JWT
import Vapor

/// Learns the provider (discovery, keys), makes sure this app has a client there, and sets up sessions and routes.
func configure(_ app: Application, settings: Settings) async throws {
    app.http.server.configuration.hostname = settings.hostname
    app.http.server.configuration.port = settings.port
    // A provider that hangs must not hold a person's sign-in (or this app's start) forever.
    app.http.client.configuration.timeout = .init(connect: .seconds(5), read: .seconds(15))

    app.sessions.use(.memory)
    app.sessions.configuration.cookieName = "business_app_session"
    app.sessions.configuration.cookieFactory = { id in
        // Lax: the provider's redirect back to /callback is a top-level GET from another site.
        HTTPCookies.Value(string: id.string, path: "/", isSecure: settings.isHTTPS, isHTTPOnly: true, sameSite: .lax)
    }
    // Sessions outside the error pages: Vapor saves a session only with a response, and a failed callback must
    // still save that its pending sign-in is spent.
    app.middleware = Middlewares()
    app.middleware.use(app.sessions.middleware)
    app.middleware.use(ErrorPageMiddleware())

    let metadata = try await ProviderMetadata.discover(issuer: settings.issuer, client: app.client, logger: app.logger)
    let keys = ProviderKeys(jwksURI: metadata.jwks_uri, client: app.client, keys: app.jwt.keys)
    try await keys.load()
    let credentials = try await ClientCredentials.obtain(settings: settings, metadata: metadata, client: app.client,
                                                         logger: app.logger)
    let provider = ProviderClient(metadata: metadata, credentials: credentials, client: app.client)
    try routes(app, settings: settings, metadata: metadata, provider: provider, keys: keys)
    app.logger.notice("business app at \(settings.appURL)/ signs people in through \(metadata.issuer)")
}
