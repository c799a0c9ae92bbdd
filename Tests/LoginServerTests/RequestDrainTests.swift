import Foundation
import Testing
import Vapor
import VaporTesting
@testable import LoginServer

/// A shutdown lets the requests in flight finish before the databases go, and turns new ones away with 503 meanwhile
/// (a request that reached `req.db` after the databases shut down stopped the process).
@Suite struct RequestDrainTests {
    /// Holds a request until opened.
    actor Gate {
        private var open = false
        private var waiters: [CheckedContinuation<Void, Never>] = []

        func wait() async {
            guard !open else { return }
            await withCheckedContinuation { waiters.append($0) }
        }

        func release() {
            open = true
            for waiter in waiters { waiter.resume() }
            waiters = []
        }
    }

    static func app(_ drain: RequestDrain, gate: Gate) async throws -> Application {
        let app = try await Application.make(.testing)
        app.logger.logLevel = .critical
        app.middleware.use(RequestDrainMiddleware(drain: drain))
        app.get("slow") { _ async -> String in
            await gate.wait()
            return "done"
        }
        app.get("fast") { _ in "fast" }
        return app
    }

    static func get(_ app: Application, _ path: String) async throws -> TestingHTTPResponse {
        try await app.testing().performTest(
            request: TestingHTTPRequest(method: .GET, url: URI(string: path), headers: [:], body: ByteBuffer()))
    }

    @Test func aShutdownLetsTheRequestInFlightFinishAndTurnsNewOnesAway() async throws {
        let drain = RequestDrain(limit: .seconds(30))
        let gate = Gate()
        let app = try await Self.app(drain, gate: gate)
        #expect(try await Self.get(app, "/fast").status == .ok)
        #expect(drain.inFlight == 0, "a finished request is counted out")

        async let slow = Self.get(app, "/slow")
        while drain.inFlight == 0 { try await Task.sleep(for: .milliseconds(5)) }
        async let remaining = drain.drain()
        var refused: TestingHTTPResponse
        repeat {
            refused = try await Self.get(app, "/fast")
        } while refused.status == .ok  // until the drain has begun
        #expect(refused.status == .serviceUnavailable)
        #expect(refused.headers.first(name: .retryAfter) == "1")
        #expect(refused.headers.first(name: .connection) == "close")
        #expect(refused.body.string.contains("请稍后重试"))
        #expect(drain.inFlight == 1, "the slow request is still inside")

        await gate.release()
        let answer = try await slow
        #expect(answer.status == .ok && answer.body.string == "done", "the request in flight finished")
        #expect(await remaining == 0, "the drain ended when it did")
        try await app.asyncShutdown()
    }

    @Test func aRequestStillRunningAtTheLimitIsCountedAndTheShutdownGoesOn() async throws {
        let drain = RequestDrain(limit: .milliseconds(200))
        let gate = Gate()
        let app = try await Self.app(drain, gate: gate)
        async let slow = Self.get(app, "/slow")
        while drain.inFlight == 0 { try await Task.sleep(for: .milliseconds(5)) }
        let started = ContinuousClock.now
        #expect(await drain.drain() == 1)
        #expect(ContinuousClock.now - started < .seconds(5))
        await gate.release()
        _ = try await slow
        try await app.asyncShutdown()
    }

    /// The login server's own shutdown: a follow-login status request long-polling the database (re-reading its scene
    /// every 200 ms) when the shutdown begins finishes with its answer; a request that comes meanwhile gets 503.
    @Test func theLoginServersShutdownWaitsForALongPollThatReadsTheDatabase() async throws {
        try await LoginWorld.with(adjust: FollowLoginTests.adjust) { world in
            var configuration = world.services.configuration
            configuration.followLogin.pollHold = .seconds(3)
            configuration.followLogin.pollInterval = .milliseconds(200)
            let app = try await Application.make(.testing)
            app.logger.logLevel = .critical
            let services = try await LoginServer.configure(app, configuration, clock: world.clock, sandboxURL: world.sandboxBase)
            let page = try await instanceGET(app, "/login?mode=follow&return_to=%2Faccount", cookie: "")
            #expect(page.status == 200)
            let scene = try Browser.scene(in: page.body)
            let binding = String(try #require(page.headers.first(name: .setCookie)).prefix { $0 != ";" })

            async let waiting = instanceGET(app, "/login/follow/status?scene=\(scene)", cookie: binding)
            while services.requestDrain.inFlight == 0 { try await Task.sleep(for: .milliseconds(5)) }
            async let shutdown: Void = app.asyncShutdown()
            var refused: Browser.Result
            repeat {
                refused = try await instanceGET(app, "/livez", cookie: "")
            } while refused.status == 200
            #expect(refused.status == 503, "a new request while the server drains: \(refused.status)")
            let answer = try await waiting
            #expect(answer.status == 200 && answer.json["status"] as? String == "pending", "\(answer.status) \(answer.body)")
            try await shutdown
        }
    }
}
