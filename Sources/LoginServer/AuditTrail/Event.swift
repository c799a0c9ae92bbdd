import Foundation

/// One event to append to the log: what happened (``EventType``), to whom, who did it, and the payload.
struct Event: Sendable, Equatable {
    var type: EventType
    /// The business user it concerns, when there is one (a follow by an unbound openid has none).
    var userID: UUID?
    var actor: EventActor
    var payload: EventPayload

    init(_ type: EventType, userID: UUID?, actor: EventActor, payload: EventPayload) {
        self.type = type
        self.userID = userID
        self.actor = actor
        self.payload = payload
    }
}

/// An event as stored: its place in the log (`id`, increasing in insertion order) and when it was written.
struct StoredEvent: Sendable, Equatable {
    var id: Int64
    var occurredAt: Date
    var type: String
    var userID: UUID?
    var actorKind: String
    var actorAddress: String?
    var appID: String?
    var clientID: String?
    /// The payload's JSON, as stored.
    var payload: String
}
