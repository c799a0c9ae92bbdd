import Fluent
import Foundation
import SQLKit
import Testing
@testable import LoginServer

/// `id_token_signed_response_alg` (Dynamic Client Registration §2): a client picks RS256 (the default) or ES256 for
/// its ID tokens at registration or in an admin update; the token endpoint signs the code's and the refresh's ID
/// tokens with it, and an independent verifier accepts them against the published JWK. Access tokens stay RS256.
/// On SQLite, or PostgreSQL with `TEST_DATABASE_URL`.
@Suite(.serialized) struct OIDCIDTokenAlgorithmTests {
    static let scope = "openid profile offline_access"
    static func metadata(alg: String?) -> String {
        let field = alg.map { #","id_token_signed_response_alg":"\#($0)""# } ?? ""
        return #"{"redirect_uris":["https://shop.example.com/cb"],"grant_types":["authorization_code","refresh_token"],"scope":"openid profile offline_access"\#(field)}"#
    }

    /// Registers through `/oauth/register` and signs a new person in: the client and its code's token response.
    static func signIn(_ world: LoginWorld, alg: String?, contact: String) async throws -> (TestRelyingParty, Browser.Result, [String: Any]) {
        let registered = try await OIDCClientRegistrationTests.send(world, .POST, "/oauth/register", json: metadata(alg: alg))
        #expect(registered.status == 201, "\(registered.body)")
        let client = TestRelyingParty(clientID: try #require(registered.json["client_id"] as? String),
                                      secret: registered.json["client_secret"] as? String,
                                      redirectURI: TestRelyingParty.redirectURI)
        let answer = try client.answer(try await world.browser().firstSignIn(
            client, as: "u1", contact: contact, url: client.authorizeURL(scope: scope)))
        let token = try await client.redeem(world, code: try #require(answer["code"]))
        #expect(token.status == 200, "\(token.body)")
        return (client, registered, token.json)
    }

    /// The ID token's header `alg`, after an independent verifier checked it against `/oauth/jwks` and the key it
    /// names is of that algorithm.
    static func verifiedAlg(_ world: LoginWorld, _ response: [String: Any], key: String = "id_token") async throws -> String {
        let token = try #require(response[key] as? String)
        let jwks = try await world.browser().get("\(LoginWorld.serverBase)/oauth/jwks").body
        let verified = try PythonJWSVerifier.verify(token, jwks: jwks)
        let kid = try #require(try JWS.parse(token).header.kid)
        let keys = try #require(try JSONSerialization.jsonObject(with: Data(jwks.utf8)) as? [String: Any])["keys"] as? [[String: Any]]
        let published = try #require(keys?.first { $0["kid"] as? String == kid })
        #expect(published["alg"] as? String == verified.alg)
        #expect(published["kty"] as? String == (verified.alg == "ES256" ? "EC" : "RSA"))
        return verified.alg
    }

    @Test func anES256ClientGetsES256IDTokensThatVerifyAgainstThePublishedKey() async throws {
        try await OIDCClientRegistrationTests.withWorld { world in
            let (client, registered, first) = try await Self.signIn(world, alg: "ES256", contact: "13800138201")
            #expect(registered.json["id_token_signed_response_alg"] as? String == "ES256")
            #expect(try await Self.verifiedAlg(world, first) == "ES256")
            #expect(try await Self.verifiedAlg(world, first, key: "access_token") == "RS256", "access tokens stay RS256")
            let claims = try await world.services.signingKeys.verify(try #require(first["id_token"] as? String))
                .claims(as: IDTokenClaims.self)
            let accessToken = try #require(first["access_token"] as? String)
            #expect(claims.aud == client.clientID && claims.at_hash == OpaqueToken.leftHalfHash(accessToken))

            let refreshed = try await client.refresh(world, token: try #require(first["refresh_token"] as? String))
            #expect(refreshed.status == 200, "\(refreshed.body)")
            #expect(try await Self.verifiedAlg(world, refreshed.json) == "ES256")
            let shown = try await OIDCClientRegistrationTests.send(world, .GET, "/api/admin/oidc-clients/\(client.clientID)")
            #expect(shown.json["id_token_signed_response_alg"] as? String == "ES256")
        }
    }

    @Test func theDefaultStaysRS256() async throws {
        try await OIDCClientRegistrationTests.withWorld { world in
            let (client, registered, first) = try await Self.signIn(world, alg: nil, contact: "13800138202")
            #expect(registered.json["id_token_signed_response_alg"] as? String == "RS256")
            #expect(try await Self.verifiedAlg(world, first) == "RS256")
            let refreshed = try await client.refresh(world, token: try #require(first["refresh_token"] as? String))
            #expect(try await Self.verifiedAlg(world, refreshed.json) == "RS256")
        }
    }

    @Test(arguments: [#""none""#, #""HS256""#, #""RS512""#, #""ES384""#, #""es256""#, #""""#, "256"])
    func otherAlgorithmsAreRefusedAndNothingChanges(_ value: String) async throws {
        try await OIDCClientRegistrationTests.withWorld { world in
            let body = #"{"redirect_uris":["https://shop.example.com/cb"],"id_token_signed_response_alg":\#(value)}"#
            let refused = try await OIDCClientRegistrationTests.send(world, .POST, "/oauth/register", json: body)
            #expect(refused.status == 400, "\(refused.body)")
            #expect(refused.json["error"] as? String == "invalid_client_metadata")
            #expect((refused.json["error_description"] as? String)?.contains("id_token_signed_response_alg") == true,
                    "\(refused.body)")
            #expect(try await world.server.db.sql().raw("SELECT COUNT(*) AS n FROM oidc_clients").first()?
                .decode(column: "n", as: Int.self) == 0, "a refused registration wrote a row")

            let registered = try await OIDCClientRegistrationTests.send(world, .POST, "/oauth/register", json: Self.metadata(alg: "ES256"))
            let id = try #require(registered.json["client_id"] as? String)
            let update = try await OIDCClientRegistrationTests.send(world, .PUT, "/api/admin/oidc-clients/\(id)", json: body)
            #expect(update.status == 400 && update.json["error"] as? Bool == true)
            #expect((update.json["reason"] as? String)?.hasPrefix("invalid_client_metadata") == true, "\(update.body)")
            let client = try #require(try await world.services.oidcClients.activeClient(id, on: world.server.db))
            #expect(client.metadata.idTokenAlgorithm == .es256 && client.metadata.grantTypes.contains(.refreshToken),
                    "a refused update changed the client")
        }
    }

    @Test func anUpdatedClientsNextIDTokenUsesTheNewAlgorithm() async throws {
        try await OIDCClientRegistrationTests.withWorld { world in
            let (client, _, first) = try await Self.signIn(world, alg: nil, contact: "13800138203")
            #expect(try await Self.verifiedAlg(world, first) == "RS256")

            let updated = try await OIDCClientRegistrationTests.send(
                world, .PUT, "/api/admin/oidc-clients/\(client.clientID)", json: Self.metadata(alg: "ES256"))
            #expect(updated.status == 200, "\(updated.body)")
            #expect(updated.json["id_token_signed_response_alg"] as? String == "ES256")
            let second = try await client.refresh(world, token: try #require(first["refresh_token"] as? String))
            #expect(second.status == 200, "\(second.body)")
            #expect(try await Self.verifiedAlg(world, second.json) == "ES256")

            // Omitted, the field takes its default again, as every field of an update does.
            let back = try await OIDCClientRegistrationTests.send(
                world, .PUT, "/api/admin/oidc-clients/\(client.clientID)", json: Self.metadata(alg: nil))
            #expect(back.json["id_token_signed_response_alg"] as? String == "RS256")
            let third = try await client.refresh(world, token: try #require(second.json["refresh_token"] as? String))
            #expect(try await Self.verifiedAlg(world, third.json) == "RS256")
        }
    }

    @Test func discoveryListsRS256FirstThenES256() async throws {
        try await LoginWorld.with { world in
            let discovery = try await world.browser().get("\(LoginWorld.serverBase)/.well-known/openid-configuration")
            #expect(discovery.json["id_token_signing_alg_values_supported"] as? [String] == ["RS256", "ES256"])
        }
    }

    /// A client registered before the column existed reads as RS256: the migration's default fills the row.
    @Test func aRowWithoutTheColumnReadsAsRS256() async throws {
        try await LoginWorld.with { world in
            try await world.server.db.sql().raw("""
                INSERT INTO oidc_clients (id, client_id, client_name, redirect_uris, post_logout_redirect_uris,
                    token_endpoint_auth_method, grant_types, response_types, scope, secret_hash, created_at, updated_at)
                VALUES (\(bind: UUID()), 'old-client', NULL, '["https://shop.example.com/cb"]', '[]', 'none',
                    '["authorization_code"]', '["code"]', 'openid', NULL, \(bind: Date()), \(bind: Date()))
                """).run()
            let client = try #require(try await OIDCClientStore(database: world.server.db).find("old-client"))
            #expect(client.metadata.idTokenAlgorithm == .rs256)
        }
    }
}
