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
    /// A text message the user sent in the chat: `MsgType=text`, `Content`, `MsgId`.
    case text(content: String, msgID: Int64)
    /// The user pressed a `click` menu button: `Event=CLICK`, `EventKey=<key>`.
    case click(key: String)

    var name: String {
        switch self {
        case .subscribe, .qrSubscribe: "subscribe"
        case .scan: "SCAN"
        case .unsubscribe: "unsubscribe"
        case .templateSendJobFinish: "TEMPLATESENDJOBFINISH"
        case .text: "text"
        case .click: "CLICK"
        }
    }

    /// `text` for a message, `event` for everything else.
    var msgType: String {
        if case .text = self { return "text" }
        return "event"
    }

    /// The push's `EventKey`, when it carries one.
    var eventKey: String? {
        switch self {
        case .qrSubscribe(let event): "qrscene_" + event.scene
        case .scan(let event): event.scene
        case .click(let key): key
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
    /// The event's name, or `text` for a text message.
    let event: String
    /// `event`, or `text` for a text message.
    let msgType: String
    /// A template job's `MsgID`, or a text message's `MsgId` (the same on every retry).
    let msgid: Int64?
    /// A text message's `Content`.
    let content: String?
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
    /// The developer's passive reply (decrypted in safe mode), when it answered one.
    var reply: PassiveReply?
}

extension SandboxState {
    /// Records a push; `pending` when the app has a server URL and a deliverer exists.
    func recordPush(appID: String, userID: String, kind: PushEventKind, canDeliver: Bool, now: Date) -> PushRecord {
        var msgID: Int64?
        var status: String?
        var content: String?
        switch kind {
        case .templateSendJobFinish(let id, let s): msgID = id; status = s
        case .text(let text, let id): msgID = id; content = text
        default: break
        }
        let hasURL = apps[appID]?.serverURL?.isEmpty == false
        let history = configuration.limits.pushHistory
        if pushes.count >= 2 * history {
            pushes.removeFirst(history)
            droppedPushes += history
        }
        let record = PushRecord(
            id: droppedPushes + pushes.count + 1, appid: appID, openid: openID(userID: userID, appID: appID), event: kind.name,
            msgType: kind.msgType, msgid: msgID, content: content, status: status, eventKey: kind.eventKey, ticket: kind.ticket, createdAt: Int(now.timeIntervalSince1970),
            delivery: hasURL ? (canDeliver ? "pending" : "not-delivered") : "no-server-url", attempts: 0)
        pushes.append(record)
        switch kind {
        case .text(let text, _):
            appendChat(ChatEntry(from: "user", text: text, pushID: record.id, at: record.createdAt), appID: appID, userID: userID)
        case .click(let key):
            let name = apps[appID]?.menu.first { $0.type == .click && $0.key == key }?.name ?? key
            appendChat(ChatEntry(from: "user", text: "[菜单 Menu] \(name)", pushID: record.id, at: record.createdAt),
                       appID: appID, userID: userID)
        default: break
        }
        return record
    }

    func updatePush(id: Int, delivery: String, attempts: Int, responseStatus: Int?, error: String?) {
        guard let index = pushIndex(id) else { return }
        pushes[index].delivery = delivery
        pushes[index].attempts = attempts
        pushes[index].responseStatus = responseStatus
        pushes[index].lastError = error
    }

    /// Where push `id` is in `pushes`, if it is still kept.
    func pushIndex(_ id: Int) -> Int? {
        let index = id - 1 - droppedPushes
        return pushes.indices.contains(index) ? index : nil
    }

    func listPushes() -> [PushRecord] {
        pushes
    }
}
