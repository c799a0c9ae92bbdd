import Foundation
import JWT
import Vapor

/// The provider's public signing keys, read from its `jwks_uri` into `app.jwt.keys`.
///
/// A token signed with a key this app has not seen yet (the provider rotated its keys) makes it read the JWKS again
/// before giving up, so a rotation never signs anyone out; reads are at most one per `refreshInterval`, so a stream of
/// made-up key ids cannot turn this app into a flood of requests to the provider.
actor ProviderKeys {
    private let jwksURI: URI
    private let client: any Client
    private let keys: JWTKeyCollection
    private let refreshInterval: Duration
    private var known: Set<String> = []
    private var lastRead: ContinuousClock.Instant?

    init(jwksURI: String, client: any Client, keys: JWTKeyCollection, refreshInterval: Duration = .seconds(5)) {
        self.jwksURI = URI(string: jwksURI)
        self.client = client
        self.keys = keys
        self.refreshInterval = refreshInterval
    }

    /// Reads the key set now (at start-up, so a provider without usable keys is found before anyone signs in).
    func load() async throws {
        let response = try await client.get(jwksURI)
        guard response.status == .ok else {
            throw SignInError(.keys, "the JWKS at \(jwksURI) answered \(response.status.code)")
        }
        let jwks = try response.content.decode(JWKS.self, using: JSONDecoder())
        for jwk in jwks.keys {
            guard let kid = jwk.keyIdentifier?.string else { continue }
            try await keys.add(jwk: jwk)
            known.insert(kid)
        }
        lastRead = .now
    }

    /// Verifies `token`'s signature with the provider's key named by its `kid`, and decodes its claims; the payload's
    /// own `verify(using:)` runs too (expiry). The claims that need this app's context are ``IDToken/check(_:)``'s.
    func verify<Payload: JWTPayload>(_ token: String, as _: Payload.Type) async throws -> Payload {
        // jwt-kit falls back to its default key when a token names none or an unknown one: require a known kid here.
        let kid = try IDToken.keyID(of: token)
        if !known.contains(kid), lastRead.map({ ContinuousClock.now - $0 >= refreshInterval }) ?? true {
            try await load()
        }
        guard known.contains(kid) else {
            throw SignInError(.badToken, "the ID token names key \(kid), which the provider does not publish")
        }
        do {
            return try await keys.verify(token, as: Payload.self)
        } catch let error as JWTError {
            throw SignInError(.badToken, "the ID token failed verification: \(error.reason ?? "\(error.errorType)")")
        }
    }
}
