import Fluent
import Foundation
import Vapor

/// Resolves template-message recipients — each exactly one of our user id, the business's external id, or an openid —
/// to an openid of the official account (and the business user, when known).
///
/// A batch costs a few lookups on indexes whatever its size (per kind of recipient, one per 500 names), not one or two
/// per recipient; a single recipient is a batch of one, so both paths answer alike.
struct TemplateRecipients {
    /// Where a message goes.
    struct Recipient: Sendable, Equatable {
        var openID: String
        var userID: UUID?
    }

    /// Why an entry has no recipient: the status and reason the API answers with.
    struct Refusal: Error, Equatable {
        let status: HTTPResponseStatus
        let reason: String

        var abort: Abort { Abort(status, reason: reason) }
    }

    /// How many names one lookup carries.
    static let lookupChunk = 500

    let appID: String
    let database: any Database

    /// Resolves one recipient, throwing its refusal as an `Abort`.
    func resolve(userID: UUID?, openID: String?, externalID: String?) async throws -> Recipient {
        switch try await resolve([(userID, openID, externalID)])[0] {
        case .success(let recipient): return recipient
        case .failure(let refusal): throw refusal.abort
        }
    }

    /// Resolves every entry, in order.
    func resolve(_ entries: [(userID: UUID?, openID: String?, externalID: String?)]) async throws
        -> [Result<Recipient, Refusal>] {
        let named = entries.map(Self.classify)
        var openIDs: [String] = []
        var externalIDs: [ExternalID] = []
        var userIDs: [UUID] = []
        for case .success(let name) in named {
            switch name {
            case .openID(let openID): openIDs.append(openID)
            case .externalID(let externalID): externalIDs.append(externalID)
            case .userID(let userID): userIDs.append(userID)
            }
        }
        let identities = IdentityStore(database: database)
        let users = UserStore(database: database)
        var usersOfOpenIDs: [String: UUID?] = [:]
        for chunk in Self.chunks(of: openIDs) {
            usersOfOpenIDs.merge(try await identities.users(ofOpenIDs: chunk, appID: appID)) { first, _ in first }
        }
        var usersOfExternalIDs: [ExternalID: UUID] = [:]
        for chunk in Self.chunks(of: externalIDs) {
            usersOfExternalIDs.merge(try await users.ids(forExternalIDs: chunk)) { first, _ in first }
        }
        var existing: Set<UUID> = []
        for chunk in Self.chunks(of: userIDs) {
            existing.formUnion(try await users.existing(chunk))
        }
        var openIDsOfUsers: [UUID: String] = [:]
        for chunk in Self.chunks(of: Array(existing) + Array(usersOfExternalIDs.values)) {
            openIDsOfUsers.merge(try await identities.openIDs(ofUsers: chunk, appID: appID)) { first, _ in first }
        }

        func officialAccountRecipient(_ userID: UUID) -> Result<Recipient, Refusal> {
            guard let openID = openIDsOfUsers[userID] else {
                return .failure(Refusal(status: .unprocessableEntity, reason: "This user has no identity on the official account (they never signed in inside WeChat), so there is no openid to send to."))
            }
            return .success(Recipient(openID: openID, userID: userID))
        }
        return named.map { name in
            name.flatMap { name in
                switch name {
                case .openID(let openID):
                    return .success(Recipient(openID: openID, userID: usersOfOpenIDs[openID] ?? nil))
                case .externalID(let externalID):
                    guard let userID = usersOfExternalIDs[externalID] else {
                        return .failure(Refusal(status: .notFound, reason: "No user has this external_id."))
                    }
                    return officialAccountRecipient(userID)
                case .userID(let userID):
                    guard existing.contains(userID) else {
                        return .failure(Refusal(status: .notFound, reason: "No user \(userID.uuidString.lowercased())."))
                    }
                    return officialAccountRecipient(userID)
                }
            }
        }
    }

    /// The one name an entry gives, validated.
    private enum Name {
        case userID(UUID)
        case externalID(ExternalID)
        case openID(String)
    }

    private static func classify(_ entry: (userID: UUID?, openID: String?, externalID: String?)) -> Result<Name, Refusal> {
        switch (entry.userID, entry.openID, entry.externalID) {
        case (let userID?, nil, nil):
            return .success(.userID(userID))
        case (nil, nil, let raw?):
            guard let externalID = try? ExternalID(validating: raw) else {
                return .failure(Refusal(status: .unprocessableEntity, reason: "external_id is not a valid external id."))
            }
            return .success(.externalID(externalID))
        case (nil, let openID?, nil):
            guard TemplateMessageInput.isOpenID(openID) else {
                return .failure(Refusal(status: .unprocessableEntity, reason: "openid must be 1–64 letters, digits, - or _."))
            }
            return .success(.openID(openID))
        default:
            return .failure(Refusal(status: .unprocessableEntity, reason: "Give exactly one of user_id, external_id or openid."))
        }
    }

    /// The distinct names of `items`, `lookupChunk` to a lookup.
    private static func chunks<Element: Hashable>(of items: [Element]) -> [[Element]] {
        var seen: Set<Element> = []
        return items.filter { seen.insert($0).inserted }.chunks(of: lookupChunk).map { Array($0) }
    }
}
