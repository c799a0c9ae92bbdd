import Vapor

/// Who is signed in to this app, kept in its own session (memory here; a shared store for several instances).
struct SignedInPerson: Codable, Sendable {
    /// The provider's stable id for the person (`sub`): the key a business stores its own data under.
    var sub: String
    /// The display name from userinfo (`profile` scope), when the person has one.
    var name: String?
    /// The verified ID token's claims and userinfo's answer, for the home page.
    var idTokenClaims: [[String]]
    var userInfoClaims: [[String]]
    /// Sent back to the provider as `id_token_hint` when the person signs out.
    var idToken: String
    /// The sign-out form's token: only a form on this site signs the person out.
    var csrf: String
}

/// Typed access to the two things this app keeps in a session.
extension Session {
    private static let pendingKey = "pending_sign_in"
    private static let personKey = "person"

    var pendingSignIn: PendingSignIn? {
        get { decode(data[Self.pendingKey]) }
        set { data[Self.pendingKey] = encode(newValue) }
    }

    var person: SignedInPerson? {
        get { decode(data[Self.personKey]) }
        set { data[Self.personKey] = encode(newValue) }
    }

    private func decode<T: Decodable>(_ text: String?) -> T? {
        text.flatMap { try? JSONDecoder().decode(T.self, from: Data($0.utf8)) }
    }

    private func encode<T: Encodable>(_ value: T?) -> String? {
        value.flatMap { try? JSONEncoder().encode($0) }.map { String(decoding: $0, as: UTF8.self) }
    }
}
