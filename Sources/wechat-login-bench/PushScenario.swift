import Foundation

/// Template-message throughput: `messages` queued while no worker runs, then one server with a worker drains
/// them into the sandbox.
struct PushScenario: Sendable {
    let environment: BenchEnvironment
    let messages: Int
    let recipients: Int
    let concurrency: Int
    /// The sandbox process, to report its CPU per message too.
    var sandboxProcess: BenchProcess?
    /// The database server, when it is a process of its own (PostgreSQL).
    var databaseProcess: (any CPUWatched)?
    /// The delivery reports (TEMPLATESENDJOBFINISH) the server has stored so far. When set, the run goes on after
    /// the last send until this count stops growing (the sandbox posts reports in the background, retrying after a
    /// second), and the CPU figures include storing them: WeChat sends one for every message.
    var storedDeliveryReports: (@Sendable () async throws -> Int)?
    /// Followers made by an earlier run to send to instead of new ones: a new follower's subscribe push would reach
    /// this run's server and count as its cost.
    var existingRecipients: [String]?

    struct Result: Sendable {
        let messages: Int
        let seconds: Double
        let tokenFetches: Int
        let serverCPUSeconds: Double
        let serverPeakRSSMiB: Double
        var sandboxCPUSeconds: Double = 0
        var harnessCPUSeconds: Double = 0
        var databaseCPUSeconds: Double = 0
        /// Delivery reports stored by the end (only counted with `storedDeliveryReports`).
        var deliveryReports: Int?
        /// The queueing server's CPU and the wall time for `POST /api/template-messages/batch` of every message.
        var queueingCPUSeconds: Double = 0
        var queueingSeconds: Double = 0
        /// The followers the messages went to (openids under the official account).
        var recipients: [String] = []
        var rate: Double { seconds > 0 ? Double(messages) / seconds : 0 }
    }

    /// Queues through `queueing` (worker off), stops it, then times a fresh server's worker.
    func run(queueing: BenchProcess, queueingPort: Int) async throws -> Result {
        let client = environment.client
        let base = "http://127.0.0.1:\(queueingPort)"
        var openIDs = existingRecipients ?? []
        let run = UUID().uuidString.prefix(6).lowercased()
        for index in 0..<(existingRecipients == nil ? recipients : 0) {
            let id = "p\(run)-\(index)"
            try await environment.newWeChatUser(id, follows: true)
            let user = try await client.json(.GET, environment.sandbox + "/sandbox/api/users/\(id)") as? [String: Any]
            guard let openID = (user?["openids"] as? [String: String])?[BenchEnvironment.officialAccount] else {
                throw BenchFailure("no openid for \(id)")
            }
            openIDs.append(openID)
        }
        var queued = 0
        var batch = 0
        let queueingCPUBefore = queueing.cpuSeconds()
        let queueingStarted = ContinuousClock.now
        while queued < messages {
            let count = min(1000, messages - queued)
            let recipients = (0..<count).map { #"{"openid":"\#(openIDs[(queued + $0) % openIDs.count])"}"# }
            let body = #"{"recipients":[\#(recipients.joined(separator: ","))],"template_id":"\#(BenchEnvironment.template)","data":{"first":{"value":"bench"},"keyword1":{"value":"B-\#(batch)"},"keyword2":{"value":"已发货"}}}"#
            _ = try await client.json(.POST, base + "/api/template-messages/batch", body: body, bearer: BenchEnvironment.adminToken)
            queued += count
            batch += 1
        }
        let queueingElapsed = ContinuousClock.now - queueingStarted
        let queueingCPU = queueing.cpuSeconds() - queueingCPUBefore
        queueing.stop()

        let sendsBefore = try await environment.counter("/cgi-bin/message/template/send")
        let tokensBefore = try await environment.counter("/cgi-bin/token")
        let port = BenchProcess.freePort()
        _ = try await client.json(.PATCH, environment.sandbox + "/sandbox/api/apps/\(BenchEnvironment.officialAccount)",
                                  body: #"{"serverURL":"http://127.0.0.1:\#(port)/wechat/events"}"#)
        let server = try await environment.startServer(port: port, worker: true, extra: [
            "MESSAGE_WORKER_CONCURRENCY": "\(concurrency)", "MESSAGE_POLL_INTERVAL_MS": "50",
        ])
        defer { server.stop() }
        let cpuBefore = server.cpuSeconds()
        let sandboxBefore = sandboxProcess?.cpuSeconds() ?? 0
        let harnessBefore = ownCPUSeconds()
        let databaseBefore = databaseProcess?.cpuSeconds() ?? 0
        // From the worker's start (the server is ready) to the look that saw the last send: a small drain can
        // finish between two looks, so timing from the first send seen could measure nothing.
        let first = ContinuousClock.now
        var last = first
        try await environment.waitUntil("the drain", seconds: 3600) {
            let sent = try await environment.counter("/cgi-bin/message/template/send") - sendsBefore
            last = ContinuousClock.now
            return sent >= messages
        }
        let elapsed = last - first
        var reports: Int?
        if let storedDeliveryReports {
            // Settled when the sandbox has no push outstanding: each report acknowledged (the server stores it before it
            // answers) or failed after its four attempts. The sandbox queues attempts for a few connections, so at a
            // campaign's pace reports may still be waiting well after the last send.
            // 15 minutes, and a minute more for each 100,000 messages beyond the first.
            try await environment.waitUntil("the delivery reports", seconds: 900 + Double(messages / 100_000) * 60) {
                let queue = try await client.json(.GET, environment.sandbox + "/sandbox/api/pushes/queue") as? [String: Any]
                return queue?["outstanding"] as? Int == 0
            }
            let count = try await storedDeliveryReports()
            reports = count
        }
        return Result(
            messages: messages,
            seconds: elapsed.inSeconds,
            tokenFetches: try await environment.counter("/cgi-bin/token") - tokensBefore,
            serverCPUSeconds: server.cpuSeconds() - cpuBefore, serverPeakRSSMiB: server.peakRSSMiB(),
            sandboxCPUSeconds: (sandboxProcess?.cpuSeconds() ?? 0) - sandboxBefore,
            harnessCPUSeconds: ownCPUSeconds() - harnessBefore,
            databaseCPUSeconds: (databaseProcess?.cpuSeconds() ?? 0) - databaseBefore, deliveryReports: reports,
            queueingCPUSeconds: queueingCPU,
            queueingSeconds: queueingElapsed.inSeconds,
            recipients: openIDs)
    }
}
