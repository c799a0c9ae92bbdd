import Foundation
import LoginServer
import Vapor
import WeChatKit
import WeChatSandbox

/// Runs the login server until it is told to stop (SIGINT/SIGTERM), with the embedded sandbox in sandbox mode.
///
/// This is where the server and the sandbox meet: the runner decides the mode with the server's own pure rule, starts
/// the sandbox, and hands the server its URL and credentials as configuration values. `LoginServer` itself never
/// links `WeChatSandbox`.
public enum LoginServerRunner {
    /// Reads the configuration from `environment`, starts everything, prints where to go, and serves.
    ///
    /// Without WeChat credentials it runs sandbox mode only where ``LoginServerConfiguration/runMode(environment:hostname:sandboxFlag:)``
    /// allows it; otherwise it throws the `EnvironmentError` that says what is missing.
    public static func run(hostname: String, port: Int, sandboxPort: Int, sandboxFlag: Bool = false,
                           environment: [String: String]) async throws {
        let started = try await start(hostname: hostname, port: port, sandboxPort: sandboxPort,
                                      sandboxFlag: sandboxFlag, environment: environment)
        let app = started.application
        do {
            print(banner(configuration: started.configuration, sandbox: started.sandbox))
            try await app.execute()
        } catch {
            try? await app.asyncShutdown()
            try? await started.sandbox?.shutdown()
            throw error
        }
        try await app.asyncShutdown()
        try await started.sandbox?.shutdown()
    }

    /// What ``start(hostname:port:sandboxPort:sandboxFlag:environment:)`` set up: the configured (not yet serving)
    /// application and, in sandbox mode, the embedded sandbox, already listening.
    struct Started {
        let application: Application
        let sandbox: EmbeddedSandbox?
        let configuration: LoginServerConfiguration
    }

    /// Decides the mode, reads the configuration, starts the embedded sandbox (on loopback only) in sandbox mode, and
    /// configures the application. Shutting down what it returns is the caller's job.
    static func start(hostname: String, port: Int, sandboxPort: Int, sandboxFlag: Bool,
                      environment: [String: String]) async throws -> Started {
        let logger = Logger(label: "wechat-login")
        let mode = try LoginServerConfiguration.runMode(environment: environment, hostname: hostname,
                                                        sandboxFlag: sandboxFlag)
        var configuration = try LoginServerConfiguration.fromEnvironment(environment, sandbox: mode == .sandbox)
        if let kept = try configuration.keepSandboxTokenKey(environment: environment) {
            logger.notice(kept.created ? "sandbox mode: made a token key and kept it beside the database"
                                       : "sandbox mode: using the token key kept beside the database",
                          metadata: ["file": "\(kept.file.path)"])
        }
        if (environment[LoginServerConfiguration.Variable.publicURL] ?? "").isEmpty {
            configuration.publicURL = "http://\(EmbeddedSandbox.displayHost(hostname)):\(port)"
        }
        var sandbox: EmbeddedSandbox?
        if mode == .sandbox {
            logger.warning("no WeChat credentials configured: running against the embedded WeChat sandbox; one-time codes are shown at /dev/outbox")
            let embedded = try await EmbeddedSandbox.start(hostname: hostname, port: sandboxPort, logger: logger)
            do {
                try await embedded.configure(&configuration)
            } catch {
                try? await embedded.shutdown()
                throw error
            }
            sandbox = embedded
        } else if configuration.metricsToken == nil {
            logger.notice("/metrics is closed (404) with real WeChat credentials: set METRICS_TOKEN (at least 24 characters) and scrape with Authorization: Bearer <METRICS_TOKEN>")
        }
        let app: Application
        do {
            app = try await Application.make(Environment(name: "production", arguments: ["wechat-login"]))
        } catch {
            try? await sandbox?.shutdown()
            throw error
        }
        app.http.server.configuration.hostname = hostname
        app.http.server.configuration.port = port
        do {
            try await LoginServer.configure(app, configuration, sandboxURL: sandbox?.baseURL)
            if let sandbox {
                try await sandbox.register(publicURL: configuration.publicURL, publicHost: configuration.publicHost,
                                           client: app.client)
            }
        } catch {
            try? await app.asyncShutdown()
            try? await sandbox?.shutdown()
            throw error
        }
        return Started(application: app, sandbox: sandbox, configuration: configuration)
    }

    /// `wechat-login push`: the configuration from `environment` (in sandbox mode, the sandbox at `sandboxURL` and
    /// its default official account), then one message queued and sent. Sandbox mode follows `serve`'s rule, with
    /// the sandbox's host standing for the listening address.
    public static func push(_ push: TemplatePush, environment: [String: String], sandboxURL: String,
                            sandboxFlag: Bool = false) async throws -> TemplatePush.Result {
        let mode = try LoginServerConfiguration.runMode(
            environment: environment, hostname: URLComponents(string: sandboxURL)?.host ?? "", sandboxFlag: sandboxFlag)
        let sandboxMode = mode == .sandbox
        var configuration = try LoginServerConfiguration.fromEnvironment(environment, sandbox: sandboxMode)
        // The same key as the server's, so what this process seals the server can open, and the other way round.
        _ = try configuration.keepSandboxTokenKey(environment: environment)
        if sandboxMode {
            guard let officialAccount = SandboxConfiguration().app(SandboxConfiguration.defaultOfficialAccountID) else {
                throw EmbeddedSandbox.MissingApp(appID: SandboxConfiguration.defaultOfficialAccountID)
            }
            configuration.officialAccount = AppCredentials(appID: officialAccount.appID, secret: officialAccount.secret)
            configuration.endpoint = .sandbox(baseURL: sandboxURL)
            configuration.sandboxMode = true
        }
        // This process sends only the message it queues; the servers' workers send the rest.
        configuration.messageQueue.workerEnabled = false
        let app = try await Application.make(Environment(name: "production", arguments: ["wechat-login"]))
        do {
            let services = try await LoginServer.configure(app, configuration)
            let result = try await push.run(on: app, services: services)
            try await app.asyncShutdown()
            return result
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    /// What `serve` prints once everything listens: where the site is and, in sandbox mode, where the sandbox and the
    /// one-time codes are.
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
