import Foundation
import Logging

/// Delivers the event log to webhook endpoints on one instance: claims due deliveries in batches (the batch size
/// bounds the requests in flight), sends them concurrently, and records each outcome. Every instance runs one; the
/// database keeps them from sending the same delivery, and a delivery whose worker died is taken over when its
/// claim's lease ends. Nothing here runs on a request's path.
actor WebhookWorker {
    /// Sends one request and answers the HTTP status (a thrown error is a transport failure or a timeout).
    typealias Send = @Sendable (WebhookRequest) async throws -> Int

    nonisolated let name: String
    private let database: WebhookDatabase
    private let send: Send
    private let configuration: WebhookConfiguration
    private let policy: WebhookRetryPolicy
    private let logger: Logger
    private var loop: Task<Void, Never>?
    /// The idle wait between polls, cancelled by ``stop()`` (never a batch in flight).
    private var sleeper: Task<Void, Never>?
    private var stopping = false

    init(database: WebhookDatabase, send: @escaping Send, configuration: WebhookConfiguration,
         policy: WebhookRetryPolicy? = nil, logger: Logger, name: String = TemplateMessageWorker.instanceName()) {
        self.database = database
        self.send = send
        self.configuration = configuration
        self.policy = policy ?? WebhookRetryPolicy(configuration)
        self.logger = logger
        self.name = name
    }

    /// Starts the background loop (once).
    func start() {
        guard loop == nil, !stopping else { return }
        logger.info("webhook worker started", metadata: ["worker": "\(name)"])
        loop = Task { await self.run() }
    }

    /// Lets the current batch finish, then stops the loop.
    func stop() async {
        stopping = true
        sleeper?.cancel()
        await loop?.value
        loop = nil
    }

    /// Delivers what is due until nothing is; returns the number of attempts.
    @discardableResult
    func drain() async throws -> Int {
        var total = 0
        while true {
            let attempted = try await runOnce()
            if attempted == 0 { return total }
            total += attempted
        }
    }

    /// Claims one batch and sends it; returns the number of deliveries claimed.
    func runOnce() async throws -> Int {
        let now = database.clock.now()
        let deliveries = database.deliveries
        let claimed = try await deliveries.claim(worker: name, limit: configuration.concurrency,
                                                 lease: configuration.claimLease, now: now)
        guard !claimed.isEmpty else { return 0 }
        let events = try await database.events.find(claimed.map(\.eventID))
        let endpoints = try await database.endpoints.find(Array(Set(claimed.map(\.endpointID))))
        let outcomes = await withTaskGroup(of: (Int64, WebhookDeliveryStore.Outcome).self) { group in
            for item in claimed {
                let request = Result { try self.request(for: item, events: events, endpoints: endpoints, now: now) }
                group.addTask { (item.id, await self.attempt(item, request)) }
            }
            var outcomes: [(Int64, WebhookDeliveryStore.Outcome)] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        let recordedAt = database.clock.now()
        for (id, outcome) in outcomes {
            do {
                if try await !deliveries.record(outcome, for: id, worker: name, now: recordedAt) {
                    logger.warning("webhook claim lost before its outcome was recorded", metadata: ["delivery": "\(id)"])
                }
            } catch {
                // The claim expires and the delivery is sent again: at least once.
                logger.error("webhook outcome not recorded", metadata: [
                    "delivery": "\(id)", "error": "\(String(reflecting: type(of: error)))",
                ])
            }
        }
        return claimed.count
    }

    private nonisolated func request(for item: WebhookDeliveryStore.Claimed, events: [Int64: StoredEvent],
                                     endpoints: [UUID: WebhookEndpointStore.Endpoint], now: Date) throws -> WebhookRequest {
        guard let endpoint = endpoints[item.endpointID] else { throw Unsendable(reason: "the endpoint is gone") }
        guard let event = events[item.eventID] else { throw Unsendable(reason: "the event is no longer in the log") }
        guard let key = try database.endpoints.secret(of: endpoint).key else {
            throw Unsendable(reason: "the endpoint's secret is not a whsec_ secret")
        }
        return try WebhookRequest.make(url: endpoint.url, event: event, key: key, now: now)
    }

    /// A delivery that cannot be made at all (its event swept by retention, its secret unopenable): dead at once.
    struct Unsendable: Error {
        var reason: String
    }

    private nonisolated func attempt(_ item: WebhookDeliveryStore.Claimed,
                                     _ request: Result<WebhookRequest, any Error>) async -> WebhookDeliveryStore.Outcome {
        let now = database.clock.now()
        let outcome: WebhookDeliveryStore.Outcome
        switch request {
        case .failure(let error as Unsendable):
            outcome = .dead(status: nil, error: error.reason)
        case .failure(let error):
            outcome = .dead(status: nil, error: "cannot build the request: \(String(reflecting: type(of: error)))")
        case .success(let request):
            do {
                let status = try await send(request)
                if (200..<300).contains(status) {
                    outcome = .delivered(status: status)
                } else {
                    outcome = policy.afterFailure(attempts: item.attempts, status: status,
                                                  error: "HTTP \(status)", now: now)
                }
            } catch {
                outcome = policy.afterFailure(attempts: item.attempts, status: nil,
                                              error: Self.describe(error), now: now)
            }
        }
        ServerMetrics.webhookDelivery(outcome)
        switch outcome {
        case .delivered:
            logger.debug("webhook delivered", metadata: ["delivery": "\(item.id)", "event": "\(item.eventID)"])
        case .retry(let at, _, let error):
            logger.warning("webhook delivery will be retried", metadata: [
                "delivery": "\(item.id)", "endpoint": "\(item.endpointID)", "error": "\(error)",
                "attempt": "\(item.attempts)", "retry_at": "\(at.formatted(.iso8601))",
            ])
        case .dead(_, let error):
            logger.error("webhook delivery dead", metadata: [
                "delivery": "\(item.id)", "endpoint": "\(item.endpointID)", "error": "\(error)",
                "attempts": "\(item.attempts)",
            ])
        }
        return outcome
    }

    /// A transport failure's kind, for the delivery's `last_error` (never the URL's query or a secret).
    static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        return text.count <= 200 ? text : String(text.prefix(200))
    }

    private func run() async {
        while !stopping {
            do {
                if try await runOnce() > 0 { continue }
            } catch {
                logger.error("webhook deliveries unavailable", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            }
            await idle()
        }
        logger.info("webhook worker stopped", metadata: ["worker": "\(name)"])
    }

    private func idle() async {
        guard !stopping else { return }
        let interval = configuration.pollInterval
        let sleeper = Task { _ = try? await Task.sleep(for: .milliseconds(Int(interval * 1000))) }
        self.sleeper = sleeper
        await sleeper.value
        self.sleeper = nil
    }
}

/// The stores a webhook worker uses, on the application's database.
struct WebhookDatabase: Sendable {
    let deliveries: WebhookDeliveryStore
    let endpoints: WebhookEndpointStore
    let events: EventLog
    let clock: any ServerClock
}
