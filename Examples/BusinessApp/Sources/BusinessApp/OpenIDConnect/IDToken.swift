import Foundation
import JWT

/// The ID token's claims (OpenID Connect Core §2) that this app checks; the home page shows all of them from the raw payload.
struct IDToken: JWTPayload {
    var iss: IssuerClaim
    var sub: SubjectClaim
    var aud: AudienceClaim
    var exp: ExpirationClaim
    var iat: IssuedAtClaim
    var nonce: String?
    var azp: String?

    /// Runs inside `verify` after the signature is checked: the token has not expired.
    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
    }

    /// What the token must say for this sign-in (Core §3.1.3.7): our provider issued it, for us, for the request
    /// this browser started (the nonce kept in its session).
    struct Expected: Sendable {
        var issuer: String
        var clientID: String
        var nonce: String
    }

    /// Checks `iss`, `aud`, `azp` (when present, and required when there are several audiences) and `nonce`.
    func check(_ expected: Expected) throws {
        guard iss.value == expected.issuer else {
            throw SignInError(.badToken, "the ID token's iss is not the provider's issuer")
        }
        guard aud.value.contains(expected.clientID) else {
            throw SignInError(.badToken, "the ID token's aud does not include this app's client_id")
        }
        if aud.value.count > 1 || azp != nil {
            guard azp == expected.clientID else {
                throw SignInError(.badToken, "the ID token's azp is not this app's client_id")
            }
        }
        guard let nonce, Constant.equal(nonce, expected.nonce) else {
            throw SignInError(.badToken, "the ID token's nonce is not the one this browser's sign-in sent")
        }
    }

    /// The `kid` in a compact JWS's protected header; a token without one is refused.
    static func keyID(of token: String) throws -> String {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let header = Base64URL.decode(String(parts[0])),
              let fields = try? JSONDecoder().decode(Header.self, from: header) else {
            throw SignInError(.badToken, "the ID token is not a compact JWS")
        }
        guard let kid = fields.kid, !kid.isEmpty else {
            throw SignInError(.badToken, "the ID token's header names no key (kid)")
        }
        return kid
    }

    /// Every claim of a token's payload as display strings, sorted by name; only for tokens already verified.
    static func displayClaims(of token: String) -> [[String]] {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let payload = Base64URL.decode(String(parts[1])) else { return [] }
        return Claims.display(json: payload)
    }

    private struct Header: Decodable {
        var kid: String?
    }
}
