import Vapor

extension LoginServer {
    /// Registers every controller, each handed the services it needs.
    static func routes(_ app: Application, _ services: LoginServices) throws {
        let configuration = services.configuration
        let sessions = services.browserSession
        let adminToken = AdminTokenMiddleware(expected: configuration.adminToken)
        try app.register(collection: HomeController(
            sessions: sessions, sandboxMode: configuration.sandboxMode, sandboxURL: services.sandboxURL,
            followLoginOffered: services.followLogin != nil && (configuration.sandboxMode || configuration.pcLogin == .both),
            issuer: services.oidcProvider.issuer))
        try app.register(collection: LoginController(
            flow: services.signInFlow, configuration: configuration, followLogin: services.followLogin))
        if let followLogin = services.followLogin {
            try app.register(collection: FollowLoginController(
                followLogin: followLogin, configuration: configuration, sessions: sessions))
            try app.register(collection: FollowLoginEmbedController(
                followLogin: followLogin, configuration: configuration, sessions: sessions))
        }
        try app.register(collection: CallbackController(
            flow: services.signInFlow, configuration: configuration, sessions: sessions))
        try app.register(collection: BindController(sessions: sessions, binding: services.binding))
        try app.register(collection: AccountController(sessions: sessions, profiles: services.profiles))
        try app.register(collection: APIController(sessions: sessions, profiles: services.profiles))
        try app.register(collection: ContactChangeController(sessions: sessions, binding: services.binding))
        try app.register(collection: AccountDeletionController(sessions: sessions))
        try app.register(collection: WeChatEventsController(
            server: services.messageServer, relay: services.relay, clock: services.clock,
            writers: services.pushWriters, followLogin: services.followLogin))
        try app.register(collection: AdminController(adminToken: adminToken, sharedToken: services.sharedToken))
        try app.register(collection: UserAdminController(adminToken: adminToken, clock: services.clock))
        try app.register(collection: UserDeletionAdminController(adminToken: adminToken, clock: services.clock))
        try app.register(collection: ClientRegistrationController(
            initialAccessToken: configuration.adminToken, clients: services.oidcClients))
        try app.register(collection: ClientAdminController(adminToken: adminToken, clients: services.oidcClients))
        try app.register(collection: UserTokenAdminController(adminToken: adminToken, provider: services.oidcProvider))
        try app.register(collection: EventsAdminController(adminToken: adminToken))
        try app.register(collection: WebhookAdminController(
            adminToken: adminToken, cipher: services.cipher, clock: services.clock))
        try app.register(collection: TemplateMessageController(adminToken: adminToken, messaging: services.messaging))
        try app.register(collection: JWKSController(keys: services.signingKeys))
        try app.register(collection: DiscoveryController(issuer: services.oidcProvider.issuer))
        try app.register(collection: AuthorizationController(
            provider: services.oidcProvider, clients: services.oidcClients, sessions: sessions, configuration: configuration))
        try app.register(collection: TokenController(provider: services.oidcProvider, clients: services.oidcClients))
        try app.register(collection: UserInfoController(provider: services.oidcProvider))
        try app.register(collection: RevocationController(provider: services.oidcProvider, clients: services.oidcClients))
        try app.register(collection: LogoutController(provider: services.oidcProvider, clients: services.oidcClients, sessions: sessions))
        try app.register(collection: MetricsController(
            configuration: configuration, messaging: services.messaging, sharedToken: services.sharedToken,
            depths: QueueDepthGauges(clock: services.clock)))
    }
}
