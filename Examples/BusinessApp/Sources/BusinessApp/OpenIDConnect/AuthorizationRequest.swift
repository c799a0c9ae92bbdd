import Vapor
import Foundation

/// One sign-in's secrets, made when the person clicks "sign in" and kept in their session until the provider sends
/// them back: `state` ties the answer to this browser, `nonce` ties the ID token to this request, and the PKCE
/// verifier (RFC 7636) makes a stolen code worthless to anyone else.
struct PendingSignIn: Codable, Sendable, Equatable {
    var state: String
    var nonce: String
    var codeVerifier: String

    /// Fresh random values (32 bytes each, base64url).
    static func make() -> Self {
        Self(state: random(), nonce: random(), codeVerifier: random())
    }

    /// The S256 code challenge: base64url(SHA-256(verifier)) (RFC 7636 §4.2).
    var codeChallenge: String {
        Base64URL.encode(Data(SHA256.hash(data: Data(codeVerifier.utf8))))
    }

    /// The authorization request (Core §3.1.2.1), built as a value: nothing here talks to the network.
    func authorizationURL(endpoint: String, clientID: String, redirectURI: String, scope: String) -> String {
        var components = URLComponents(string: endpoint) ?? URLComponents()
        components.queryItems = (components.queryItems ?? []) + [
            URLQueryItem(name: "response_type", value: "code"),
            URLQueryItem(name: "client_id", value: clientID),
            URLQueryItem(name: "redirect_uri", value: redirectURI),
            URLQueryItem(name: "scope", value: scope),
            URLQueryItem(name: "state", value: state),
            URLQueryItem(name: "nonce", value: nonce),
            URLQueryItem(name: "code_challenge", value: codeChallenge),
            URLQueryItem(name: "code_challenge_method", value: "S256"),
        ]
        // URLComponents leaves `+` alone in queries, which a server reads as a space.
        components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        return components.string ?? endpoint
    }

    private static func random() -> String {
        Base64URL.encode(SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })
    }
}
