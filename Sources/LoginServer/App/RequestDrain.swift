import NIOConcurrencyHelpers
import Vapor

/// Lets the requests in flight finish before the application's databases and clients shut down, and turns new ones
/// away meanwhile.
///
/// Vapor shuts the databases down after the lifecycle handlers, whether or not a request is still running, and
/// a request that reaches `req.db` after that stops the process (found by a benchmark that stopped a server while
/// WeChat's delivery reports kept arriving). ``RequestDrainLifecycle`` runs first at shutdown: from then on
/// ``RequestDrainMiddleware`` answers 503 with `Retry-After` and `Connection: close` — WeChat retries a push, a
/// browser or a load balancer tries again, another instance answers — and the shutdown waits for the requests
/// already inside, up to ``limit``.
final class RequestDrain: Sendable {
    private struct State {
        var inFlight = 0
        var draining = false
    }

    private let state = NIOLockedValueBox(State())
    /// How long a shutdown waits for the requests in flight.
    let limit: Duration

    init(limit: Duration = .seconds(10)) {
        self.limit = limit
    }

    /// Counts a request in; false once the drain has begun.
    func enter() -> Bool {
        state.withLockedValue { state in
            guard !state.draining else { return false }
            state.inFlight += 1
            return true
        }
    }

    /// Counts a request out.
    func leave() {
        state.withLockedValue { $0.inFlight -= 1 }
    }

    /// Requests in flight now.
    var inFlight: Int { state.withLockedValue { $0.inFlight } }

    /// Turns new requests away from now on and waits until none is in flight or ``limit`` has passed; answers how
    /// many were still running then.
    func drain() async -> Int {
        state.withLockedValue { $0.draining = true }
        let deadline = ContinuousClock.now + limit
        while inFlight > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return inFlight
    }
}

/// Counts each request in and out of ``RequestDrain``; once the drain has begun, answers 503 at once.
struct RequestDrainMiddleware: AsyncMiddleware {
    let drain: RequestDrain

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard drain.enter() else {
            request.logger.info("request refused: the server is shutting down")
            let response = Response(status: .serviceUnavailable, body: .init(string: "服务正在重启，请稍后重试。\nThe server is restarting; please try again in a moment.\n"))
            response.headers.replaceOrAdd(name: .contentType, value: "text/plain; charset=utf-8")
            response.headers.replaceOrAdd(name: .retryAfter, value: "1")
            response.headers.replaceOrAdd(name: .connection, value: "close")
            return response
        }
        defer { drain.leave() }
        return try await next.respond(to: request)
    }
}

/// Begins the drain when the application shuts down; registered last, so it runs before every other handler's
/// shutdown (they run in reverse) and long before the databases go.
struct RequestDrainLifecycle: LifecycleHandler {
    let drain: RequestDrain

    func shutdownAsync(_ application: Application) async {
        let running = await drain.drain()
        if running > 0 {
            application.logger.warning("shutting down with requests still running", metadata: ["requests": "\(running)"])
        }
    }
}
