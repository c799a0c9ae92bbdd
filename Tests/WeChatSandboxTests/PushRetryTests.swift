import Foundation
import Testing
import Vapor
@testable import WeChatSandbox

/// A developer server's answers, one per request in order; the last one repeats.
actor ScriptedAnswers {
    let answers: [(HTTPResponseStatus, String)]
    private(set) var requests = 0

    init(_ answers: [(HTTPResponseStatus, String)]) {
        self.answers = answers
    }

    func next() -> (HTTPResponseStatus, String) {
        requests += 1
        return answers[min(requests, answers.count) - 1]
    }
}

/// Records the pauses the dispatcher asks for instead of sleeping.
actor PauseLog {
    var pauses: [Double] = []
    func add(_ seconds: Double) { pauses.append(seconds) }
}

/// A deliverer answering from a script of acknowledgements.
struct ScriptedDeliverer: PushDelivering {
    let script: ScriptedAnswers

    func deliver(app: SandboxConfiguration.App, openID: String, kind: PushEventKind, createdAt: Date, sentAt: Date) async
        -> PushAttemptResult {
        let (status, body) = await script.next()
        let ok = status == .ok && body == "success"
        return PushAttemptResult(acknowledged: ok, responseStatus: Int(status.code), error: ok ? nil : "scripted failure")
    }
}

@Suite("push retries")
struct PushRetryTests {
    typealias H = SandboxHarness

    static func server(_ script: ScriptedAnswers) -> (Application) -> Void {
        { app in
            app.on(.POST, "devserver", body: .collect(maxSize: 65536)) { _ async -> Response in
                let (status, body) = await script.next()
                return Response(status: status, body: .init(string: body))
            }
        }
    }

    /// Follows u3 with a server URL set and waits (bounded) until the subscribe push is no longer pending.
    func followAndSettle(_ h: H) async throws -> [String: Any] {
        _ = try await h.request(.PATCH, "/sandbox/api/apps/\(H.oa)", body: #"{"serverURL":"\#(h.base)/devserver"}"#,
                                contentType: "application/json")
        _ = try await h.postJSON("/sandbox/api/users/u3/follow", #"{"appid":"\#(H.oa)"}"#)
        var record: [String: Any] = [:]
        for _ in 0..<400 {
            let body = try await h.get("/sandbox/api/pushes").body
            let list = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[String: Any]]
            record = list?.first ?? [:]
            if let delivery = record["delivery"] as? String, delivery != "pending" { break }
            try await Task.sleep(for: .milliseconds(25))
        }
        return record
    }

    @Test func serverFailingTwiceIsAcknowledgedOnTheThirdAttempt() async throws {
        let script = ScriptedAnswers([(.internalServerError, ""), (.ok, "<html>oops</html>"), (.ok, "success")])
        try await H.with(routes: Self.server(script)) { h in
            let record = try await followAndSettle(h)
            #expect(record["delivery"] as? String == "acknowledged")
            #expect(record["attempts"] as? Int == 3)
            #expect(record["responseStatus"] as? Int == 200 && record["lastError"] == nil)
            #expect(await script.requests == 3)
        }
    }

    @Test func serverNeverAcknowledgingGetsOnePlusThreeRetries() async throws {
        let script = ScriptedAnswers([(.internalServerError, "")])
        try await H.with(routes: Self.server(script)) { h in
            let record = try await followAndSettle(h)
            #expect(record["delivery"] as? String == "failed")
            #expect(record["attempts"] as? Int == 4)
            #expect(record["responseStatus"] as? Int == 500)
            #expect(await script.requests == 4)
        }
    }

    @Test(arguments: [
        ([(HTTPResponseStatus.ok, "success")], 1, "acknowledged", 0),
        ([(.badGateway, ""), (.ok, "nope"), (.ok, "success")], 3, "acknowledged", 2),
        ([(.badGateway, "")], 4, "failed", 3),
    ])
    func retriesWaitTheConfiguredIntervalBetweenAttempts(
        answers: [(HTTPResponseStatus, String)], attempts: Int, delivery: String, pauses: Int
    ) async throws {
        var configuration = SandboxConfiguration()
        configuration.lifetimes.pushRetryInterval = 0.25
        let app = try #require(configuration.apps.first { $0.appID == H.oa })
        configuration.apps = configuration.apps.map { var a = $0; a.serverURL = "http://127.0.0.1:9/"; return a }
        let state = SandboxState(configuration: configuration)
        let log = PauseLog()
        let dispatcher = PushDispatcher(state: state, clock: SandboxClock(), pause: { await log.add($0) })
        let record = await state.recordPush(appID: app.appID, userID: "u3", kind: .subscribe, canDeliver: true, now: Date())
        #expect(record.delivery == "pending")
        let script = ScriptedAnswers(answers)
        await dispatcher.deliver(record, app: app, kind: .subscribe, createdAt: Date(), with: ScriptedDeliverer(script: script))
        let stored = try #require(await state.listPushes().first)
        #expect(stored.attempts == attempts && stored.delivery == delivery)
        #expect(await log.pauses == Array(repeating: 0.25, count: pauses))
        #expect(await script.requests == attempts)
        #expect(SandboxConfiguration.Lifetimes().pushRetryInterval == 1)
    }
}

/// When each attempt was made, and the event time it carried.
actor AttemptTimes {
    var times: [(createdAt: Date, sentAt: Date)] = []
    func add(_ createdAt: Date, _ sentAt: Date) -> Int {
        times.append((createdAt, sentAt))
        return times.count
    }
}

/// Fails the first attempt, acknowledges the rest, and records each attempt's times.
struct TimedDeliverer: PushDelivering {
    let log: AttemptTimes

    func deliver(app: SandboxConfiguration.App, openID: String, kind: PushEventKind, createdAt: Date, sentAt: Date) async
        -> PushAttemptResult {
        let number = await log.add(createdAt, sentAt)
        return PushAttemptResult(acknowledged: number > 1, responseStatus: number > 1 ? 200 : 500, error: nil)
    }
}

@Suite("push attempt times")
struct PushAttemptTimeTests {
    /// WeChat signs each POST when it makes it: a retry (or a report that waited in the queue) carries a fresh
    /// `timestamp` that a server's replay window accepts, while `CreateTime` stays the event's.
    @Test func eachAttemptIsSignedAtItsOwnTimeWhileTheEventKeepsItsTime() async throws {
        var configuration = SandboxConfiguration()
        configuration.apps = configuration.apps.map { var a = $0; a.serverURL = "http://127.0.0.1:9/"; return a }
        let app = try #require(configuration.apps.first { $0.appID == SandboxHarness.oa })
        let state = SandboxState(configuration: configuration)
        // A clock that moves only when the pause moves it: the times below are exact, however late a task runs.
        let clock = SandboxClock(reference: { Date(timeIntervalSince1970: 1_796_000_000) })
        let dispatcher = PushDispatcher(state: state, clock: clock, pause: { _ in await clock.advance(by: 400) })
        let created = await clock.now()
        let record = await state.recordPush(appID: app.appID, userID: "u3", kind: .subscribe, canDeliver: true, now: created)
        let log = AttemptTimes()
        await dispatcher.deliver(record, app: app, kind: .subscribe, createdAt: created, with: TimedDeliverer(log: log))
        let times = await log.times
        #expect(times.count == 2)
        #expect(times.allSatisfy { $0.createdAt == created })
        #expect(times.first?.sentAt == created, "the first attempt is signed when it is made")
        #expect(times.last?.sentAt == created.addingTimeInterval(400), "the retry is signed 400 s later")
        #expect(await state.listPushes().first?.delivery == "acknowledged")
    }
}
