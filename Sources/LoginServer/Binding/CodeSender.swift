import Fluent
import Foundation
import Vapor

/// Delivers a one-time code to a phone or an email address.
protocol CodeSender: Sendable {
    /// Sends `code` to `contact`; throws when the code could not be handed over.
    func send(_ code: OneTimeCode, to contact: ContactAddress, language: Language, lifetime: TimeInterval) async throws
    /// Sends a notice with no code (the account's phone or email changed) by the same channel; throws when it could
    /// not be handed over.
    func sendNotice(_ message: String, to contact: ContactAddress, language: Language) async throws
}

extension CodeSender {
    /// The text of the message.
    static func message(_ code: OneTimeCode, language: Language, lifetime: TimeInterval) -> String {
        let minutes = Int(lifetime / 60)
        return language.pick(
            "你的验证码是 \(code.digits)，\(minutes) 分钟内有效。请勿告诉他人。",
            "Your verification code is \(code.digits). It is valid for \(minutes) minutes. Do not share it.")
    }
}

/// Development delivery: the message is stored in `dev_outbox` and shown at `/dev/outbox` (sandbox mode only).
struct OutboxCodeSender: CodeSender {
    let database: any Database

    func send(_ code: OneTimeCode, to contact: ContactAddress, language: Language, lifetime: TimeInterval) async throws {
        let channel = if case .phone = contact { "phone" } else { "email" }
        let message = OutboxMessage(
            channel: channel, destination: contact.value,
            body: Self.message(code, language: language, lifetime: lifetime))
        try await OutboxStore(database: database).add(message)
    }

    func sendNotice(_ message: String, to contact: ContactAddress, language: Language) async throws {
        let channel = if case .phone = contact { "phone" } else { "email" }
        try await OutboxStore(database: database).add(OutboxMessage(channel: channel, destination: contact.value, body: message))
    }
}

/// Production delivery: POSTs `{"channel","destination","message","code","language"}` as JSON to an SMS/email
/// gateway's webhook, which must answer 2xx. A notice (no code) is the same without `code`.
struct WebhookCodeSender: CodeSender {
    let client: any Client
    let url: URI
    let logger: Logger

    /// Why the gateway did not take the code.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private struct Payload: Content {
        var channel: String
        var destination: String
        var message: String
        /// Absent in a notice.
        var code: String?
        var language: String
    }

    func send(_ code: OneTimeCode, to contact: ContactAddress, language: Language, lifetime: TimeInterval) async throws {
        let channel = if case .phone = contact { "phone" } else { "email" }
        let payload = Payload(
            channel: channel, destination: contact.value,
            message: Self.message(code, language: language, lifetime: lifetime), code: code.digits,
            language: language.rawValue)
        try await post(payload, channel: channel)
    }

    func sendNotice(_ message: String, to contact: ContactAddress, language: Language) async throws {
        let channel = if case .phone = contact { "phone" } else { "email" }
        try await post(Payload(channel: channel, destination: contact.value, message: message, code: nil,
                               language: language.rawValue),
                       channel: channel)
    }

    private func post(_ payload: Payload, channel: String) async throws {
        let response = try await client.post(url) { request in
            try request.content.encode(payload, as: .json)
            request.timeout = .seconds(10)
        }
        guard (200..<300).contains(response.status.code) else {
            logger.warning("code webhook refused", metadata: ["status": "\(response.status.code)", "channel": "\(channel)"])
            throw Failure(description: "code gateway answered HTTP \(response.status.code)")
        }
    }
}
