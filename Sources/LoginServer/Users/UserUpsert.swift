import Foundation

/// One user as the business describes it: its own id and what it knows of the person. The admin API's upserts and
/// the import command both build these, so both check and normalise input the same way.
///
/// Absent (or empty) phone, email or name leave what is on file alone: an upsert never clears a field, so a
/// file with an empty column cannot wipe contacts that binding relies on.
struct UserUpsert: Sendable, Equatable {
    var externalID: ExternalID
    /// A mainland mobile number in the form binding stores and looks up (`13800138000`): ``ContactAddress``'s.
    var phone: String?
    /// Lowercased, as ``ContactAddress`` stores emails.
    var email: String?
    var name: String?

    /// The longest name kept, in characters.
    static let maximumNameLength = 64

    /// Checks and normalises untrusted input. Phones are mainland mobile numbers, with or without `+86`/`0086`,
    /// spaces or dashes (binding sends codes only to those, so an imported number of another country could never
    /// be found by it); emails are trimmed and lowercased, as binding stores them.
    init(externalID: String, phone: String?, email: String?, name: String?) throws(Invalid) {
        do {
            self.externalID = try ExternalID(validating: externalID)
        } catch {
            throw Invalid(reason: error.reason)
        }
        (self.phone, self.email, self.name) = try Self.normalised(phone: phone, email: email, name: name)
    }

    /// Phone, email and name checked and normalised as ``init(externalID:phone:email:name:)`` does; an absent or
    /// empty one is `nil`.
    static func normalised(phone: String?, email: String?, name: String?) throws(Invalid)
        -> (phone: String?, email: String?, name: String?) {
        var result: (phone: String?, email: String?, name: String?) = (nil, nil, nil)
        if let phone = Self.present(phone) {
            guard case .phone(let number)? = ContactAddress(phone) else {
                throw Invalid(reason: "phone must be a mainland China mobile number: 11 digits starting with 1, +86 optional")
            }
            result.phone = number
        }
        if let email = Self.present(email) {
            guard case .email(let address)? = ContactAddress(email) else {
                throw Invalid(reason: "email must be a valid email address")
            }
            result.email = address
        }
        if let name = Self.present(name) {
            guard name.count <= Self.maximumNameLength,
                  name.unicodeScalars.allSatisfy({ ![.control, .format].contains($0.properties.generalCategory) }) else {
                throw Invalid(reason: "name must be at most \(Self.maximumNameLength) characters, without control characters")
            }
            result.name = name
        }
        return result
    }

    init(externalID: ExternalID, phone: String? = nil, email: String? = nil, name: String? = nil) {
        (self.externalID, self.phone, self.email, self.name) = (externalID, phone, email, name)
    }

    private static func present(_ raw: String?) -> String? {
        guard let trimmed = raw?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
        return trimmed
    }

    /// Why an item was refused before it reached the database; `reason` is safe to show and to log.
    struct Invalid: Error, Equatable, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }

    /// What an upsert came to, per item.
    enum Outcome: Sendable, Equatable {
        case created(UUID)
        case updated(UUID)
        case unchanged(UUID)
        /// Nothing was written for this item; `reason` says why (a phone or email on another user, a repeat).
        case rejected(reason: String)

        /// `created`, `updated`, `unchanged` or `rejected`.
        var name: String {
            switch self {
            case .created: "created"
            case .updated: "updated"
            case .unchanged: "unchanged"
            case .rejected: "rejected"
            }
        }

        /// The user the item ended on; `nil` when rejected.
        var userID: UUID? {
            switch self {
            case .created(let id), .updated(let id), .unchanged(let id): id
            case .rejected: nil
            }
        }
    }
}
