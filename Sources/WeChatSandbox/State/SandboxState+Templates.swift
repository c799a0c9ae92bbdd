import Foundation

/// A validated `template/send` request.
struct TemplateSendRequest: Sendable {
    let touser: String
    let templateID: String
    let url: String?
    let clientMsgID: String?
    let data: [String: String]
}

/// The result of a send: the msgid and, for a new send, the job-finish status to push.
struct TemplateSendOutcome: Sendable {
    let msgID: Int64
    let userID: String
    let pushStatus: String?
}

extension SandboxState {
    /// `template/send` after the token and JSON checks, in the spec's order (§13).
    func sendTemplate(app: SandboxConfiguration.App, request: TemplateSendRequest, now: Date) throws(WeChatAPIError) -> TemplateSendOutcome {
        guard let owner = openIDIndex[request.touser], owner.appID == app.appID else { throw .invalidOpenID }
        guard let template = app.templates.first(where: { $0.id == request.templateID }) else { throw .invalidTemplateID }
        if let bad = Self.invalidKeyword(in: request.data) { throw .argumentInvalid(bad) }
        let record = follows[Self.key(app.appID, owner.userID)]
        if record?.blocked == true { throw .requireRemoveBlacklist }
        guard record?.subscribed == true else { throw .requireSubscribe }
        let dedupKey = request.clientMsgID.map { DedupKey(appID: app.appID, openID: request.touser, clientMsgID: $0) }
        if let dedupKey, let entry = dedup[dedupKey], now < entry.expiresAt {
            return TemplateSendOutcome(msgID: entry.msgID, userID: owner.userID, pushStatus: nil)
        }
        guard consumeQuota("template/send", appID: app.appID, limit: configuration.limits.templateDailyQuota, now: now) else {
            throw .dailyQuota
        }
        let msgID = Identifiers.msgID()
        if dedup.count >= nextDedupPurge {
            // WeChat forgets a client_msg_id after its window.
            dedup = dedup.filter { now < $0.value.expiresAt }
            nextDedupPurge = Self.nextPurge(after: dedup.count)
        }
        if let dedupKey {
            dedup[dedupKey] = DedupEntry(msgID: msgID, expiresAt: now.addingTimeInterval(configuration.lifetimes.clientMsgIDWindow))
        }
        let status = record?.refusesMessages == true ? "failed:user block"
            : record?.systemFails == true ? "failed: system failed" : "success"
        if status == "success" {
            receive(ReceivedMessage(
                msgid: msgID, appid: app.appID, templateID: template.id, title: template.title,
                text: Self.render(template.content, data: request.data), url: request.url,
                receivedAt: Int(now.timeIntervalSince1970), status: status), userID: owner.userID)
        }
        return TemplateSendOutcome(msgID: msgID, userID: owner.userID, pushStatus: status)
    }

    /// Puts a message in a phone's inbox. The phone keeps its newest `limits.inboxLength`, dropped that many at a
    /// time once it holds twice as many; all phones together keep the newest `limits.inboxTotal` (`trimInboxes`).
    func receive(_ message: ReceivedMessage, userID: String) {
        let kept = configuration.limits.inboxLength
        if let count = inbox[userID]?.count, count >= 2 * kept {
            inbox[userID]?.removeFirst(kept)
            inboxCount -= kept
        }
        inbox[userID, default: []].append(InboxEntry(sequence: nextInboxSequence, message: message))
        nextInboxSequence += 1
        inboxCount += 1
        let total = configuration.limits.inboxTotal
        if inboxCount >= 2 * total {
            trimInboxes(keepingFrom: nextInboxSequence - total)
        }
    }

    /// Drops every message numbered below `first` from all inboxes, and the inboxes left empty.
    ///
    /// Runs once all inboxes hold twice `limits.inboxTotal` and leaves at most that many (the messages numbered
    /// from `first`): a purge's cost, a pass over the inboxes, is spread over as many sends as it drops. Without the
    /// bound a million-message campaign to a few thousand followers stayed in memory (about 1 GB) under every
    /// later request.
    func trimInboxes(keepingFrom first: Int) {
        var emptied = false
        var count = 0
        for index in inbox.values.indices {
            // Each inbox is in sequence order: its dropped messages are a prefix.
            let dropped = inbox.values[index].firstIndex { $0.sequence >= first } ?? inbox.values[index].count
            if dropped > 0 { inbox.values[index].removeFirst(dropped) }
            emptied = emptied || inbox.values[index].isEmpty
            count += inbox.values[index].count
        }
        if emptied { inbox = inbox.filter { !$0.value.isEmpty } }
        inboxCount = count
    }

    /// Replaces `{{key.DATA}}` placeholders with the values (a placeholder without a value becomes empty), in one
    /// pass: a value that itself looks like a placeholder is not expanded again.
    ///
    /// (It was a replace per keyword and a regex literal compiled on every call: a fifth of the sandbox's CPU in
    /// the benchmark's template push.)
    static func render(_ content: String, data: [String: String]) -> String {
        var text = ""
        var rest = content[...]
        while let open = rest.range(of: "{{") {
            text += rest[..<open.lowerBound]
            let after = rest[open.upperBound...]
            if let close = after.range(of: "}}") {
                let inner = after[..<close.lowerBound]
                let key = inner.dropLast(5)
                if inner.hasSuffix(".DATA"), !key.isEmpty,
                   key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) {
                    text += data[String(key)] ?? ""
                    rest = after[close.upperBound...]
                    continue
                }
            }
            text += "{{"
            rest = after
        }
        return text + rest
    }

    /// The first keyword violating its category rule (spec §9.1), if any.
    static func invalidKeyword(in data: [String: String]) -> String? {
        for key in data.keys.sorted() {
            let value = data[key] ?? ""
            let count = value.count
            let ok: Bool
            if key.hasPrefix("thing") { ok = count <= 20 }
            else if key.hasPrefix("character_string") { ok = count <= 32 && value.allSatisfy { $0.isASCII } }
            else if key.hasPrefix("phone_number") { ok = count <= 17 }
            else if key.hasPrefix("car_number") { ok = count <= 8 }
            else if key.hasPrefix("const") { ok = count <= 20 }
            else if key.hasPrefix("phrase") { ok = count <= 5 }
            else { ok = true }
            if !ok { return key }
        }
        return nil
    }
}
