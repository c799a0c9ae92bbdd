import Foundation
import Vapor

/// QR hooks: `/sandbox/api/qr/{uuid}` and its scan / confirm / cancel / expire.
struct ControlQRController: RouteCollection {
    let sandbox: Sandbox

    func boot(routes: any RoutesBuilder) throws {
        let qr = routes.grouped("qr", ":uuid")
        qr.get(use: show)
        qr.post("scan", use: scan)
        qr.post("confirm", use: confirm)
        qr.post("cancel", use: cancel)
        qr.post("expire", use: expire)
    }

    func view(_ uuid: String) async -> Response {
        guard let session = await sandbox.state.qrSession(uuid) else { return ControlReply.error(.notFound, "unknown uuid") }
        let poll = await sandbox.state.qrPoll(uuid, now: sandbox.clock.now())
        return ControlReply.json(ControlDTO.QRView(uuid: uuid, appid: session.appID, wx_errcode: poll.errcode, wx_code: poll.code))
    }

    static func failure(_ error: QRFailure) -> Response {
        switch error {
        case .unknown: ControlReply.error(.notFound, "unknown uuid")
        case .expired: ControlReply.error(.gone, "expired")
        case .wrongState: ControlReply.error(.conflict, "not allowed in the current state")
        }
    }

    func show(_ req: Request) async throws -> Response {
        await view(req.parameters.get("uuid") ?? "")
    }

    func scan(_ req: Request) async throws -> Response {
        let uuid = req.parameters.get("uuid") ?? ""
        let user = (try? req.controlBody(ControlDTO.QRUser.self))?.user ?? "u1"
        guard await sandbox.state.users[user] != nil else { return ControlReply.error(.notFound, "unknown user") }
        do throws(QRFailure) { _ = try await sandbox.state.qrScan(uuid, userID: user, now: sandbox.clock.now()) } catch { return Self.failure(error) }
        return await view(uuid)
    }

    func confirm(_ req: Request) async throws -> Response {
        let uuid = req.parameters.get("uuid") ?? ""
        let user = (try? req.controlBody(ControlDTO.QRUser.self))?.user
        do throws(QRFailure) { _ = try await sandbox.state.qrConfirm(uuid, userID: user, now: sandbox.clock.now()) } catch { return Self.failure(error) }
        return await view(uuid)
    }

    func cancel(_ req: Request) async throws -> Response {
        let uuid = req.parameters.get("uuid") ?? ""
        do throws(QRFailure) { try await sandbox.state.qrCancel(uuid, now: sandbox.clock.now()) } catch { return Self.failure(error) }
        return await view(uuid)
    }

    func expire(_ req: Request) async throws -> Response {
        let uuid = req.parameters.get("uuid") ?? ""
        do throws(QRFailure) { try await sandbox.state.qrExpire(uuid) } catch { return Self.failure(error) }
        return await view(uuid)
    }
}
