import Fluent
import Foundation

/// A person's account in the business's own user base, found or created by phone or email.
// Fluent models are classes whose property wrappers Fluent mutates; they are `@unchecked Sendable` as in
// Vapor's own template, and never shared across tasks after a query returns them.
final class User: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    /// Normalised mainland mobile number, unique when present.
    @OptionalField(key: "phone") var phone: String?
    /// Lowercased email, unique when present.
    @OptionalField(key: "email") var email: String?
    /// Shown on the account page; taken from the first WeChat profile that had one.
    @OptionalField(key: "display_name") var displayName: String?
    /// The business's own id for this user (``ExternalID``), unique when present; set by the admin API and import.
    @OptionalField(key: "external_id") var externalID: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Children(for: \.$user) var identities: [WeChatIdentity]

    init() {}

    init(id: UUID? = nil, contact: ContactAddress, displayName: String?) {
        self.id = id
        switch contact {
        case .phone(let number): self.phone = number
        case .email(let address): self.email = address
        }
        self.displayName = displayName
    }
}
