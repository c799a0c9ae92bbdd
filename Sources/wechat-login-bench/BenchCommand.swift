import ArgumentParser
import Foundation
import NIOCore
import NIOPosix

/// `wechat-login-bench`: starts the sandbox and the login server (release build) on loopback and measures
/// complete logins, complete OpenID Connect sign-ins, the plain request ceiling, template-message throughput, and
/// optionally the wechatpy peer.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wechat-login-bench",
        abstract: "Measure complete WeChat logins, OpenID Connect sign-ins and template pushes against the sandbox, on loopback.",
        discussion: "Build first: swift build -c release. Results and how to read them: docs/BENCHMARKS.md.")

    @Flag(help: "A smoke run that finishes in under a minute (CI); its figures mean little.")
    var quick = false

    @Option(help: "Concurrent virtual users.")
    var users = 32

    @Option(help: "Seconds each login scenario runs (default 20; 3 with --quick).")
    var duration: Double?

    @Option(help: "Template messages to drain (default 10000; 500 with --quick).")
    var messages: Int?

    @Option(name: .customLong("push-concurrency"), help: "MESSAGE_WORKER_CONCURRENCY of the draining server.")
    var pushConcurrency = 64

    @Flag(help: "Also run the wechatpy + gunicorn peer (Benchmarks/peer; installs it from PyPI into .venv-bench).")
    var peer = false

    @Option(name: .customLong("soak"), help: "Instead of the scenarios: PC logins for this many seconds, sampling the server's RSS.")
    var soakSeconds: Double?

    @Option(name: .customLong("soak-users"),
            help: "With --soak: business users imported first (each with two WeChat identities, as a scale step's), so the soak runs against a full database.")
    var soakUsers = 0

    @Flag(help: "Scale mode (issue 17): the scenarios again at each step of --scale-users and --scale-messages, with ratios to the first step.")
    var scale = false

    @Option(name: .customLong("scale-users"),
            help: "Scale mode: users imported (each with two WeChat identities) before each step, comma-separated (default 0,100000,1000000; 0,300 with --quick).")
    var scaleUsers: String?

    @Option(name: .customLong("scale-messages"),
            help: "Scale mode: template messages queued and drained at each step, comma-separated (default 10000,100000,1000000; 200,400 with --quick).")
    var scaleMessages: String?

    @Option(name: .customLong("database-url"),
            help: "The servers' DATABASE_URL, e.g. an empty PostgreSQL database (default: a new SQLite file); with --scale, {step} in it is replaced by the step's number (1, 2, …), each an empty database. See scripts/bench-postgres.")
    var databaseURL: String?

    @Option(name: .customLong("database-pid"),
            help: "The database server's pid (PostgreSQL's postmaster), to add its CPU (and its backends') to the budget.")
    var databasePID: Int32?

    @Option(name: .customLong("bin-dir"), help: "Where wechat-login is (default: beside this executable).")
    var binDirectory: String?

    /// The harness shares the machine with what it measures: its HTTP client's tasks run on NIO's event loops
    /// (no hand-off to a second thread pool per request), so it takes as little of the two cores as it can.
    @MainActor static func main() async {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        BenchProcess.stopAllOnSignals()
        await main(nil)
    }

    func validate() throws {
        guard (1...1024).contains(users) else { throw ValidationError("--users must be 1…1024") }
        if let databaseURL, !(databaseURL.hasPrefix("postgres://") || databaseURL.hasPrefix("postgresql://") || databaseURL.hasPrefix("sqlite:")) {
            throw ValidationError("--database-url must be a postgres://, postgresql:// or sqlite: URL")
        }
        if let duration, !(0.5...3600).contains(duration) { throw ValidationError("--duration must be 0.5…3600 seconds") }
        if let messages, !(1...1_000_000).contains(messages) { throw ValidationError("--messages must be 1…1000000") }
        if scale {
            let steps = try scaleSteps()
            if steps.contains(where: { !(0...10_000_000).contains($0.users) || !(1...10_000_000).contains($0.messages) }) {
                throw ValidationError("--scale-users must be 0…10000000 and --scale-messages 1…10000000 at each step")
            }
            if let databaseURL, !databaseURL.hasPrefix("sqlite:"), !databaseURL.contains("{step}") {
                throw ValidationError("with --scale, --database-url needs {step} in the database name: each step starts from an empty database")
            }
            if databaseURL?.hasPrefix("sqlite:") == true {
                throw ValidationError("with --scale, leave --database-url out for SQLite: each step makes its own file")
            }
        } else if scaleUsers != nil || scaleMessages != nil {
            throw ValidationError("--scale-users and --scale-messages go with --scale")
        }
        if soakUsers != 0 {
            guard soakSeconds != nil, !scale else { throw ValidationError("--soak-users goes with --soak (not --scale)") }
            guard (0...10_000_000).contains(soakUsers) else { throw ValidationError("--soak-users must be 0…10000000") }
        }
    }

    /// The scale mode's steps: the two lists side by side (a list of one applies to every step).
    func scaleSteps() throws -> [ScaleRun.Step] {
        func list(_ text: String?, _ full: [Int], _ quick: [Int], _ option: String) throws -> [Int] {
            guard let text else { return self.quick ? quick : full }
            let values = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else {
                throw ValidationError("\(option) must be comma-separated whole numbers, e.g. 0,100000,1000000")
            }
            return values.compactMap { $0 }
        }
        let users = try list(scaleUsers, [0, 100_000, 1_000_000], [0, 300], "--scale-users")
        let messages = try list(scaleMessages, [10_000, 100_000, 1_000_000], [200, 400], "--scale-messages")
        let count = max(users.count, messages.count)
        guard users.count == count || users.count == 1, messages.count == count || messages.count == 1 else {
            throw ValidationError("--scale-users and --scale-messages need as many steps each (or one value for every step)")
        }
        return (0..<count).map { ScaleRun.Step(users: users[users.count == 1 ? 0 : $0], messages: messages[messages.count == 1 ? 0 : $0]) }
    }

    func run() async throws {
        let bin = binDirectory.map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        let work = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("wechat-login-bench-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let client = BenchClient.make(connections: max(64, users * 2))
        let codes = try await CodeWebhook.start()
        var environment = BenchEnvironment(binDirectory: bin, workDirectory: work, client: client,
                                           sandboxPort: BenchProcess.freePort(), databaseURL: databaseURL)
        environment.codeWebhookURL = codes.url
        var processes: [BenchProcess] = []
        defer {
            for process in processes { process.stop() }
        }
        do {
            let report = scale
                ? try await measureScale(environment, codes: codes, processes: &processes)
                : try await measure(environment, codes: codes, processes: &processes)
            print(report)
        } catch {
            print("benchmark failed: \(error)  (logs in \(work.path))")
            await codes.stop()
            try? await client.shutdown()
            throw ExitCode.failure
        }
        await codes.stop()
        try await client.shutdown()
        try? FileManager.default.removeItem(at: work)
    }

    private func measure(_ environment: BenchEnvironment, codes: CodeWebhook,
                         processes: inout [BenchProcess]) async throws -> String {
        let duration = self.duration ?? (quick ? 3 : 20)
        let messages = self.messages ?? (quick ? 500 : 10_000)
        var report = BenchReport(users: users, duration: duration, build: environment.binDirectory.lastPathComponent,
                                 database: databaseURL.map(Self.withoutCredentials) ?? "SQLite file")
        let sandbox = try await environment.startSandbox()
        processes.append(sandbox)
        if soakSeconds != nil, soakUsers > 0 {
            let seed = try await ScaleSeed(environment: environment, users: soakUsers).run()
            print("soak: imported \(seed.users) users and seeded \(seed.identities) identities in \(format(seed.importSeconds, 0)) s")
        }
        let port = BenchProcess.freePort()
        let server = try await environment.startServer(port: port, worker: false)
        processes.append(server)
        let target = "http://127.0.0.1:\(port)"
        let warmReturning = quick ? 1 : 4

        if let soakSeconds {
            return try await BenchSoak(environment: environment, target: target, users: users, seconds: soakSeconds)
                .run(server: server)
        }
        let oidc = OIDCFlows(logins: LoginFlows(client: environment.client, sandbox: environment.sandbox, target: target),
                             client: try await OIDCFlows.register(at: target, client: environment.client))
        // Each flow's plain logins, then its OpenID Connect sign-ins right after: the pair compared shares the
        // machine's state of the moment as far as a sequence can.
        for flow in [LoginFlows.Flow.pcQR, .inWeChat] {
            var scenario = LoginScenario(environment: environment, flow: flow, target: target, users: users, duration: duration)
            scenario.returningPerUser = warmReturning
            scenario.sandboxProcess = sandbox
            scenario.databaseProcess = databasePID.map(WatchedPID.init(pid:))
            report.logins.append(try await scenario.run(name: "wechat-login, \(flow.rawValue) logins", against: server))
            var signIns = OIDCScenario(environment: environment, flow: flow, oidc: oidc, codes: codes, users: users,
                                       duration: duration)
            signIns.identitiesPerUser = warmReturning
            signIns.sandboxProcess = sandbox
            signIns.databaseProcess = databasePID.map(WatchedPID.init(pid:))
            report.oidc.append(try await signIns.run(name: "OIDC sign-ins over \(flow.rawValue)", against: server))
        }
        report.logins.append(try await followLogins(environment, sandbox: sandbox, users: users, duration: duration,
                                                    returning: warmReturning))
        let client = environment.client
        report.ceiling = await LoadRunner.run(
            name: "wechat-login, GET /livez (ceiling)", users: users, duration: duration, server: server, sandbox: sandbox,
            database: databasePID.map(WatchedPID.init(pid:)),
            iteration: { _, _, _ in
                let reply = try await client.request(.GET, target + "/livez")
                guard reply.status == 200 else { throw BenchFailure("/livez answered \(reply.status)") }
            })
        report.sandboxCPUSeconds = sandbox.cpuSeconds()

        if peer {
            report.peer = try await runPeer(environment, sandbox: sandbox, duration: duration, returning: warmReturning,
                                           processes: &processes)
        }
        var push = PushScenario(environment: environment, messages: messages, recipients: quick ? 20 : 200,
                                concurrency: pushConcurrency)
        push.sandboxProcess = sandbox
        push.databaseProcess = databasePID.map(WatchedPID.init(pid:))
        report.push = try await push.run(queueing: server, queueingPort: port)
        return report.description
    }

    /// The scale mode: `ScaleRun`'s steps, each a world of its own, in `environment`'s work directory.
    private func measureScale(_ environment: BenchEnvironment, codes: CodeWebhook,
                              processes: inout [BenchProcess]) async throws -> String {
        let duration = self.duration ?? (quick ? 2 : 20)
        let run = ScaleRun(
            steps: try scaleSteps(), binDirectory: environment.binDirectory, workDirectory: environment.workDirectory,
            client: environment.client, codes: codes, databaseURLTemplate: databaseURL, databasePID: databasePID,
            users: users, duration: duration, pushConcurrency: pushConcurrency, recipients: quick ? 200 : 2000,
            returningPerUser: quick ? 1 : 4)
        let results = try await run.run(processes: &processes) { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        let report = ScaleReport(users: users, duration: duration, build: environment.binDirectory.lastPathComponent,
                                 database: databaseURL.map { Self.withoutCredentials($0.replacingOccurrences(of: "{step}", with: "STEP")) } ?? "a new SQLite file per step",
                                 results: results).description
        if let lost = ScaleRun.lostReports(results) {
            print(report)
            throw BenchFailure("delivery reports lost: \(lost)")
        }
        return report
    }

    /// Follow-to-sign-in beside the other flows: a server of its own with `PC_LOGIN=official-account` (its own
    /// SQLite file; the same PostgreSQL database), made the official account's server URL for the run.
    private func followLogins(_ environment: BenchEnvironment, sandbox: BenchProcess, users: Int, duration: Double,
                              returning: Int) async throws -> LoadResult {
        let port = BenchProcess.freePort()
        var extra = ["PC_LOGIN": "official-account"]
        if databaseURL == nil {
            extra["DATABASE_URL"] = "sqlite:" + environment.workDirectory.appendingPathComponent("follow-login.sqlite").path
        }
        _ = try await environment.client.json(
            .PATCH, environment.sandbox + "/sandbox/api/apps/\(BenchEnvironment.officialAccount)",
            body: #"{"serverURL":"http://127.0.0.1:\#(port)/wechat/events"}"#)
        let server = try await environment.startServer(port: port, worker: false, extra: extra)
        defer { server.stop() }
        var scenario = LoginScenario(environment: environment, flow: .followLogin, target: "http://127.0.0.1:\(port)",
                                     users: users, duration: duration)
        scenario.returningPerUser = returning
        scenario.sandboxProcess = sandbox
        scenario.databaseProcess = databasePID.map(WatchedPID.init(pid:))
        return try await scenario.run(name: "wechat-login, \(LoginFlows.Flow.followLogin.rawValue) logins", against: server)
    }

    /// The URL without user and password, for the report.
    static func withoutCredentials(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "(database URL)" }
        components.user = nil
        components.password = nil
        return components.string ?? "(database URL)"
    }

    private func runPeer(_ environment: BenchEnvironment, sandbox: BenchProcess, duration: Double, returning: Int,
                         processes: inout [BenchProcess]) async throws -> [LoadResult] {
        let script = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            .appendingPathComponent("Benchmarks/peer/run-peer.sh").path
        guard FileManager.default.fileExists(atPath: script) else {
            throw BenchFailure("--peer needs Benchmarks/peer/run-peer.sh (run from the package root)")
        }
        let port = BenchProcess.freePort()
        let peer = try BenchProcess(
            name: "peer", executable: "/bin/bash",
            arguments: [script, "\(port)", environment.sandbox, environment.workDirectory.appendingPathComponent("peer.sqlite").path],
            environment: ProcessInfo.processInfo.environment, logDirectory: environment.workDirectory)
        processes.append(peer)
        let target = "http://127.0.0.1:\(port)"
        try await environment.waitUntil("the peer (pip install on first use)", seconds: 600) {
            let reply = try await environment.client.request(.GET, target + "/login?return_to=%2Faccount",
                                                             headers: [("User-Agent", LoginFlows.desktopAgent)])
            return (300..<400).contains(reply.status)
        }
        var results: [LoadResult] = []
        for flow in [LoginFlows.Flow.pcQR, .inWeChat] {
            var scenario = LoginScenario(environment: environment, flow: flow, target: target, users: users, duration: duration)
            scenario.returningPerUser = returning
            scenario.sandboxProcess = sandbox
            results.append(try await scenario.run(name: "peer (wechatpy + gunicorn), \(flow.rawValue) logins", against: peer))
        }
        peer.stop()
        return results
    }
}
