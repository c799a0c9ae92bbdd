import Foundation

/// One line of a user's chat with an official account on the simulated phone.
struct ChatEntry: Sendable, Codable, Equatable {
    /// `user` (a text the user sent, or a menu click), `account` (the account's passive reply) or `system`
    /// (WeChat's notice when the account's server failed).
    let from: String
    let text: String
    /// The push this line belongs to.
    let pushID: Int
    let at: Int
    /// The links of a `news` reply.
    var links: [String]? = nil

    /// WeChat's notice when the account's server did not answer in time or answered something invalid (§10.3).
    static let serviceUnavailable = "该公众号暂时无法提供服务，请稍后再试 · This account cannot provide service right now"
}

extension SandboxState {
    /// The chat of (app, user), oldest first.
    func chat(appID: String, userID: String) -> [ChatEntry] {
        chats[Self.key(appID, userID)] ?? []
    }

    /// Appends a line to the chat of the push's (app, user).
    func appendChat(_ entry: ChatEntry, appID: String, userID: String) {
        let key = Self.key(appID, userID)
        var lines = chats[key] ?? []
        lines.append(entry)
        if lines.count > Self.chatLength { lines.removeFirst(lines.count - Self.chatLength) }
        chats[key] = lines
    }

    /// Lines kept per chat: the newest.
    static let chatLength = 200

    /// Records the passive reply of a push and shows it in the chat as the account's message.
    func recordReply(pushID: Int, reply: PassiveReply) {
        guard let index = pushIndex(pushID) else { return }
        pushes[index].reply = reply
        let push = pushes[index]
        guard let owner = openIDIndex[push.openid] else { return }
        let links = reply.articles?.compactMap(\.url)
        appendChat(ChatEntry(from: "account", text: reply.chatText, pushID: pushID, at: push.createdAt,
                             links: links?.isEmpty == false ? links : nil), appID: push.appid, userID: owner.userID)
    }

    /// A user-sent push (text or click) whose delivery failed for good: the chat shows WeChat's notice.
    func recordServiceUnavailable(pushID: Int) {
        guard let index = pushIndex(pushID) else { return }
        let push = pushes[index]
        guard push.msgType == "text" || push.event == "CLICK", let owner = openIDIndex[push.openid] else { return }
        appendChat(ChatEntry(from: "system", text: ChatEntry.serviceUnavailable, pushID: pushID, at: push.createdAt),
                   appID: push.appid, userID: owner.userID)
    }

    /// One push record by id.
    func push(id: Int) -> PushRecord? {
        pushIndex(id).map { pushes[$0] }
    }
}
