import Fluent
import Foundation
import Logging
import WeChatKit

/// Follow-to-sign-in (公众号扫码关注登录): a PC page shows the official account's temporary QR code carrying a
/// one-time scene; the phone scans it (and follows, if it did not already); WeChat pushes `subscribe` or `SCAN`
/// with that scene to `/wechat/events`, which marks the scene scanned; the page's next status poll signs its
/// browser in through the same identity upsert, unionid join and binding step as the other flows.
///
/// Everything lives in `follow_login_scenes` (``FollowLoginSceneStore``), so any instance may take the push and any
/// instance may answer the page. Built once at start-up; every call names the database.
struct FollowLogin: Sendable {
    let configuration: FollowLoginConfiguration
    /// The official account's appid: scenes are its own, and so are the pushes that mark them.
    let appID: String
    let qrCodes: QRCodeClient
    let followers: FollowerClient
    let clock: any ServerClock
    /// This instance's waiting status requests, woken by the scans this instance records.
    let signals = FollowLoginSignals()

    /// Every scene this server makes starts so: pushes for the business's other parametric codes are left alone.
    static let scenePrefix = "wl_"

    /// A new scene, ready for the page.
    struct Started: Sendable, Equatable {
        var scene: String
        /// What the QR code encodes (`http://weixin.qq.com/q/…`): on a phone, the page links it instead.
        var qrURL: String
        var expiresAt: Date
    }

    /// Where a page's scene is, as its status poll answers.
    enum Status: Sendable, Equatable {
        /// Not scanned yet.
        case pending
        /// Scanned; the sign-in is being finished (the unionid could not be read yet).
        case scanned
        /// The code expired before a scan completed.
        case expired
        /// No such scene, or not this browser's, or already used: nothing to sign in.
        case refused(Refusal)
        /// The scan signed someone in (or needs binding): the same outcomes as a callback's.
        case completed(SignInFlow.Outcome)
    }

    /// Why a poll signs no one in.
    enum Refusal: String, Sendable, Equatable {
        case unknown
        case otherBrowser = "other_browser"
        case used
    }

    func scenes(on database: any Database) -> FollowLoginSceneStore {
        FollowLoginSceneStore(database: database)
    }

    /// Makes a new scene for this browser: a temporary QR code from WeChat (`QR_STR_SCENE`, the ordinary token),
    /// stored under the browser binding's hash with the ticket's expiry.
    func begin(binding: BrowserBinding, returnTo: ReturnTo, on database: any Database) async throws -> Started {
        let scene = Self.scenePrefix + OAuthState.random(length: 32).rawValue
        let ticket = try await qrCodes.create(.temporary(.string(scene), expireSeconds: configuration.qrLifetime))
        let now = clock.now()
        let expiresAt = now.addingTimeInterval(TimeInterval(ticket.expireSeconds ?? configuration.qrLifetime))
        try await scenes(on: database).create(FollowLoginSceneStore.Record(
            scene: scene, browserBindingHash: binding.hash, appID: appID, ticket: ticket.ticket, qrURL: ticket.url,
            returnTo: returnTo.path, status: .pending, createdAt: now, expiresAt: expiresAt))
        return Started(scene: scene, qrURL: ticket.url, expiresAt: expiresAt)
    }

    /// The scene a `subscribe` (`qrscene_…`) or `SCAN` push carries, with its ticket, when it is one of ours.
    static func scene(of message: InboundMessage) -> (scene: String, ticket: String?)? {
        let found: (String?, String?) = switch message.kind {
        case .event(.subscribe(_, let scene, let ticket)): (scene, ticket)
        case .event(.scan(let eventKey, let ticket)): (eventKey, ticket)
        default: (nil, nil)
        }
        guard let scene = found.0, scene.hasPrefix(scenePrefix), scene.utf8.count <= 64 else { return nil }
        return (scene, found.1)
    }

    /// Applies a push: a `subscribe`/`SCAN` for a pending, unexpired scene of this account marks it scanned by the
    /// push's openid (one conditional `UPDATE`). Nothing slow happens here: the push answers WeChat at once, and
    /// the page's poll reads the unionid. True when this push marked a scene.
    @discardableResult
    func scanned(_ message: InboundMessage, appID: String, on database: any Database, logger: Logger) async throws -> Bool {
        guard appID == self.appID, let (scene, ticket) = Self.scene(of: message) else { return false }
        let marked = try await scenes(on: database).markScanned(
            scene, appID: appID, openID: message.fromUserName, ticket: ticket, at: clock.now())
        logger.info("follow-login scan", metadata: [
            "event": "\(message.fields["Event"] ?? "-")", "marked": "\(marked)",
        ])
        if marked { await signals.signal(scene) }
        return marked
    }

    /// The scene's QR image (fetched from `showqrcode`), only for the browser that asked for the scene and only
    /// while it is pending.
    func image(scene: String, bindings: [BrowserBinding], on database: any Database) async throws -> QRCodeImage? {
        guard let record = try await scenes(on: database).find(scene), Self.belongs(record, to: bindings),
              record.status == .pending, clock.now() < record.expiresAt else { return nil }
        return try await qrCodes.image(ticket: record.ticket)
    }

    /// Whether one of the browser's bindings made the scene; every binding is compared, in constant time.
    static func belongs(_ record: FollowLoginSceneStore.Record, to bindings: [BrowserBinding]) -> Bool {
        var matches = false
        for binding in bindings where ConstantTime.equals(binding.hash, record.browserBindingHash) { matches = true }
        return matches
    }
}
