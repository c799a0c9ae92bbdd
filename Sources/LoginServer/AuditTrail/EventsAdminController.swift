import Foundation
import Vapor

/// `GET /api/admin/events`: the audit trail — the event log, newest first, filtered by user, type and time, one
/// page at a time behind an opaque cursor. Admin bearer token.
struct EventsAdminController: RouteCollection {
    let adminToken: AdminTokenMiddleware

    func boot(routes: any RoutesBuilder) throws {
        routes.grouped("api", "admin").grouped(adminToken).get("events", use: list)
    }

    func list(req: Request) async throws -> Response {
        let query = try EventsQuery.parse { req.queryValue($0) }
        let events = try await EventLog(database: req.db).newestFirst(query)
        let page = EventPage(
            events: try events.map(EventView.init),
            nextCursor: events.count == query.limit ? events.last.map { EventCursor.encode($0.id) } : nil)
        return try await Response.noStore(page, status: .ok, for: req)
    }
}

/// One page of the audit trail.
struct EventPage: Content {
    var events: [EventView]
    /// Present when the page is full: pass it as `cursor` for the older events.
    var nextCursor: String?
}

/// An event as the admin API shows it.
struct EventView: Content {
    /// The event's place in the log (a string: ids outgrow JavaScript's integers' exact range in principle).
    var id: String
    var type: String
    var occurredAt: String
    var userID: UUID?
    var actor: Actor
    var payload: [String: JSONScalar]

    struct Actor: Content {
        /// `person`, `admin`, `client`, `wechat` or `system`.
        var kind: String
        var address: String?
    }

    init(_ event: StoredEvent) throws {
        id = String(event.id)
        type = event.type
        occurredAt = event.occurredAt.formatted(.iso8601)
        userID = event.userID
        actor = Actor(kind: event.actorKind, address: event.actorAddress)
        payload = try JSONDecoder().decode([String: JSONScalar].self, from: Data(event.payload.utf8))
    }
}

/// A payload field's value: payloads hold strings, integers and booleans only.
enum JSONScalar: Codable, Equatable, Sendable {
    case string(String)
    case integer(Int64)
    case bool(Bool)

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else if let integer = try? container.decode(Int64.self) {
            self = .integer(integer)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        }
    }
}
