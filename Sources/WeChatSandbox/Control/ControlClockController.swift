import Foundation
import Vapor

/// `/sandbox/api/clock`, `/sandbox/api/counters`, `/sandbox/api/pushes`, `/sandbox/api/pushes/queue`.
struct ControlClockController: RouteCollection {
    let sandbox: Sandbox

    func boot(routes: any RoutesBuilder) throws {
        routes.get("clock", use: now)
        routes.post("clock", "advance", use: advance)
        routes.post("clock", "set", use: set)
        routes.post("clock", "reset", use: resetClock)
        routes.get("counters", use: counters)
        routes.delete("counters", use: resetCounters)
        routes.post("counters", "reset", use: resetCounters)
        routes.get("pushes", use: pushes)
        routes.get("pushes", "queue", use: pushQueue)
    }

    func view() async -> Response {
        let now = await sandbox.clock.now()
        return ControlReply.json(ControlDTO.ClockView(
            now: now.timeIntervalSince1970, iso8601: ISO8601DateFormatter().string(from: now)))
    }

    func now(_ req: Request) async throws -> Response {
        await view()
    }

    func advance(_ req: Request) async throws -> Response {
        let body = try req.controlBody(ControlDTO.Advance.self)
        guard body.seconds.isFinite, abs(body.seconds) < 1e10 else { return ControlReply.error(.badRequest, "seconds out of range") }
        await sandbox.clock.advance(by: body.seconds)
        await sandbox.state.wakeAllWaiters()
        return await view()
    }

    func set(_ req: Request) async throws -> Response {
        let body = try req.controlBody(ControlDTO.SetClock.self)
        guard body.now.isFinite, abs(body.now) < 1e11 else { return ControlReply.error(.badRequest, "now out of range") }
        await sandbox.clock.set(to: Date(timeIntervalSince1970: body.now))
        await sandbox.state.wakeAllWaiters()
        return await view()
    }

    func resetClock(_ req: Request) async throws -> Response {
        await sandbox.clock.reset()
        return await view()
    }

    func counters(_ req: Request) async throws -> Response {
        ControlReply.json(await sandbox.state.counters)
    }

    func resetCounters(_ req: Request) async throws -> Response {
        await sandbox.state.resetCounters()
        return ControlReply.json(ControlDTO.Done())
    }

    func pushes(_ req: Request) async throws -> Response {
        ControlReply.json(await sandbox.state.listPushes())
    }

    /// Delivery attempts waiting for a slot, in flight, and pushes not yet settled (a benchmark waits for 0).
    func pushQueue(_ req: Request) async throws -> Response {
        ControlReply.json(await sandbox.pushes.depth())
    }
}
