import Foundation
import Vapor

/// A webhook endpoint's fields as the admin API takes them (`url`, `eventTypes`, `description`, `enabled`), checked:
/// anything wrong is a 400 naming the field, and nothing is written.
struct WebhookInput: Content {
    var url: String?
    /// Event type names, or `["*"]` for every type (also the default at creation).
    var eventTypes: [String]?
    var description: String?
    var enabled: Bool?

    static let maxURLLength = 2000
    static let maxDescriptionLength = 200

    /// `https://…`, or `http://` to a loopback host (development). No credentials in the URL, no fragment.
    static func checkURL(_ raw: String) throws -> String {
        guard raw.utf8.count <= maxURLLength, let components = URLComponents(string: raw),
              let scheme = components.scheme?.lowercased(), let host = components.host?.lowercased(), !host.isEmpty
        else { throw Abort(.badRequest, reason: "url must be an absolute https URL of at most \(maxURLLength) characters.") }
        guard components.user == nil, components.password == nil, components.fragment == nil else {
            throw Abort(.badRequest, reason: "url must not carry credentials or a fragment.")
        }
        let loopback = ["localhost", "127.0.0.1", "::1", "[::1]"].contains(host)
        guard scheme == "https" || (scheme == "http" && loopback) else {
            throw Abort(.badRequest, reason: "url must be https (http only to localhost, for development).")
        }
        return raw
    }

    /// `nil` for every type; otherwise known, distinct names in the order given.
    static func checkTypes(_ raw: [String]) throws -> [String]? {
        if raw == ["*"] { return nil }
        guard !raw.isEmpty else { throw Abort(.badRequest, reason: "eventTypes must name at least one type, or be [\"*\"].") }
        var seen: [String] = []
        for name in raw {
            guard EventType(rawValue: name) != nil else {
                throw Abort(.badRequest, reason:
                    "eventTypes: unknown type; use [\"*\"] or some of: \(EventType.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            if !seen.contains(name) { seen.append(name) }
        }
        return seen
    }

    static func checkDescription(_ raw: String) throws -> String {
        guard raw.count <= maxDescriptionLength else {
            throw Abort(.badRequest, reason: "description must be at most \(maxDescriptionLength) characters.")
        }
        return raw
    }
}

/// An endpoint as the admin API shows it (never its secret, except in ``WebhookSecretView``).
struct WebhookEndpointView: Content {
    var id: UUID
    var url: String
    /// `["*"]` for every type.
    var eventTypes: [String]
    var description: String?
    var enabled: Bool
    var createdAt: String
    var updatedAt: String

    init(_ endpoint: WebhookEndpointStore.Endpoint) {
        id = endpoint.id
        url = endpoint.url
        eventTypes = endpoint.eventTypes ?? ["*"]
        description = endpoint.description
        enabled = endpoint.enabled
        createdAt = endpoint.createdAt.formatted(.iso8601)
        updatedAt = endpoint.updatedAt.formatted(.iso8601)
    }
}

/// A new endpoint with its secret, shown once (at creation and at rotation).
struct WebhookSecretView: Content {
    var endpoint: WebhookEndpointView
    /// `whsec_…`: give it to the receiver's Standard Webhooks library.
    var secret: String
}

struct WebhookEndpointList: Content {
    var endpoints: [WebhookEndpointView]
}

/// One delivery: what the admin API shows of its state.
struct WebhookDeliveryView: Content {
    var id: String
    var eventID: String
    var eventType: String?
    var userID: UUID?
    /// `pending`, `sending`, `delivered` or `dead`.
    var status: String
    var attempts: Int
    var nextAttemptAt: String?
    var lastStatus: Int?
    var lastError: String?
    var lastAttemptAt: String?
    var deliveredAt: String?
    var createdAt: String

    init(_ delivery: WebhookDeliveryStore.Delivery) {
        id = String(delivery.id)
        eventID = String(delivery.eventID)
        eventType = delivery.eventType
        userID = delivery.userID
        status = delivery.status
        attempts = delivery.attempts
        nextAttemptAt = delivery.nextAttemptAt?.formatted(.iso8601)
        lastStatus = delivery.lastStatus
        lastError = delivery.lastError
        lastAttemptAt = delivery.lastAttemptAt?.formatted(.iso8601)
        deliveredAt = delivery.deliveredAt?.formatted(.iso8601)
        createdAt = delivery.createdAt.formatted(.iso8601)
    }
}

struct WebhookDeliveryPage: Content {
    var deliveries: [WebhookDeliveryView]
    /// Present when the page is full: pass it as `cursor` for older deliveries.
    var nextCursor: String?
}

struct WebhookReplayResult: Content {
    /// Deliveries queued again.
    var replayed: Int
}
