import Crypto
import Foundation

/// A webhook endpoint's signing secret, in Standard Webhooks' form: `whsec_` and the base64 of 32 random bytes.
/// It is shown once (at creation and rotation) and stored sealed, because signing needs it back.
struct WebhookSecret: Sendable, Equatable {
    static let prefix = "whsec_"
    /// The secret as shown to the endpoint's owner (`whsec_…`).
    let text: String

    /// A new random secret.
    static func generate() -> WebhookSecret {
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = generator.next() }
        return WebhookSecret(text: prefix + Data(bytes).base64EncodedString())
    }

    /// The HMAC key: the bytes after the prefix, base64-decoded (as every Standard Webhooks library does).
    var key: SymmetricKey? {
        guard text.hasPrefix(Self.prefix), let bytes = Data(base64Encoded: String(text.dropFirst(Self.prefix.count))),
              bytes.count >= 24 else { return nil }
        return SymmetricKey(data: bytes)
    }
}

/// Standard Webhooks' signature: `v1,` and the base64 of HMAC-SHA256 over `{id}.{timestamp}.{body}`.
enum WebhookSignature {
    static func sign(id: String, timestamp: Int64, body: Data, key: SymmetricKey) -> String {
        var content = Data("\(id).\(timestamp).".utf8)
        content.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: content, using: key)
        return "v1," + Data(mac).base64EncodedString()
    }
}

/// What one delivery sends: the URL, the Standard Webhooks headers and the JSON body.
struct WebhookRequest: Sendable {
    var url: String
    var headers: [(String, String)]
    var body: Data

    /// The request for `event`, signed with `key` at `now` (`webhook-timestamp` is the attempt's time, so a
    /// receiver's replay window accepts a retry a day later; `webhook-id` is the event's, the same on every retry).
    static func make(url: String, event: StoredEvent, key: SymmetricKey, now: Date) throws -> WebhookRequest {
        let id = String(event.id)
        let timestamp = Int64(now.timeIntervalSince1970.rounded(.down))
        let body = try WebhookBody.encode(event)
        return WebhookRequest(url: url, headers: [
            ("content-type", "application/json"),
            ("webhook-id", id),
            ("webhook-timestamp", String(timestamp)),
            ("webhook-signature", WebhookSignature.sign(id: id, timestamp: timestamp, body: body, key: key)),
            ("user-agent", "wechat-login-webhooks/1"),
        ], body: body)
    }
}

/// The body Standard Webhooks describes: `{"type", "timestamp", "data"}`; `data` is the event as the audit trail
/// shows it (`id`, `type`, `occurredAt`, `userID`, `actor`, `payload`).
struct WebhookBody: Encodable {
    var type: String
    var timestamp: String
    var data: EventView

    static func encode(_ event: StoredEvent) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let view = try EventView(event)
        return try encoder.encode(WebhookBody(type: event.type, timestamp: view.occurredAt, data: view))
    }
}
