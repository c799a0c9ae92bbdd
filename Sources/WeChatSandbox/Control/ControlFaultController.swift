import Foundation
import Vapor

/// Fault injection: `GET/POST/DELETE /sandbox/api/faults`.
struct ControlFaultController: RouteCollection {
    let sandbox: Sandbox

    func boot(routes: any RoutesBuilder) throws {
        routes.get("faults", use: list)
        routes.post("faults", use: add)
        routes.delete("faults", use: clear)
    }

    func list(_ req: Request) async throws -> Response {
        ControlReply.json(await sandbox.state.listFaults())
    }

    func add(_ req: Request) async throws -> Response {
        var rule = try req.controlBody(FaultRule.self)
        guard rule.path.hasPrefix("/"), !rule.path.hasPrefix("/sandbox/api") else {
            return ControlReply.error(.badRequest, "path must start with / and not be a control path")
        }
        if let status = rule.httpStatus, !(100...599).contains(status) {
            return ControlReply.error(.badRequest, "httpStatus must be 100-599")
        }
        if let rate = rule.rate, !(0...1).contains(rate) { return ControlReply.error(.badRequest, "rate must be 0...1") }
        if let count = rule.count, count < 1 { return ControlReply.error(.badRequest, "count must be ≥ 1") }
        rule.hits = 0
        await sandbox.state.addFault(rule)
        return ControlReply.json(rule, status: .created)
    }

    func clear(_ req: Request) async throws -> Response {
        await sandbox.state.clearFaults()
        return ControlReply.json(ControlDTO.Done())
    }
}
