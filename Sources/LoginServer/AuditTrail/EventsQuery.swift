import Foundation
import Vapor

/// The audit trail's query parameters, checked: `user_id` (a UUID), `type` (an event type's name), `since` and
/// `until` (ISO 8601 date-times; `since` inclusive, `until` exclusive), `cursor` (the previous page's `nextCursor`)
/// and `limit` (1 to 500, default 100). Anything malformed is a 400 naming the parameter.
enum EventsQuery {
    static let defaultLimit = 100
    static let maxLimit = 500

    static func parse(_ value: (String) -> String?) throws -> EventLog.Query {
        var query = EventLog.Query(limit: defaultLimit)
        if let raw = value("user_id") {
            guard let id = UUID(uuidString: raw) else { throw Abort(.badRequest, reason: "user_id must be a UUID.") }
            query.userID = id
        }
        if let raw = value("type") {
            guard EventType(rawValue: raw) != nil else {
                throw Abort(.badRequest, reason: "type must be one of: \(EventType.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            query.type = raw
        }
        query.since = try date(value("since"), name: "since")
        query.until = try date(value("until"), name: "until")
        if let raw = value("cursor") {
            guard let id = EventCursor.decode(raw) else { throw Abort(.badRequest, reason: "cursor is not one this API gave.") }
            query.before = id
        }
        if let raw = value("limit") {
            guard let limit = Int(raw), (1...maxLimit).contains(limit) else {
                throw Abort(.badRequest, reason: "limit must be a whole number from 1 to \(maxLimit).")
            }
            query.limit = limit
        }
        return query
    }

    private static func date(_ raw: String?, name: String) throws -> Date? {
        guard let raw else { return nil }
        if let date = try? Date(raw, strategy: .iso8601) { return date }
        if let date = try? Date(raw, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        throw Abort(.badRequest, reason: "\(name) must be an ISO 8601 date-time, such as 2026-01-31T08:00:00Z.")
    }
}

/// The audit trail's cursor: opaque to callers (base64url of a versioned id), so its form can change.
enum EventCursor {
    static func encode(_ id: Int64) -> String {
        Data("e1:\(id)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ cursor: String) -> Int64? {
        guard cursor.utf8.count <= 64 else { return nil }
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.utf8.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8),
              text.hasPrefix("e1:"), let id = Int64(text.dropFirst(3)), id > 0 else { return nil }
        return id
    }
}
