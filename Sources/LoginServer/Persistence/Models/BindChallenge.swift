import Fluent
import Foundation

/// A one-time code sent to a phone or email to bind a WeChat identity to the account behind that address.
///
/// Only the code's keyed hash is stored; a challenge expires, allows a few attempts, and is consumed on success.
// Fluent models are `@unchecked Sendable`, as in Vapor's template: see User.
final class BindChallenge: Model, @unchecked Sendable {
    static let schema = "bind_challenges"

    @ID(key: .id) var id: UUID?
    @Parent(key: "identity_id") var identity: WeChatIdentity
    /// `phone` or `email`.
    @Field(key: "channel") var channel: String
    /// The normalised phone number or email.
    @Field(key: "destination") var destination: String
    @Field(key: "code_hash") var codeHash: String
    @Field(key: "attempts") var attempts: Int
    @Field(key: "expires_at") var expiresAt: Date
    @Field(key: "sent_at") var sentAt: Date
    /// What the code proves: binding an identity, or a signed-in person's new phone or email (``Purpose``).
    @Field(key: "purpose") var purpose: String
    @OptionalField(key: "consumed_at") var consumedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(id: UUID, identityID: UUID, contact: ContactAddress, codeHash: String, sentAt: Date, expiresAt: Date,
         purpose: Purpose = .bind) {
        self.id = id
        self.purpose = purpose.rawValue
        self.$identity.id = identityID
        switch contact {
        case .phone: self.channel = "phone"
        case .email: self.channel = "email"
        }
        self.destination = contact.value
        self.codeHash = codeHash
        self.attempts = 0
        self.sentAt = sentAt
        self.expiresAt = expiresAt
    }

    /// What a challenge's code proves. A contact change's challenge hangs off one of the person's identities (the
    /// oldest), so it shares the table, the cooldown lock and the attempt counting with binding.
    enum Purpose: String, Sendable {
        case bind
        case contactChange = "contact_change"
    }

    /// The address this challenge was sent to.
    var contact: ContactAddress? { ContactAddress(destination) }
}
