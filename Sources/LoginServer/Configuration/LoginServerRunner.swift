import Foundation
import Vapor
import WeChatKit
import WeChatSandbox

/// Runs the login server until it is told to stop (SIGINT/SIGTERM), with the embedded sandbox in sandbox mode.
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

    /// `wechat-login reseal-tokens`: seals every stored token under an older key again under the current one (unless
    /// `checkOnly`), then says what is still sealed under older keys, so an operator knows when
    /// `TOKEN_ENCRYPTION_PREVIOUS_KEYS` can drop a key. Needs only the key ring and `DATABASE_URL`.
    public static func resealTokens(environment: [String: String], checkOnly: Bool) async throws -> String {
        let configuration = try LoginServerConfiguration.tokenStorage(fromEnvironment: environment)
        let app = try await Application.make(Environment(name: "production", arguments: ["wechat-login"]))
        do {
            try LoginServer.useDatabase(configuration.database, on: app)
            LoginServer.addMigrations(to: app)
            try await app.autoMigrate()
            let resealer = TokenResealer(database: app.db, cipher: configuration.tokenCipher)
            var lines: [String] = []
            if !checkOnly {
                let report = try await resealer.resealAll()
                lines.append("resealed \(report.resealed) stored token(s) under the current key \(configuration.tokenKey.id)"
                             + (report.changedMeanwhile > 0 ? " (\(report.changedMeanwhile) were rewritten meanwhile)" : ""))
            }
            lines += summary(remaining: try await resealer.remaining(),
                             previous: configuration.previousTokenKeys.map(\.id))
            try await app.asyncShutdown()
            return lines.joined(separator: "\n")
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    /// What `reseal-tokens` prints about the values still under older keys.
    static func summary(remaining: [String: Int], previous: [String]) -> [String] {
        var lines: [String] = []
        for keyID in previous {
            let count = remaining[keyID] ?? 0
            lines.append(count == 0
                ? "key \(keyID): nothing sealed under it; it can be dropped from TOKEN_ENCRYPTION_PREVIOUS_KEYS once every instance seals with the current key"
                : "key \(keyID): \(count) stored token(s) still sealed under it; keep it")
        }
        let other = remaining.filter { !previous.contains($0.key) }.values.reduce(0, +)
        if other > 0 {
            lines.append("\(other) stored token(s) sealed under keys that are not configured: no instance can open them (those people sign in with WeChat again)")
        }
        if remaining.isEmpty { lines.append("every stored token is sealed under the current key") }
        return lines
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
