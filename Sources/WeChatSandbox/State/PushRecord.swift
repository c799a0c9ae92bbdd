import Foundation

/// An event the sandbox pushes (or would push) to an app's server URL.
enum PushEventKind: Sendable, Equatable {
    /// An ordinary follow (empty `EventKey`).
    case subscribe
    /// A follow from a parametric QR code: `EventKey=qrscene_<scene>`, `Ticket`.
    case qrSubscribe(QRSceneEvent)
    /// A follower scanned a parametric QR code: `Event=SCAN`, `EventKey=<scene>`, `Ticket`.
    case scan(QRSceneEvent)
    case unsubscribe
    case templateSendJobFinish(msgID: Int64, status: String)

    var name: String {
        switch self {
        case .subscribe, .qrSubscribe: "subscribe"
        case .scan: "SCAN"
        case .unsubscribe: "unsubscribe"
        case .templateSendJobFinish: "TEMPLATESENDJOBFINISH"
        }
    }

    /// The push's `EventKey`, when it carries one.
    var eventKey: String? {
        switch self {
        case .qrSubscribe(let event): "qrscene_" + event.scene
        case .scan(let event): event.scene
        default: nil
        }
    }

    /// The parametric code's ticket, for `qrSubscribe` and `scan`.
    var ticket: String? {
        switch self {
        case .qrSubscribe(let event), .scan(let event): event.ticket
        default: nil
        }
    }
}

/// One push and its delivery outcome, as the control API shows it.
struct PushRecord: Sendable, Codable {
    let id: Int
    let appid: String
    let openid: String
    let event: String
    let msgid: Int64?
    let status: String?
    /// `qrscene_<scene>` or `<scene>` for a parametric code's subscribe or SCAN.
    let eventKey: String?
    /// The parametric code's ticket.
    let ticket: String?
    let createdAt: Int
    /// `pending`, `acknowledged`, `failed`, `no-server-url` or `not-delivered` (push encoder unavailable).
    var delivery: String
    var attempts: Int
    var responseStatus: Int?
    var lastError: String?
}

extension SandboxState {
    /// Records a push; `pending` when the app has a server URL and a deliverer exists.
    func recordPush(appID: String, userID: String, kind: PushEventKind, canDeliver: Bool, now: Date) -> PushRecord {
        var msgID: Int64?
        var status: String?
        if case .templateSendJobFinish(let id, let s) = kind { msgID = id; status = s }
        let hasURL = apps[appID]?.serverURL?.isEmpty == false
        let record = PushRecord(
            id: pushes.count + 1, appid: appID, openid: openID(userID: userID, appID: appID), event: kind.name,
            msgid: msgID, status: status, eventKey: kind.eventKey, ticket: kind.ticket, createdAt: Int(now.timeIntervalSince1970),
            delivery: hasURL ? (canDeliver ? "pending" : "not-delivered") : "no-server-url", attempts: 0)
        pushes.append(record)
        return record
    }

    func updatePush(id: Int, delivery: String, attempts: Int, responseStatus: Int?, error: String?) {
        guard id >= 1, id <= pushes.count else { return }
        pushes[id - 1].delivery = delivery
        pushes[id - 1].attempts = attempts
        pushes[id - 1].responseStatus = responseStatus
        pushes[id - 1].lastError = error
    }

    func listPushes() -> [PushRecord] {
        pushes
    }
}
