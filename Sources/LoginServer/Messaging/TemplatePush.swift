import Fluent
import Foundation
import Vapor
import WeChatKit

/// `wechat-login push`: queues one template message through the same durable queue as the API, sends it at once,
/// and says what happened.
public struct TemplatePush: Sendable {
    /// The recipient as a business user (their official-account identity); exactly one of this and ``openID``.
    public var userID: UUID?
    /// The recipient's openid under the official account; exactly one of this and ``userID``.
    public var openID: String?
    /// The template's id.
    public var templateID: String
    /// Where a tap on the message leads, if anywhere.
    public var url: String?
    /// Field values by placeholder name.
    public var data: [(key: String, value: String)]
    /// Sent as `client_msg_id`; repeating it for the same recipient names the first message.
    public var idempotencyKey: String?
    /// Only queue it (the running servers' workers send it).
    public var enqueueOnly = false

    /// A message to push.
    public init(userID: UUID?, openID: String?, templateID: String, url: String?,
                data: [(key: String, value: String)], idempotencyKey: String?, enqueueOnly: Bool) {
        self.userID = userID
        self.openID = openID
        self.templateID = templateID
        self.url = url
        self.data = data
        self.idempotencyKey = idempotencyKey
        self.enqueueOnly = enqueueOnly
    }

    /// What became of the message.
    public struct Result: Sendable, CustomStringConvertible {
        /// The message's id in the queue.
        public let id: UUID
        /// `queued`, `sent`, `delivered`, `blocked` or `failed`; `sending` only when another instance's worker held it
        /// longer than its claim lease.
        public let status: String
        /// WeChat's msgid, once sent.
        public let msgID: Int64?
        /// WeChat's errcode, when it refused.
        public let errcode: Int?
        /// Why the message failed or waits.
        public let reason: String?
        /// When a queued message is tried next.
        public let nextAttemptAt: Date?

        /// True unless the message failed.
        public var succeeded: Bool { status != "failed" && status != "blocked" }

        /// One line for the command line.
        public var description: String {
            var text = "message \(id.uuidString.lowercased()): \(status)"
            if let msgID { text += ", WeChat msgid \(msgID)" }
            if let errcode { text += ", errcode \(errcode)" }
            if let reason { text += " — \(reason)" }
            if status == "queued", let nextAttemptAt {
                text += " (next attempt \(nextAttemptAt.formatted(.iso8601)); a running server sends it)"
            }
            return text
        }
    }

    /// Queues (and unless `enqueueOnly`, sends) the message on a login server application configured with
    /// `services` (what `LoginServer.configure` returned).
    public func run(on app: Application, services: LoginServices) async throws -> Result {
        guard let messaging = services.messaging else {
            throw PushError(description: "No official account is configured: set WECHAT_OA_APPID and WECHAT_OA_SECRET.")
        }
        let input: TemplateMessageInput
        let recipient: TemplateRecipients.Recipient
        do {
            var fields: [String: FieldDTO] = [:]
            for (key, value) in data { fields[key] = FieldDTO(value: value, color: nil) }
            input = try TemplateMessageInput(templateID: templateID, url: url, miniProgram: nil, data: fields,
                                             idempotencyKey: idempotencyKey)
            recipient = try await messaging.recipients(on: app.db).resolve(userID: userID, openID: openID, externalID: nil)
        } catch let abort as any AbortError {
            throw PushError(description: abort.reason)
        }
        let queue = messaging.queue(on: app.db)
        let (record, _) = try await queue.enqueue(.init(
            appID: messaging.appID, userID: recipient.userID, message: input.message(to: recipient.openID),
            idempotencyKey: input.idempotencyKey))
        let id = try record.requireID()
        if !enqueueOnly, try await !messaging.worker.sendNow(id: id) {
            // A running server's worker claimed it between the insert and this claim: its attempt's outcome is the
            // answer, recorded within the claim's lease (after which the row returns to the queue).
            try await waitWhileSending(id, in: queue, upTo: .seconds(messaging.worker.claimLease + 5))
        }
        guard let final = try await queue.find(id) else {
            throw PushError(description: "message \(id) vanished")
        }
        return Result(id: id, status: final.status, msgID: final.msgID, errcode: final.errcode, reason: final.reason,
                      nextAttemptAt: final.status == "queued" ? final.nextAttemptAt : nil)
    }

    /// Polls `id` until no worker holds it as `sending`, or `limit` has passed.
    private func waitWhileSending(_ id: UUID, in queue: TemplateMessageQueue, upTo limit: Duration) async throws {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline,
              try await queue.find(id)?.status == TemplateMessageStatus.sending.rawValue {
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Why a push could not be queued.
    public struct PushError: Error, CustomStringConvertible {
        /// What is wrong.
        public let description: String
    }
}
