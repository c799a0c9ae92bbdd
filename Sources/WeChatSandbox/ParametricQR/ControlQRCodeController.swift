import Foundation
import Vapor

/// Parametric QR codes in the control API: `GET /sandbox/api/qrcodes`, `POST qrcodes/{ticket}/scan`
/// (`{"user","follow"?}`: what the phone's scan page does) and `POST qrcodes/{ticket}/expire`.
struct ControlQRCodeController: RouteCollection {
    let sandbox: Sandbox

    struct ScanBody: Decodable {
        var user: String
        /// Press the page's button (Follow, or Open chat for a follower): true (default); false is Cancel.
        var follow: Bool?
    }

    /// A code as the control API lists it.
    struct View: Encodable {
        let ticket: String
        let url: String
        let appid: String
        let action_name: String
        let scene_id: Int64?
        let scene_str: String?
        let permanent: Bool
        /// Unix seconds; absent for a permanent code.
        let expiresAt: Int?
        let expired: Bool
        let scans: Int
    }

    /// What a scan did: `subscribed`, `scanned` (SCAN) or `declined`, and the push record (absent when declined).
    struct ScanResult: Encodable {
        let result: String
        let push: PushRecord?
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get("qrcodes", use: list)
        routes.post("qrcodes", ":ticket", "scan", use: scan)
        routes.post("qrcodes", ":ticket", "expire", use: expire)
    }

    func view(_ code: ParametricQRCode, now: Date) -> View {
        var sceneID: Int64?
        var sceneString: String?
        switch code.scene {
        case .id(let id): sceneID = id
        case .string(let string): sceneString = string
        }
        return View(
            ticket: code.ticket, url: sandbox.scanURL(code), appid: code.appID, action_name: code.actionName,
            scene_id: sceneID, scene_str: sceneString, permanent: code.isPermanent,
            expiresAt: code.expiresAt.map { Int($0.timeIntervalSince1970) }, expired: !code.isValid(at: now), scans: code.scans)
    }

    func list(_ req: Request) async throws -> Response {
        let now = await sandbox.clock.now()
        return ControlReply.json(await sandbox.state.listParametricQRs().map { view($0, now: now) })
    }

    func scan(_ req: Request) async throws -> Response {
        let body = try req.controlBody(ScanBody.self)
        guard await sandbox.state.users[body.user] != nil else { return ControlReply.error(.notFound, "unknown user") }
        let accept = body.follow ?? true
        let push: PushRecord?
        do {
            push = try await sandbox.scanParametricQR(
                ticket: req.parameters.get("ticket") ?? "", userID: body.user, accept: accept, client: req.application.client)
        } catch {
            return Self.failure(error)
        }
        let result = push.map { $0.event == "SCAN" ? "scanned" : "subscribed" } ?? "declined"
        return ControlReply.json(ScanResult(result: result, push: push))
    }

    func expire(_ req: Request) async throws -> Response {
        let code: ParametricQRCode
        do throws(ParametricScanFailure) {
            code = try await sandbox.state.expireParametricQR(ticket: req.parameters.get("ticket") ?? "")
        } catch {
            return Self.failure(error)
        }
        return ControlReply.json(view(code, now: await sandbox.clock.now()))
    }

    static func failure(_ error: ParametricScanFailure) -> Response {
        switch error {
        case .unknown: ControlReply.error(.notFound, "unknown ticket")
        case .expired: ControlReply.error(.gone, "expired: nothing was pushed")
        }
    }
}
