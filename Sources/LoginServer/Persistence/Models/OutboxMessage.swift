import Fluent
import Foundation

/// A one-time code "sent" in development: the sandbox-mode stand-in for an SMS or email gateway.
// Fluent models are `@unchecked Sendable`, as in Vapor's template: see User.
final class OutboxMessage: Model, @unchecked Sendable {
    static let schema = "dev_outbox"

    @ID(key: .id) var id: UUID?
    @Field(key: "channel") var channel: String
    @Field(key: "destination") var destination: String
    @Field(key: "body") var body: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(channel: String, destination: String, body: String) {
        self.channel = channel
        self.destination = destination
        self.body = body
    }
}
