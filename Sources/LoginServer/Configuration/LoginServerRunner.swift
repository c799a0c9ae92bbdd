import Foundation
import Vapor
import WeChatKit
import WeChatSandbox

/// Runs the login server until it is told to stop (SIGINT/SIGTERM), with the embedded sandbox in sandbox mode.
public enum LoginServerRunner {
    /// Reads the configuration from `environment`, starts everything, prints where to go, and serves.
    public static func run(hostname: String, port: Int, sandboxPort: Int, environment: [String: String]) async throws {
        let logger = Logger(label: "wechat-login")
        let sandboxMode = LoginServerConfiguration.wantsSandbox(environment)
        var configuration = try LoginServerConfiguration.fromEnvironment(environment, sandbox: sandboxMode)
        if environment[LoginServerConfiguration.Variable.publicURL] == nil {
            configuration.publicURL = "http://\(EmbeddedSandbox.displayHost(hostname)):\(port)"
        }
        var sandbox: EmbeddedSandbox?
        if sandboxMode {
            logger.warning("no WeChat credentials configured: running against the embedded WeChat sandbox")
            let embedded = try await EmbeddedSandbox.start(hostname: hostname, port: sandboxPort, logger: logger)
            try await embedded.configure(&configuration)
            sandbox = embedded
        }
        let app = try await Application.make(Environment(name: "production", arguments: ["wechat-login"]))
        app.http.server.configuration.hostname = hostname
        app.http.server.configuration.port = port
        do {
            try await LoginServer.configure(app, configuration, sandboxURL: sandbox?.baseURL)
            if let sandbox { try await sandbox.register(publicURL: configuration.publicURL, publicHost: configuration.publicHost, client: app.client) }
            print(banner(configuration: configuration, sandbox: sandbox))
            try await app.execute()
        } catch {
            try? await app.asyncShutdown()
            try? await sandbox?.shutdown()
            throw error
        }
        try await app.asyncShutdown()
        try await sandbox?.shutdown()
    }

    /// `wechat-login push`: the configuration from `environment` (in sandbox mode, the sandbox at `sandboxURL` and
    /// its default official account), then one message queued and sent.
    public static func push(_ push: TemplatePush, environment: [String: String], sandboxURL: String) async throws
        -> TemplatePush.Result {
        let sandboxMode = LoginServerConfiguration.wantsSandbox(environment)
        var configuration = try LoginServerConfiguration.fromEnvironment(environment, sandbox: sandboxMode)
        if sandboxMode {
            guard let officialAccount = SandboxConfiguration().apps.first(where: {
                $0.appID == SandboxConfiguration.defaultOfficialAccountID
            }) else { throw TemplatePush.PushError(description: "the sandbox's default official account is missing") }
            configuration.officialAccount = AppCredentials(appID: officialAccount.appID, secret: officialAccount.secret)
            configuration.endpoint = .sandbox(baseURL: sandboxURL)
            configuration.sandboxMode = true
        }
        // This process sends only the message it queues; the servers' workers send the rest.
        configuration.messageQueue.workerEnabled = false
        let app = try await Application.make(Environment(name: "production", arguments: ["wechat-login"]))
        do {
            try await LoginServer.configure(app, configuration)
            let result = try await push.run(on: app)
            try await app.asyncShutdown()
            return result
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    static func banner(configuration: LoginServerConfiguration, sandbox: EmbeddedSandbox?) -> String {
        var lines = ["", "wechat-login is running.", "  Site:     \(configuration.publicURL)/"]
        if let sandbox {
            lines += [
                "  Sandbox:  \(sandbox.baseURL)/sandbox/  (an offline WeChat: simulated users and phones)",
                "  Codes:    \(configuration.publicURL)/dev/outbox  (one-time codes land here in sandbox mode)",
                "",
                "Open the site, choose 微信扫码登录, then click 沙盒：用模拟手机扫码 under the QR code.",
            ]
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Runs the WeChat sandbox on its own until it is told to stop.
public enum SandboxRunner {
    /// Loads the world (the default one without a file), starts the sandbox on `hostname:port`, and serves.
    public static func run(hostname: String, port: Int, worldFile: String?) async throws {
        var configuration = try worldFile.map { try SandboxConfiguration(contentsOf: URL(fileURLWithPath: $0)) }
            ?? SandboxConfiguration()
        configuration.publicBaseURL = "http://\(EmbeddedSandbox.displayHost(hostname)):\(port)"
        let app = try await Application.make(Environment(name: "production", arguments: ["sandbox"]))
        app.http.server.configuration.hostname = hostname
        app.http.server.configuration.port = port
        Sandbox(configuration: configuration).register(on: app)
        print("WeChat sandbox on \(configuration.publicBaseURL)/sandbox/  (control API: \(configuration.publicBaseURL)/sandbox/api/)")
        do {
            try await app.execute()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}
