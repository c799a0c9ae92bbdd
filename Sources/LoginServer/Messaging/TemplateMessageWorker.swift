import Foundation
import Logging
import WeChatKit

/// Drains the template-message queue on one instance: claims due messages in batches, sends them concurrently,
/// and records each outcome. Every instance runs one; the database keeps them from sending the same row.
actor TemplateMessageWorker {
    /// Sends one message and returns WeChat's msgid (`TemplateMessageClient.send` in production).
    typealias Send = @Sendable (TemplateMessage) async throws -> Int64

    nonisolated let name: String
    private let queue: TemplateMessageQueue
    private let send: Send
    private let configuration: MessageQueueConfiguration
    private let logger: Logger
    private var loop: Task<Void, Never>?
    private var stopping = false
    private var waiter: CheckedContinuation<Void, Never>?
    private var wakeRequested = false

    init(queue: TemplateMessageQueue, send: @escaping Send, configuration: MessageQueueConfiguration,
         logger: Logger, name: String = TemplateMessageWorker.instanceName()) {
        self.queue = queue
        self.send = send
        self.configuration = configuration
        self.logger = logger
        self.name = name
    }

    /// A name unique to this process: host, pid and a random suffix.
    static func instanceName() -> String {
        let host = ProcessInfo.processInfo.hostName.prefix(40)
        return "\(host):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Starts the background loop (once).
    func start() {
        guard loop == nil, !stopping else { return }
        logger.info("template message worker started", metadata: ["worker": "\(name)"])
        loop = Task { await self.run() }
    }

    /// Lets the current batch finish, then stops the loop.
    func stop() async {
        stopping = true
        wake()
        await loop?.value
        loop = nil
    }

    /// Tells the loop new work is due (a message was just enqueued here).
    func wake() {
        if let waiter {
            self.waiter = nil
            waiter.resume()
        } else {
            wakeRequested = true
        }
    }

    /// Processes due messages until none are left; returns how many attempts were made.
    @discardableResult
    func drain() async throws -> Int {
        var total = 0
        while true {
            let processed = try await runOnce()
            if processed == 0 { return total }
            total += processed
        }
    }

    /// Claims one batch and sends it; returns the number of messages claimed.
    func runOnce() async throws -> Int {
        let claimed = try await queue.claim(worker: name, limit: configuration.concurrency,
                                            lease: configuration.claimLease)
        guard !claimed.isEmpty else { return 0 }
        let outcomes = await withTaskGroup(of: (id: UUID, outcome: TemplateMessageQueue.Outcome).self) { group in
            for item in claimed {
                group.addTask { (item.id, await self.attempt(item)) }
            }
            var outcomes: [(id: UUID, outcome: TemplateMessageQueue.Outcome)] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        await recordOutcomes(outcomes)
        return claimed.count
    }

    /// How long a claim lasts before the row returns to the queue.
    nonisolated var claimLease: TimeInterval { configuration.claimLease }

    /// Sends one message now if it is due; false when it is not (already sent, waiting for a retry, or claimed by
    /// another worker).

    func sendNow(id: UUID) async throws -> Bool {
        guard let item = try await queue.claim(id: id, worker: name, lease: configuration.claimLease) else { return false }
        await recordOutcomes([(item.id, await attempt(item))])
        return true
    }

    private func run() async {
        while !stopping {
            do {
                if try await runOnce() > 0 { continue }
            } catch {
                logger.error("template message queue unavailable", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            }
            await idle()
        }
        logger.info("template message worker stopped", metadata: ["worker": "\(name)"])
    }

    private func idle() async {
        if wakeRequested || stopping {
            wakeRequested = false
            return
        }
        let interval = configuration.pollInterval
        await withCheckedContinuation { continuation in
            waiter = continuation
            Task { [weak self] in
                try? await Task.sleep(for: .milliseconds(Int(interval * 1000)))
                await self?.wake()
            }
        }
        wakeRequested = false
    }

    /// Sends one message and says what became of it (nothing is recorded yet).
    private nonisolated func attempt(_ item: TemplateMessageQueue.Claimed) async -> TemplateMessageQueue.Outcome {
        let started = ContinuousClock.now
        let outcome: TemplateMessageQueue.Outcome
        do {
            outcome = .sent(msgID: try await send(item.message))
        } catch {
            outcome = configuration.policy.outcome(of: error, attempts: item.attempts, now: queue.clock.now())
        }
        ServerMetrics.templateSend(outcome, duration: ContinuousClock.now - started)
        switch outcome {
        case .sent(let msgID):
            logger.debug("template message sent", metadata: ["message": "\(item.id)", "wechat.msgid": "\(msgID)"])
        case .retry(let at, let errcode, let reason):
            logger.warning("template message will be retried", metadata: [
                "message": "\(item.id)", "errcode": "\(errcode.map(String.init) ?? "-")", "reason": "\(reason)",
                "retry_at": "\(at.formatted(.iso8601))", "attempt": "\(item.attempts)",
            ])
        case .failed(let errcode, let reason):
            logger.warning("template message failed", metadata: [
                "message": "\(item.id)", "errcode": "\(errcode.map(String.init) ?? "-")", "reason": "\(reason)",
            ])
        }
        return outcome
    }

    /// Records a batch's outcomes (one statement for all the sent ones).
    private func recordOutcomes(_ outcomes: [(id: UUID, outcome: TemplateMessageQueue.Outcome)]) async {
        do {
            let recorded = try await queue.record(outcomes, worker: name)
            for (id, _) in outcomes where !recorded.contains(id) {
                logger.warning("template message claim lost before its outcome was recorded", metadata: ["message": "\(id)"])
            }
        } catch {
            // The claims expire and the messages are sent again with the same client_msg_id (a duplicate WeChat drops).
            logger.error("template message outcomes not recorded", metadata: [
                "messages": "\(outcomes.count)", "error": "\(String(reflecting: type(of: error)))",
            ])
        }
    }
}
