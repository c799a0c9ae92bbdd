import Foundation

/// The scale mode (issue 17): the same scenarios at growing amounts of work. Each step is a world of its own — a
/// new sandbox, a new server database (a new SQLite file, or the PostgreSQL database the URL's `{step}` names) —
/// filled in this order:
///
/// 1. `users` business users imported with `wechat-login import`, each with two WeChat identities (`ScaleSeed`);
/// 2. `messages` template messages queued through the admin API and drained by a worker into the sandbox, which
///    answers each with a delivery report (TEMPLATESENDJOBFINISH) the server stores as an inbound event — measured
///    as server and sandbox CPU per message;
/// 3. at a step larger than the first, a campaign of the first step's size again, on the full tables;
/// 4. PC QR logins, in-WeChat logins and OpenID Connect sign-ins (over PC QR) against that full database — measured
///    as server and sandbox CPU per operation.
///
/// The report sets each step's figures beside the first step's: a ratio above 1 is a cost that grows with the work.
/// A step whose scenarios report errors, or whose seed or drain comes out with the wrong counts, fails the run.
struct ScaleRun: Sendable {
    struct Step: Sendable {
        let users: Int
        let messages: Int
    }

    let steps: [Step]
    let binDirectory: URL
    let workDirectory: URL
    let client: BenchClient
    let codes: CodeWebhook
    /// The PostgreSQL URL with `{step}` for the step's number; nil for SQLite files.
    let databaseURLTemplate: String?
    let databasePID: Int32?
    let users: Int
    let duration: Double
    let pushConcurrency: Int
    /// Followers the messages go to in turn. Many, because the server stores a delivery report under its
    /// follower and CreateTime second (`InboundMessage.deduplicationKey`): two reports to one follower in one second
    /// are stored once, so with few recipients the reports stored would not grow with the messages.
    let recipients: Int
    let returningPerUser: Int

    /// One step's figures.
    struct StepResult: Sendable {
        let step: Step
        let seed: ScaleSeed.Result
        let push: PushScenario.Result
        /// A campaign of the first step's size, queued and drained after `push` on the full tables (nil at a step no
        /// larger than the first, where `push` is that campaign): the cost per message of the same campaign shape
        /// as the tables grow, apart from the shape of a larger campaign's drain.
        let probe: PushScenario.Result?
        let operations: [LoadResult]
        /// Row counts of the server's tables after the step, in `ScaleRun.tables` order.
        let rows: [Int]
    }

    /// Steps whose delivery reports were not all stored. The sandbox queues its pushes, so none times out in its
    /// own backlog, and each is stored once: a missing report is a lost one. The run prints its figures, then fails.
    static func lostReports(_ results: [StepResult]) -> String? {
        var lost: [String] = []
        for result in results {
            for push in [result.push] + (result.probe.map { [$0] } ?? []) where (push.deliveryReports ?? 0) != push.messages {
                lost.append("\(push.deliveryReports ?? 0) of \(push.messages) delivery reports stored at \(result.step.users) users")
            }
        }
        return lost.isEmpty ? nil : lost.joined(separator: "; ")
    }

    /// The tables whose size the report shows after each step.
    static let tables = ["users", "wechat_identities", "template_messages", "inbound_events", "push_nonces"]

    func run(processes: inout [BenchProcess], progress: (String) -> Void) async throws -> [StepResult] {
        var results: [StepResult] = []
        for (number, step) in steps.enumerated() {
            progress("scale step \(number + 1)/\(steps.count): \(step.users) imported users, \(step.messages) messages")
            let directory = workDirectory.appendingPathComponent("step-\(number + 1)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            var environment = BenchEnvironment(
                binDirectory: binDirectory, workDirectory: directory, client: client, sandboxPort: BenchProcess.freePort(),
                databaseURL: databaseURLTemplate.map { $0.replacingOccurrences(of: "{step}", with: "\(number + 1)") })
            environment.codeWebhookURL = codes.url
            let result = try await run(step, in: environment, processes: &processes)
            results.append(result)
            // The step's server CPU per operation at once: a long run shows its figures as it goes.
            let perMessage = result.push.serverCPUSeconds * 1000 / Double(max(result.push.messages, 1))
            progress("  server CPU ms/op: " + result.operations.map { "\($0.name) \(format($0.cpuPerOperationMilliseconds, 3))" }
                .joined(separator: ", ") + ", template message \(format(perMessage, 3))"
                + "; queueing \(format(result.push.queueingCPUSeconds * 1000 / Double(max(result.push.messages, 1)), 3)) ms/message "
                + "(\(format(Double(result.push.messages) / max(result.push.queueingSeconds, 0.001), 0))/s)"
                + (result.probe.map { "; a \($0.messages)-message campaign on the full tables \(format($0.serverCPUSeconds * 1000 / Double(max($0.messages, 1)), 3)) ms/message" } ?? ""))
            for process in processes { process.stop() }
            processes.removeAll()
            if databaseURLTemplate == nil { try? FileManager.default.removeItem(at: directory) }
        }
        return results
    }

    private func run(_ step: Step, in environment: BenchEnvironment, processes: inout [BenchProcess]) async throws -> StepResult {
        let sandbox = try await environment.startSandbox()
        processes.append(sandbox)
        let seed = try await ScaleSeed(environment: environment, users: step.users).run()
        let database = databasePID.map(WatchedPID.init(pid:))

        let queuePort = BenchProcess.freePort()
        let queueing = try await environment.startServer(port: queuePort, worker: false)
        processes.append(queueing)
        var push = PushScenario(environment: environment, messages: step.messages, recipients: min(recipients, step.messages),
                                concurrency: pushConcurrency)
        push.sandboxProcess = sandbox
        push.databaseProcess = database
        let reports = ScaleDatabase(environment: environment)
        let storedReports: @Sendable () async throws -> Int = {
            Int(try reports.run("SELECT count(*) FROM inbound_events WHERE event = 'TEMPLATESENDJOBFINISH';")) ?? -1
        }
        push.storedDeliveryReports = storedReports
        let pushed = try await push.run(queueing: queueing, queueingPort: queuePort)
        var probe: PushScenario.Result?
        if let probeMessages = steps.first?.messages, step.messages > probeMessages {
            let probePort = BenchProcess.freePort()
            let probeQueueing = try await environment.startServer(port: probePort, worker: false)
            processes.append(probeQueueing)
            let followers = Array(pushed.recipients.prefix(probeMessages))
            var campaign = PushScenario(environment: environment, messages: probeMessages,
                                        recipients: followers.count, concurrency: pushConcurrency)
            campaign.sandboxProcess = sandbox
            campaign.databaseProcess = database
            campaign.existingRecipients = followers
            let before = pushed.deliveryReports ?? 0
            campaign.storedDeliveryReports = { try await storedReports() - before }
            probe = try await campaign.run(queueing: probeQueueing, queueingPort: probePort)
        }

        let port = BenchProcess.freePort()
        let server = try await environment.startServer(port: port, worker: false)
        processes.append(server)
        let target = "http://127.0.0.1:\(port)"
        var operations: [LoadResult] = []
        for flow in [LoginFlows.Flow.pcQR, .inWeChat] {
            var scenario = LoginScenario(environment: environment, flow: flow, target: target, users: users, duration: duration)
            scenario.returningPerUser = returningPerUser
            scenario.sandboxProcess = sandbox
            scenario.databaseProcess = database
            operations.append(try await scenario.run(name: "\(flow.rawValue) login", against: server))
        }
        let oidc = OIDCFlows(logins: LoginFlows(client: environment.client, sandbox: environment.sandbox, target: target),
                             client: try await OIDCFlows.register(at: target, client: environment.client))
        var signIns = OIDCScenario(environment: environment, flow: .pcQR, oidc: oidc, codes: codes, users: users,
                                   duration: duration)
        signIns.identitiesPerUser = returningPerUser
        signIns.sandboxProcess = sandbox
        signIns.databaseProcess = database
        operations.append(try await signIns.run(name: "OIDC sign-in (PC QR)", against: server))

        for operation in operations where operation.errors > 0 || operation.completed == 0 {
            throw BenchFailure("\(operation.name) at \(step.users) users / \(step.messages) messages: \(operation.completed) done, "
                + "\(operation.errors) errors \(operation.firstErrors)")
        }
        let rows = try ScaleDatabase(environment: environment).rowCounts(Self.tables)
        // Every imported user and seeded identity is still there (the drain itself counted its sends), and the
        // delivery reports came back and were stored.
        guard rows[0] >= step.users, rows[1] >= 2 * step.users, (pushed.deliveryReports ?? 0) > 0 else {
            throw BenchFailure("after the step the tables hold \(zip(Self.tables, rows).map { "\($0) \($1)" }) — "
                + "expected at least \(step.users) users and \(2 * step.users) identities; "
                + "\(pushed.deliveryReports ?? 0) delivery reports stored")
        }
        return StepResult(step: step, seed: seed, push: pushed, probe: probe, operations: operations, rows: rows)
    }
}
