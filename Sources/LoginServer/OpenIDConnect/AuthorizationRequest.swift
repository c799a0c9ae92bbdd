import Foundation
import WeChatKit

/// An authorization request (OpenID Connect Core §3.1.2.1) once its client and redirect URI are known and every
/// other parameter checked: what a code is issued for, or what waits server-side while the person signs in.
struct AuthorizationRequest: Sendable, Equatable {
    var clientID: String
    var redirectURI: String
    /// The granted scopes: the asked ones, `openid` among them, all registered by the client (`offline_access`
    /// only for a client registered for the `refresh_token` grant; Core §11 lets a provider ignore it otherwise).
    var scopes: [String]
    var state: String?
    var nonce: String?
    /// The S256 PKCE challenge (RFC 7636), when sent; required of public clients.
    var codeChallenge: String?
    /// `prompt=none`: answer at once, never show a page.
    var promptNone: Bool
    /// `prompt=login`: sign in anew even with a session.
    var promptLogin: Bool
    /// `max_age` in seconds: the session's sign-in must be at most this old.
    var maxAge: Int?
    /// The first of `ui_locales` the pages speak.
    var language: Language?

    var scope: String { scopes.joined(separator: " ") }

    /// The longest `state` and `nonce` kept (they are stored and echoed; longer ones are refused, not truncated).
    static let maximumValueLength = 512

    /// Checks the parameters other than `client_id` and `redirect_uri` (already matched to `client`): `query`
    /// reads one parameter. Throws the error to send back to the redirect URI.
    static func parse(client: OIDCClient, redirectURI: String,
                      query: (String) -> String?) throws(AuthorizationError) -> AuthorizationRequest {
        let state = query("state")
        func fail(_ code: AuthorizationError.Code, _ description: String) -> AuthorizationError {
            AuthorizationError(code: code, description: description, state: state)
        }
        if let state, state.utf8.count > maximumValueLength { throw fail(.invalidRequest, "state is too long.") }
        if query("request") != nil { throw fail(.requestNotSupported, "Request objects are not supported.") }
        if query("request_uri") != nil { throw fail(.requestURINotSupported, "request_uri is not supported.") }
        guard let responseType = query("response_type") else { throw fail(.invalidRequest, "response_type is required.") }
        guard responseType == "code" else { throw fail(.unsupportedResponseType, "Only response_type=code is supported.") }
        if let mode = query("response_mode"), mode != "query" {
            throw fail(.invalidRequest, "Only response_mode=query is supported.")
        }
        let asked = (query("scope") ?? "").split(separator: " ").map(String.init)
        guard asked.contains("openid") else { throw fail(.invalidScope, "scope must contain openid.") }
        let unknown = asked.filter { !client.metadata.scopes.contains($0) && $0 != "openid" }
        guard unknown.isEmpty else {
            throw fail(.invalidScope, "The client is not registered for: \(unknown.joined(separator: " ")).")
        }
        var scopes: [String] = []
        for scope in asked where (scope != "offline_access" || client.allows(.refreshToken)) && !scopes.contains(scope) { scopes.append(scope) }

        let nonce = query("nonce")
        if let nonce, nonce.utf8.count > maximumValueLength { throw fail(.invalidRequest, "nonce is too long.") }
        let challenge = query("code_challenge")
        let method = query("code_challenge_method")
        if let challenge {
            guard method == "S256" else { throw fail(.invalidRequest, "code_challenge_method must be S256.") }
            guard PKCE.isWellFormed(challenge) else { throw fail(.invalidRequest, "code_challenge is malformed.") }
        } else if method != nil {
            throw fail(.invalidRequest, "code_challenge_method without code_challenge.")
        } else if client.metadata.isPublic {
            throw fail(.invalidRequest, "A public client must send a PKCE code_challenge (S256).")
        }
        let prompts = Set((query("prompt") ?? "").split(separator: " ").map(String.init))
        guard prompts.isSubset(of: ["none", "login", "consent", "select_account"]) else {
            throw fail(.invalidRequest, "Unknown prompt value.")
        }
        guard !prompts.contains("none") || prompts.count == 1 else {
            throw fail(.invalidRequest, "prompt=none cannot be combined with other values.")
        }
        var maxAge: Int?
        if let raw = query("max_age") {
            guard let value = Int(raw), value >= 0 else { throw fail(.invalidRequest, "max_age must be a number of seconds.") }
            maxAge = value
        }
        let language = (query("ui_locales") ?? "").split(separator: " ").lazy.compactMap { Language(code: String($0)) }.first
        return AuthorizationRequest(
            clientID: client.clientID, redirectURI: redirectURI, scopes: scopes, state: state, nonce: nonce,
            codeChallenge: challenge, promptNone: prompts.contains("none"), promptLogin: prompts.contains("login"),
            maxAge: maxAge, language: language)
    }

    /// Whether a sign-in at `signedInAt` answers this request at `now` without signing in again.
    func accepts(signedInAt: Date, now: Date) -> Bool {
        if promptLogin { return false }
        if let maxAge { return now.timeIntervalSince(signedInAt) <= TimeInterval(maxAge) }
        return true
    }
}

/// An error sent back to the client's redirect URI (RFC 6749 §4.1.2.1) with `iss` (RFC 9207).
struct AuthorizationError: Error, Equatable {
    enum Code: String, Sendable {
        case invalidRequest = "invalid_request"
        case unsupportedResponseType = "unsupported_response_type"
        case invalidScope = "invalid_scope"
        case loginRequired = "login_required"
        case accessDenied = "access_denied"
        case requestNotSupported = "request_not_supported"
        case requestURINotSupported = "request_uri_not_supported"
        case serverError = "server_error"
    }

    var code: Code
    var description: String
    var state: String?
}

/// PKCE (RFC 7636) with S256, the only method served.
enum PKCE {
    /// 43 to 128 characters of `[A-Za-z0-9-._~]` (RFC 7636 §4.1/§4.2), for verifiers and challenges alike.
    static func isWellFormed(_ value: String) -> Bool {
        (43...128).contains(value.utf8.count) && value.utf8.allSatisfy { byte in
            (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
                || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
        }
    }

    /// Whether `verifier`'s S256 is `challenge`, compared in constant time.
    static func verifies(_ verifier: String, challenge: String) -> Bool {
        guard isWellFormed(verifier) else { return false }
        return ConstantTime.equals(OpaqueToken.sha256Base64URL(verifier), challenge)
    }
}
