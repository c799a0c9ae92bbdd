import Fluent
import Foundation
import SQLKit

/// The one way to `webhook_endpoints`: where events are delivered, which types, and the signing secret, sealed with
/// the token cipher (bound to the endpoint's id, so a sealed secret copied to another row does not open there).
/// Deleting an endpoint disables it: its deliveries stay visible, and nothing more is sent or queued for it.
struct WebhookEndpointStore: Sendable {
    static let table = "webhook_endpoints"
    let database: any Database
    let cipher: TokenCipher
    let clock: any ServerClock

    /// An endpoint as stored, its secret still sealed.
    struct Endpoint: Sendable, Equatable {
        var id: UUID
        var url: String
        /// `nil`: every event type.
        var eventTypes: [String]?
        var description: String?
        var enabled: Bool
        var createdAt: Date
        var updatedAt: Date
        var sealedSecret: String
    }

    /// `event_types` as stored: `*` for all, or `,a,b,` (so one `LIKE '%,type,%'` matches a type exactly).
    static func column(_ types: [String]?) -> String {
        guard let types else { return "*" }
        return "," + types.joined(separator: ",") + ","
    }

    static func types(_ column: String) -> [String]? {
        column == "*" ? nil : column.split(separator: ",").map(String.init)
    }

    static func context(_ id: UUID) -> String { "webhook-secret:\(id.uuidString.lowercased())" }

    func create(url: String, eventTypes: [String]?, description: String?, enabled: Bool = true,
                secret: WebhookSecret) async throws -> Endpoint {
        let id = UUID()
        let now = clock.now()
        let sealed = try cipher.seal(secret.text, context: Self.context(id))
        try await database.sql().raw("""
            INSERT INTO webhook_endpoints (id, url, event_types, description, secret, enabled, created_at, updated_at)
            VALUES (\(bind: id), \(bind: url), \(bind: Self.column(eventTypes)), \(bind: description), \(bind: sealed), \
            \(bind: enabled), \(bind: now), \(bind: now))
            """).run()
        return Endpoint(id: id, url: url, eventTypes: eventTypes, description: description, enabled: enabled,
                        createdAt: now, updatedAt: now, sealedSecret: sealed)
    }

    func find(_ id: UUID) async throws -> Endpoint? {
        try await database.sql().raw("""
            SELECT id, url, event_types, description, secret, enabled, created_at, updated_at FROM webhook_endpoints
            WHERE id = \(bind: id)
            """).first().map(Self.endpoint)
    }

    func all() async throws -> [Endpoint] {
        try await database.sql().raw("""
            SELECT id, url, event_types, description, secret, enabled, created_at, updated_at FROM webhook_endpoints
            ORDER BY created_at, id
            """).all().map(Self.endpoint)
    }

    /// The endpoints with these ids (the worker's batch).
    func find(_ ids: [UUID]) async throws -> [UUID: Endpoint] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await database.sql().raw("""
            SELECT id, url, event_types, description, secret, enabled, created_at, updated_at FROM webhook_endpoints
            WHERE id IN (\(SQLList(ids.map { SQLBind($0) })))
            """).all()
        return Dictionary(try rows.map(Self.endpoint).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Changes the given fields; `nil` leaves a field as it is (`eventTypes: .some(nil)` means all types).
    func update(_ id: UUID, url: String?, eventTypes: [String]??, description: String??, enabled: Bool?) async throws -> Endpoint? {
        var sets: [SQLQueryString] = ["updated_at = \(bind: clock.now())"]
        if let url { sets.append("url = \(bind: url)") }
        if let eventTypes { sets.append("event_types = \(bind: Self.column(eventTypes))") }
        if let description { sets.append("description = \(bind: description)") }
        if let enabled { sets.append("enabled = \(bind: enabled)") }
        let rows = try await database.sql().raw("""
            UPDATE webhook_endpoints SET \(sets.joined(separator: ", ")) WHERE id = \(bind: id)
            RETURNING id, url, event_types, description, secret, enabled, created_at, updated_at
            """).all()
        return try rows.first.map(Self.endpoint)
    }

    /// A new secret for the endpoint; the old one stops signing at once.
    func rotateSecret(_ id: UUID, to secret: WebhookSecret) async throws -> Endpoint? {
        let sealed = try cipher.seal(secret.text, context: Self.context(id))
        let rows = try await database.sql().raw("""
            UPDATE webhook_endpoints SET secret = \(bind: sealed), updated_at = \(bind: clock.now()) WHERE id = \(bind: id)
            RETURNING id, url, event_types, description, secret, enabled, created_at, updated_at
            """).all()
        return try rows.first.map(Self.endpoint)
    }

    /// The endpoint's secret, opened for signing.
    func secret(of endpoint: Endpoint) throws -> WebhookSecret {
        WebhookSecret(text: try cipher.open(endpoint.sealedSecret, context: Self.context(endpoint.id)))
    }

    private static func endpoint(_ row: any SQLRow) throws -> Endpoint {
        Endpoint(
            id: try row.decode(column: "id", as: UUID.self),
            url: try row.decode(column: "url", as: String.self),
            eventTypes: types(try row.decode(column: "event_types", as: String.self)),
            description: try row.decode(column: "description", as: String?.self),
            enabled: try row.decode(column: "enabled", as: Bool.self),
            createdAt: try row.decode(column: "created_at", as: Date.self),
            updatedAt: try row.decode(column: "updated_at", as: Date.self),
            sealedSecret: try row.decode(column: "secret", as: String.self))
    }
}
