import Foundation

/// The processes one benchmark run starts on loopback, and what they share.
struct BenchEnvironment: Sendable {
    static let officialAccount = "wx5a1c9e0b3d7f2468"
    static let officialAccountSecret = "3f6c2a9e8b1d4f7a0c5e9b2d6a8f1c3e"
    static let website = "wx8e2f4a6c0b1d3e5f"
    static let websiteSecret = "9b7d5f3a1c8e6b4d2f0a9c7e5b3d1f8a"
    static let template = "ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY"
    static let adminToken = "bench-admin-token-0123456789abcdef"

    let binDirectory: URL
    let workDirectory: URL
    let client: BenchClient
    let sandboxPort: Int
    /// The servers' `DATABASE_URL` when not the default SQLite file (e.g. an empty PostgreSQL database).
    var databaseURL: String?
    /// Where the servers post one-time codes (`CODE_WEBHOOK_URL`): the harness's `CodeWebhook`.
    var codeWebhookURL = "http://127.0.0.1:9/unused"

    var sandbox: String { "http://127.0.0.1:\(sandboxPort)" }
    var serverBinary: String { binDirectory.appendingPathComponent("wechat-login").path }
    var database: String { workDirectory.appendingPathComponent("server.sqlite").path }

    /// What the servers store into: `databaseURL`, or a SQLite file in the work directory.
    var serverDatabaseURL: String { databaseURL ?? "sqlite:" + database }

    /// Push attempts the sandbox makes at once. WeChat's own fan-out to a server is not documented, and a campaign's
    /// delivery reports come back in parallel; at the sandbox's default 8 the reports of a million-message campaign
    /// trailed the sends by half an hour on PostgreSQL (each attempt waits for its store), so the drain measured the
    /// sandbox's throttle rather than the server.
    static let pushConcurrency = 32

    /// The sandbox, with per-minute quotas lifted (a benchmark is not a quota test), `pushConcurrency` attempts in
    /// flight, and both apps' domains set to the loopback host.
    func startSandbox() async throws -> BenchProcess {
        let world = workDirectory.appendingPathComponent("world.json")
        try Data(#"{"limits":{"snsMinuteQuota":1000000000,"stableTokenMinuteQuota":1000000000,"templateDailyQuota":100000000,"pushConcurrency":\#(Self.pushConcurrency)}}"#.utf8)
            .write(to: world)
        let process = try BenchProcess(
            name: "sandbox", executable: serverBinary,
            arguments: ["sandbox", "--port", "\(sandboxPort)", "--world", world.path],
            environment: ["LOG_LEVEL": "error"], logDirectory: workDirectory)
        try await waitUntil("the sandbox") { try await client.request(.GET, sandbox + "/sandbox/api/apps").status == 200 }
        _ = try await client.json(.PATCH, sandbox + "/sandbox/api/apps/\(Self.officialAccount)", body: #"{"webAuthDomain":"127.0.0.1"}"#)
        _ = try await client.json(.PATCH, sandbox + "/sandbox/api/apps/\(Self.website)", body: #"{"callbackDomain":"127.0.0.1"}"#)
        return process
    }

    /// Our login server (on `serverDatabaseURL`), talking to the sandbox as to WeChat.
    func startServer(port: Int, worker: Bool, extra: [String: String] = [:]) async throws -> BenchProcess {
        var environment = ProcessInfo.processInfo.environment
        environment.merge([
            "WECHAT_OA_APPID": Self.officialAccount, "WECHAT_OA_SECRET": Self.officialAccountSecret,
            "WECHAT_WEB_APPID": Self.website, "WECHAT_WEB_SECRET": Self.websiteSecret,
            "WECHAT_API_BASE_URL": sandbox, "DATABASE_URL": serverDatabaseURL,
            "TOKEN_ENCRYPTION_KEY": "bench:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
            "PUBLIC_URL": "http://127.0.0.1:\(port)", "ADMIN_API_TOKEN": Self.adminToken,
            "CODE_WEBHOOK_URL": codeWebhookURL, "WECHAT_SERVER_TOKEN": "sandboxtoken",
            "WECHAT_ENCODING_AES_KEY": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "WECHAT_MESSAGE_MODE": "safe",
            "MESSAGE_WORKER": worker ? "on" : "off", "LOG_LEVEL": "warning",
            // Every simulated person comes from 127.0.0.1: the benchmark measures the server, not its limits.
            "RATE_LIMITS": "off",
        ]) { _, new in new }
        environment.merge(extra) { _, new in new }
        let process = try BenchProcess(
            name: "server-\(port)", executable: serverBinary,
            arguments: ["serve", "--port", "\(port)", "--sandbox-port", "\(BenchProcess.freePort())"],
            environment: environment, logDirectory: workDirectory)
        try await waitUntil("the login server") {
            try await client.request(.GET, "http://127.0.0.1:\(port)/healthz").status == 200
        }
        return process
    }

    /// A new WeChat user in the sandbox; following the official account when asked.
    func newWeChatUser(_ id: String, follows: Bool = false) async throws {
        _ = try await client.json(.POST, sandbox + "/sandbox/api/users", body: #"{"id":"\#(id)"}"#)
        if follows {
            _ = try await client.json(.POST, sandbox + "/sandbox/api/users/\(id)/follow",
                                      body: #"{"appid":"\#(Self.officialAccount)"}"#)
        }
    }

    func counter(_ path: String) async throws -> Int {
        let counters = try await client.json(.GET, sandbox + "/sandbox/api/counters") as? [String: Any] ?? [:]
        return counters[path] as? Int ?? 0
    }

    func waitUntil(_ what: String, seconds: Double = 180, _ condition: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? await condition()) == true { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw BenchFailure("timed out waiting for \(what)")
    }
}
