import AsyncHTTPClient
import Crypto
import Fluent
import Foundation
import Logging
import SQLKit
import Testing
import Vapor
import VaporTesting
import WeChatKit
import WeChatLoginApp
import WeChatSandbox
@testable import LoginServer

/// The login server (in memory, SQLite in memory) and the sandbox (a real port), wired as in sandbox mode.
///
/// The server's public URL is `http://login.test`; a `Browser` sends requests for that host to the server in
/// process and everything else over real HTTP, so redirects between the two work as in a real browser.
final class LoginWorld: Sendable {
    static let serverBase = "http://login.test"

    let server: Application
    /// The services `LoginServer.configure` built and handed to the server's controllers.
    let services: LoginServices
    let sandboxApp: Application
    let sandbox: Sandbox
    let sandboxBase: String
    let http: HTTPClient
    let clock: ManualServerClock
    let logs: LogStore
    let officialAccountID: String
    let websiteAppID: String

    private init(server: Application, services: LoginServices, sandboxApp: Application, sandbox: Sandbox,
                 sandboxBase: String, clock: ManualServerClock, logs: LogStore, officialAccountID: String,
                 websiteAppID: String) {
        self.server = server
        self.services = services
        self.sandboxApp = sandboxApp
        self.sandbox = sandbox
        self.sandboxBase = sandboxBase
        self.clock = clock
        self.logs = logs
        self.officialAccountID = officialAccountID
        self.websiteAppID = websiteAppID
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(30))
        self.http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Runs `body` against a fresh world; `adjust` may change the server's configuration first.
    static func with(
        database: LoginServerConfiguration.DatabaseLocation = LoginWorld.defaultDatabase,
        adjust: (inout LoginServerConfiguration) -> Void = { _ in },
        adjustSandbox: (inout SandboxConfiguration) -> Void = { _ in },
        _ body: (LoginWorld) async throws -> Void
    ) async throws {
        let shared = database != .sqliteMemory
        if shared { await ExclusiveGate.shared.acquire() }
        do {
            try await run(database: database, adjust: adjust, adjustSandbox: adjustSandbox, body)
        } catch {
            if shared { await ExclusiveGate.shared.release() }
            throw error
        }
        if shared { await ExclusiveGate.shared.release() }
    }

    private static func run(
        database: LoginServerConfiguration.DatabaseLocation,
        adjust: (inout LoginServerConfiguration) -> Void,
        adjustSandbox: (inout SandboxConfiguration) -> Void,
        _ body: (LoginWorld) async throws -> Void
    ) async throws {
        LoginServerMetrics.bootstrap()
        var sandboxConfiguration = SandboxConfiguration()
        sandboxConfiguration.lifetimes.longPollHold = 0.2
        adjustSandbox(&sandboxConfiguration)
        let sandboxApp = try await Application.make(.testing)
        sandboxApp.logger.logLevel = .critical
        let sandbox = Sandbox(configuration: sandboxConfiguration, clock: SandboxClock())
        sandbox.register(on: sandboxApp)
        try await sandboxApp.server.start(address: .hostname("127.0.0.1", port: 0))
        let port = sandboxApp.http.server.shared.localAddress?.port ?? 0
        let sandboxBase = "http://127.0.0.1:\(port)"

        let logs = LogStore()
        let server = try await Application.make(.testing)
        server.logger = Logger(label: "login-server") { _ in CapturingLogHandler(store: logs) }
        server.logger.logLevel = .trace
        let clock = ManualServerClock()
        var services: LoginServices?
        do {
            let officialAccount = try #require(await sandbox.app(SandboxConfiguration.defaultOfficialAccountID))
            let website = try #require(await sandbox.app(SandboxConfiguration.defaultWebsiteAppID))
            var configuration = LoginServerConfiguration(
                tokenKey: .init(id: "test", key: SymmetricKey(size: .bits256)))
            configuration.officialAccount = AppCredentials(appID: officialAccount.appID, secret: officialAccount.secret)
            configuration.website = AppCredentials(appID: website.appID, secret: website.secret)
            configuration.endpoint = .sandbox(baseURL: sandboxBase)
            configuration.publicURL = serverBase
            configuration.database = database
            configuration.sandboxMode = true
            configuration.messageServer = try EmbeddedSandbox.messageServer(for: officialAccount)
            configuration.messageQueue.pollInterval = 0.05
            adjust(&configuration)
            let built = try await LoginServer.configure(server, configuration, clock: clock, sandboxURL: sandboxBase)
            services = built
            // Boots the application now, so the template-message worker runs from the start.
            try await server.asyncBoot()

            let world = LoginWorld(
                server: server, services: built, sandboxApp: sandboxApp, sandbox: sandbox, sandboxBase: sandboxBase,
                clock: clock, logs: logs, officialAccountID: officialAccount.appID, websiteAppID: website.appID)
            do {
                try await world.registerServerWithSandbox()
                try await body(world)
            } catch {
                try? await world.http.shutdown()
                throw error
            }
            try await world.http.shutdown()
        } catch {
            await sandboxApp.server.shutdown()
            await server.server.shutdown()
            try? await server.autoRevert()
            try await server.asyncShutdown()
            try await sandboxApp.asyncShutdown()
            throw error
        }
        await sandboxApp.server.shutdown()
        await server.server.shutdown()
        await services?.messaging?.worker.stop()
        await services?.webhooks.worker.stop()
        try? await server.autoRevert()
        try await server.asyncShutdown()
        try await sandboxApp.asyncShutdown()
    }

    /// SQLite in memory, unless `TEST_DATABASE_URL` names a PostgreSQL database for the whole suite.
    static var defaultDatabase: LoginServerConfiguration.DatabaseLocation {
        if let url = ProcessInfo.processInfo.environment["TEST_DATABASE_URL"], url.hasPrefix("postgres") {
            return .postgres(url)
        }
        return .sqliteMemory
    }

    /// Starts the login server on a real port too and makes it the official account's server URL, so the sandbox's
    /// pushes reach `/wechat/events` over HTTP. Returns the events URL.
    @discardableResult
    func listenForPushes() async throws -> String {
        try await server.server.start(address: .hostname("127.0.0.1", port: 0))
        let url = "http://127.0.0.1:\(server.http.server.shared.localAddress?.port ?? 0)/wechat/events"
        try await control(.PATCH, "apps/\(officialAccountID)", json: #"{"serverURL":"\#(url)"}"#)
        return url
    }

    /// Points both sandbox apps' domains at `login.test`, as the server does at start-up in sandbox mode.
    func registerServerWithSandbox() async throws {
        for (appID, field) in [(officialAccountID, "webAuthDomain"), (websiteAppID, "callbackDomain")] {
            var request = HTTPClientRequest(url: "\(sandboxBase)/sandbox/api/apps/\(appID)")
            request.method = .PATCH
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: #"{"\#(field)":"login.test"}"#))
            let response = try await http.execute(request, timeout: .seconds(10))
            #expect(response.status == .ok, "PATCH \(appID) \(field)")
            _ = try await response.body.collect(upTo: 1 << 20)
        }
    }

    /// A new browser with an empty cookie jar.
    func browser(userAgent: String = Browser.desktopUserAgent) -> Browser {
        Browser(world: self, userAgent: userAgent)
    }

    /// A JSON control call on the sandbox.
    @discardableResult
    func control(_ method: HTTPMethod, _ path: String, json: String? = nil) async throws -> Browser.Result {
        var request = HTTPClientRequest(url: sandboxBase + "/sandbox/api/" + path)
        request.method = method
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        let response = try await http.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 8 << 20)
        return Browser.Result(status: Int(response.status.code), headers: response.headers,
                              body: String(buffer: body), url: sandboxBase + "/sandbox/api/" + path)
    }

    /// One GET to the login server with the given cookies, outside any `Browser` (for concurrent requests);
    /// returns the status and the `Location` header.
    func serverGET(_ url: String, cookie: String, userAgent: String) async throws -> (status: Int, location: String?) {
        var headers = HTTPHeaders()
        headers.add(name: .cookie, value: cookie)
        headers.add(name: .userAgent, value: userAgent)
        let path = String(url.dropFirst(LoginWorld.serverBase.count))
        let response = try await server.testing().performTest(
            request: TestingHTTPRequest(method: .GET, url: URI(string: path), headers: headers, body: ByteBuffer()))
        return (Int(response.status.code), response.headers.first(name: .location))
    }

    /// Rows of a model, straight from the server's database.
    func count<M: Model>(_ model: M.Type) async throws -> Int {
        try await M.query(on: server.db).count()
    }

    /// Rows of a table that has no model (`login_sessions`), straight from the server's database.
    func count(table: String) async throws -> Int {
        try await server.db.sql().raw("SELECT COUNT(*) AS n FROM \(ident: table)").first()?.decode(column: "n", as: Int.self) ?? 0
    }
}
