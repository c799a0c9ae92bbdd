import Foundation

/// How a request to the token endpoint says which client it comes from (RFC 6749 §2.3): HTTP Basic, the
/// secret in the form body, or — a public client — only `client_id` in the body.
enum ClientCredentials: Sendable, Equatable {
    case basic(clientID: String, secret: String)
    case post(clientID: String, secret: String)
    case none(clientID: String)

    var clientID: String {
        switch self {
        case .basic(let id, _), .post(let id, _), .none(let id): id
        }
    }

    /// The method these credentials use, as registered clients name it.
    var method: ClientMetadata.AuthMethod {
        switch self {
        case .basic: .clientSecretBasic
        case .post: .clientSecretPost
        case .none: .none
        }
    }

    /// Reads the credentials of a token request from its `Authorization` header and its decoded form fields.
    ///
    /// Basic credentials are the form-urlencoded id and secret joined by `:` and base64-encoded (RFC 6749
    /// §2.3.1), so a secret holding `:`, `%` or `+` survives. More than one method, a malformed header or a
    /// `client_id` in the body that differs from Basic's is `invalid_request`; no credentials at all is
    /// `invalid_client`. An empty secret is no secret (RFC 6749 §2.3.1 lets a client omit an empty one), so a
    /// public client whose library sends `client_secret=` or Basic `id:` is read as `none`.
    static func read(authorization: String?, form: [String: String]) throws(ClientAuthenticationError) -> ClientCredentials {
        let formID = form["client_id"]
        let formSecret = form["client_secret"].flatMap { $0.isEmpty ? nil : $0 }
        if let authorization {
            let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard parts.count == 2, parts[0].lowercased() == "basic",
                  let decoded = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
                  let text = String(data: decoded, encoding: .utf8),
                  let colon = text.firstIndex(of: ":"),
                  let id = formDecode(text[..<colon]), let secret = formDecode(text[text.index(after: colon)...]),
                  !id.isEmpty else {
                throw .init(.malformed)
            }
            guard formSecret == nil else { throw .init(.severalMethods) }
            guard formID == nil || formID == id else { throw .init(.malformed) }
            return secret.isEmpty ? .none(clientID: id) : .basic(clientID: id, secret: secret)
        }
        guard let formID, !formID.isEmpty else { throw .init(.missing) }
        if let formSecret { return .post(clientID: formID, secret: formSecret) }
        return .none(clientID: formID)
    }

    /// `application/x-www-form-urlencoded` decoding of one value: `+` is a space, `%XX` a byte; nil when malformed.
    static func formDecode(_ value: Substring) -> String? {
        value.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
