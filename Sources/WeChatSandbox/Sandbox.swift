import Foundation
import Vapor

/// An offline WeChat: the browser pages of `open.weixin.qq.com` and the JSON APIs of `api.weixin.qq.com`
/// at WeChat's own paths, with WeChat's rules, lifetimes and errcodes, plus a control API under `/sandbox/api/`.
///
/// ```swift
/// let sandbox = Sandbox(configuration: SandboxConfiguration(publicBaseURL: "http://localhost:8080"))
/// sandbox.register(on: app)
/// ```
/// The default world (ids, secrets, Token, EncodingAESKey, templates, users) is documented on
/// ``SandboxConfiguration`` and in `Sources/WeChatSandbox/README.md`.
public final class Sandbox: Sendable {
    /// The seeded world and its rules.
    public let configuration: SandboxConfiguration
    /// The sandbox's time; the control API and tests move it.
    public let clock: SandboxClock
    let state: SandboxState
    let pushes: PushDispatcher

    /// Creates a sandbox over a world and a clock.
    public init(configuration: SandboxConfiguration = SandboxConfiguration(), clock: SandboxClock = SandboxClock()) {
        self.configuration = configuration
        self.clock = clock
        self.state = SandboxState(configuration: configuration)
        self.pushes = PushDispatcher(state: state, clock: clock)
    }

    /// Registers every page, API and control route on `app`.
    public func register(on app: Application) {
        // Pushes go out on this application's HTTP client: a connection for each attempt in flight, so a
        // `pushConcurrency` above the client's default 8 connections a host is a real one.
        let pushConnections = configuration.limits.pushConcurrency
        if app.http.client.configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit < pushConnections {
            app.http.client.configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = pushConnections
        }
        let root = app.grouped(TrafficMiddleware(state: state))
        let api = root.grouped(WeChatAPIMiddleware(limits: configuration.limits))
        do {
            try api.register(collection: SnsController(sandbox: self))
            try api.register(collection: ServerTokenController(sandbox: self))
            try api.register(collection: FollowerController(sandbox: self))
            try api.register(collection: TemplateController(sandbox: self))
            try api.register(collection: QRCodeCreateController(sandbox: self))
            try root.register(collection: ShowQRCodeController(sandbox: self))
            try root.register(collection: AuthorizePageController(sandbox: self))
            try root.register(collection: QRConnectController(sandbox: self))
            try root.register(collection: ConfirmPageController(sandbox: self))
            try root.register(collection: SandboxPagesController(sandbox: self))
            try app.register(collection: ControlController(sandbox: self))
        } catch {
            app.logger.error("sandbox route registration failed: \(String(describing: error))")
        }
    }

    /// The app with this id, as currently configured (control API PATCHes included).
    public func app(_ appID: String) async -> SandboxConfiguration.App? {
        await state.apps[appID]
    }

    /// All apps as currently configured.
    public func apps() async -> [SandboxConfiguration.App] {
        await state.allApps()
    }

    /// All users, seeded and created.
    public func users() async -> [SandboxConfiguration.User] {
        await state.allUsers()
    }

    /// The stable openid of a user for an app.
    public func openID(userID: String, appID: String) -> String {
        state.openID(userID: userID, appID: appID)
    }

    /// The unionid of a user for an app's Open Platform account, if the app has one.
    public func unionID(userID: String, appID: String) async -> String? {
        await state.unionID(userID: userID, appID: appID)
    }

    /// Restores the seeded world and real time.
    public func reset() async {
        await state.reset()
        await clock.reset()
    }
}
