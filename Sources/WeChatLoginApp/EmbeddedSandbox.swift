import Foundation
import LoginServer
import Vapor
import WeChatKit
import WeChatSandbox

/// Sandbox mode: the WeChat sandbox started in this process, on its own port, standing in for WeChat.
public struct EmbeddedSandbox: Sendable {
    /// The sandbox's Vapor application (shut it down when the server stops).
    public let application: Application
    /// The sandbox itself.
    public let sandbox: Sandbox
    /// Where it listens, e.g. `http://127.0.0.1:8081`.
    public let baseURL: String

    /// Starts the sandbox with its default world on `port`, on loopback whatever `hostname` the login server
    /// listens on: its control API has no authentication, and its pages sign anyone in as any simulated person. The
    /// port must be a real one: the sandbox's QR codes and avatar links carry it.
    public static func start(hostname: String, port: Int, logger: Logger) async throws -> EmbeddedSandbox {
        let application = try await Application.make(Environment(name: "development", arguments: ["sandbox"]))
        application.logger = logger
        do {
            let host = listenHost(hostname)
            let base = "http://\(Self.displayHost(host)):\(port)"
            let sandbox = Sandbox(configuration: SandboxConfiguration(publicBaseURL: base))
            sandbox.register(on: application)
            try await application.server.start(address: .hostname(host, port: port))
            return EmbeddedSandbox(application: application, sandbox: sandbox, baseURL: base)
        } catch {
            try? await application.asyncShutdown()
            throw error
        }
    }

    /// Points `configuration` at the sandbox: its seeded apps' credentials and its base URL.
    public func configure(_ configuration: inout LoginServerConfiguration) async throws {
        guard let officialAccount = await sandbox.app(SandboxConfiguration.defaultOfficialAccountID) else {
            throw MissingApp(appID: SandboxConfiguration.defaultOfficialAccountID)
        }
        guard let website = await sandbox.app(SandboxConfiguration.defaultWebsiteAppID) else {
            throw MissingApp(appID: SandboxConfiguration.defaultWebsiteAppID)
        }
        configuration.officialAccount = AppCredentials(appID: officialAccount.appID, secret: officialAccount.secret)
        configuration.website = AppCredentials(appID: website.appID, secret: website.secret)
        configuration.endpoint = .sandbox(baseURL: baseURL)
        configuration.sandboxMode = true
        configuration.messageServer = try Self.messageServer(for: officialAccount)
        configuration.officialAccountName = configuration.officialAccountName ?? officialAccount.name
    }

    /// The sandbox's world lacks a seeded app the server is pointed at.
    public struct MissingApp: Error, CustomStringConvertible {
        /// The app that is missing.
        public let appID: String
        /// Says which.
        public var description: String { "the sandbox's default app \(appID) is missing" }
    }

    /// The `/wechat/events` settings matching a sandbox app's Token, EncodingAESKey and mode.
    public static func messageServer(for app: SandboxConfiguration.App) throws -> MessageServer.Configuration? {
        guard let token = app.token else { return nil }
        let key = try app.encodingAESKey.map { try EncodingAESKey($0) }
        let mode: MessageServer.Configuration.Mode = switch app.encryptionMode {
        case .plaintext: .plaintext
        case .compatible: .compatible
        case .safe: .safe
        }
        return MessageServer.Configuration(token: token, appID: app.appID, mode: key == nil ? .plaintext : mode,
                                           encodingAESKey: key)
    }

    /// Registers the login server with the sandbox, as one would in WeChat's consoles: the official account's
    /// web-auth domain and server URL, and the website app's callback domain.
    public func register(publicURL: String, publicHost: String, client: any Client) async throws {
        let settings: [(String, [String: String])] = [
            (SandboxConfiguration.defaultOfficialAccountID,
             ["webAuthDomain": publicHost, "serverURL": publicURL + "/wechat/events"]),
            (SandboxConfiguration.defaultWebsiteAppID, ["callbackDomain": publicHost]),
        ]
        for (appID, fields) in settings {
            let response = try await client.patch(URI(string: "\(baseURL)/sandbox/api/apps/\(appID)")) { request in
                try request.content.encode(fields, as: .json)
            }
            guard response.status == .ok else {
                throw Abort(.internalServerError, reason: "the sandbox refused to register \(appID) (\(response.status.code))")
            }
        }
        // The official account's menu opens the in-WeChat login, so a follower tapping it on the simulated phone
        // sees what real followers see: no consent page, even for snsapi_userinfo.
        let menu = ["menu": Self.menu(publicURL: publicURL)]
        let appID = SandboxConfiguration.defaultOfficialAccountID
        let response = try await client.patch(URI(string: "\(baseURL)/sandbox/api/apps/\(appID)")) { request in
            try request.content.encode(menu, as: .json)
        }
        guard response.status == .ok else {
            throw Abort(.internalServerError, reason: "the sandbox refused the menu of \(appID) (\(response.status.code))")
        }
    }

    /// The official account's menu in sandbox mode: one button that signs in with WeChat (the in-WeChat flow).
    static func menu(publicURL: String) -> [SandboxConfiguration.MenuItem] {
        [SandboxConfiguration.MenuItem(name: "登录", url: publicURL + "/login?client=wechat&return_to=%2Faccount")]
    }

    /// Stops the sandbox.
    public func shutdown() async throws {
        await application.server.shutdown()
        try await application.asyncShutdown()
    }

    /// Where the embedded sandbox listens: the login server's own address when that is loopback (so `localhost`
    /// and `::1` keep working), 127.0.0.1 otherwise.
    static func listenHost(_ hostname: String) -> String {
        LoginServerConfiguration.isLoopback(host: hostname) ? hostname : "127.0.0.1"
    }

    /// A host others can reach: `0.0.0.0` and `::` listen everywhere, but links need a concrete address; an IPv6
    /// address goes in brackets.
    static func displayHost(_ hostname: String) -> String {
        if hostname == "0.0.0.0" || hostname == "::" { return "127.0.0.1" }
        return hostname.contains(":") && !hostname.hasPrefix("[") ? "[\(hostname)]" : hostname
    }
}
