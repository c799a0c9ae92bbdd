import Fluent
import Foundation
import NIOHTTP1
import SQLKit
import Testing
import Vapor
@testable import LoginServer

/// Client registration (RFC 7591) at `/oauth/register` and the admin API for clients, end to end on the test
/// world's database (SQLite, or PostgreSQL with `TEST_DATABASE_URL`).
@Suite(.serialized) struct OIDCClientRegistrationTests {
    static let token = "admin-token-0123456789abcdef0123"
    static let confidential = #"{"client_name":"Shop","redirect_uris":["https://shop.example.com/cb","http://127.0.0.1:8080/cb"],"post_logout_redirect_uris":["https://shop.example.com/bye"],"grant_types":["authorization_code","refresh_token"]}"#
    static let publicClient = #"{"client_name":"SPA","redirect_uris":["http://localhost:3000/cb"],"token_endpoint_auth_method":"none"}"#

    static func send(_ world: LoginWorld, _ method: HTTPMethod, _ path: String, json: String? = nil,
                     token: String? = OIDCClientRegistrationTests.token, authorization: String? = nil) async throws -> Browser.Result {
        var headers = HTTPHeaders()
        if let authorization { headers.add(name: .authorization, value: authorization) }
        else if let token { headers.add(name: .authorization, value: "Bearer \(token)") }
        if json != nil { headers.add(name: .contentType, value: "application/json") }
        let response = try await world.server.testing().performTest(
            request: .init(method: method, url: .init(string: path), headers: headers, body: .init(string: json ?? "")))
        return Browser.Result(status: Int(response.status.code), headers: response.headers,
                              body: String(buffer: response.body), url: path)
    }

    static func withWorld(_ body: (LoginWorld) async throws -> Void) async throws {
        try await LoginWorld.with(adjust: { $0.adminToken = OIDCClientRegistrationTests.token }, body)
    }

    @Test func registersAConfidentialClientAndShowsTheSecretOnce() async throws {
        try await Self.withWorld { world in
            let registered = try await Self.send(world, .POST, "/oauth/register", json: Self.confidential)
            #expect(registered.status == 201, "\(registered.body)")
            #expect(registered.headers.first(name: .cacheControl) == "no-store")
            let json = registered.json
            let clientID = try #require(json["client_id"] as? String)
            let secret = try #require(json["client_secret"] as? String)
            #expect(secret.count == 43 && clientID.count == 22)
            #expect(json["client_secret_expires_at"] as? Int == 0)
            let issued = try #require(json["client_id_issued_at"] as? Int)
            #expect(abs(Double(issued) - world.clock.now().timeIntervalSince1970) < 2)
            #expect(json["token_endpoint_auth_method"] as? String == "client_secret_basic")
            #expect(json["grant_types"] as? [String] == ["authorization_code", "refresh_token"])
            #expect(json["response_types"] as? [String] == ["code"])
            #expect(json["scope"] as? String == "openid profile email phone offline_access")
            #expect(json["redirect_uris"] as? [String] == ["https://shop.example.com/cb", "http://127.0.0.1:8080/cb"])
            #expect(json["post_logout_redirect_uris"] as? [String] == ["https://shop.example.com/bye"])

            // The table holds the secret's SHA-256 and nothing else of it; no read shows it again.
            let rows = try await world.server.db.sql().raw("SELECT * FROM oidc_clients").all()
            #expect(rows.count == 1)
            let hash = try rows[0].decode(column: "secret_hash", as: String.self)
            #expect(hash == ClientSecret.hash(secret))
            for column in rows[0].allColumns {
                #expect((try? rows[0].decode(column: column, as: String.self))?.contains(secret) != true, "\(column)")
            }
            let shown = try await Self.send(world, .GET, "/api/admin/oidc-clients/\(clientID)")
            #expect(shown.status == 200)
            #expect(!shown.body.contains(secret) && !shown.body.contains(hash))
            #expect(shown.json["client_secret"] == nil && shown.json["status"] as? String == "active")
            let listed = try await Self.send(world, .GET, "/api/admin/oidc-clients")
            #expect((listed.json["clients"] as? [[String: Any]])?.map { $0["client_id"] as? String } == [clientID])
            #expect(!listed.body.contains(secret) && !listed.body.contains(hash))
            #expect(!world.logs.all.contains { $0.contains(secret) }, "the secret reached the log")
        }
    }

    @Test func registersAPublicClientWithoutASecret() async throws {
        try await Self.withWorld { world in
            let registered = try await Self.send(world, .POST, "/oauth/register", json: Self.publicClient)
            #expect(registered.status == 201)
            #expect(registered.json["client_secret"] == nil && registered.json["client_secret_expires_at"] == nil)
            #expect(registered.json["token_endpoint_auth_method"] as? String == "none")
            let clientID = try #require(registered.json["client_id"] as? String)
            let client = try await world.services.oidcClients.authenticate(.none(clientID: clientID), on: world.server.db)
            #expect(client.metadata.isPublic && client.secretHash == nil)
            // A public client has no secret to rotate.
            #expect(try await Self.send(world, .POST, "/api/admin/oidc-clients/\(clientID)/secret").status == 409)
        }
    }

    @Test func refusesInvalidMetadataInOAuthsShape() async throws {
        try await Self.withWorld { world in
            for (body, code) in [
                (#"{"redirect_uris":["http://shop.example.com/cb"]}"#, "invalid_redirect_uri"),
                (#"{"redirect_uris":["https://shop.example.com/cb#x"]}"#, "invalid_redirect_uri"),
                (#"{"client_name":"x"}"#, "invalid_redirect_uri"),
                (#"{"redirect_uris":["https://a.example/cb"],"token_endpoint_auth_method":"client_secret_jwt"}"#, "invalid_client_metadata"),
                (#"{"redirect_uris":["https://a.example/cb"],"scope":"email"}"#, "invalid_client_metadata"),
                (#"{"redirect_uris":"https://a.example/cb"}"#, "invalid_client_metadata"),
                ("{", "invalid_client_metadata"),
                ("", "invalid_client_metadata"),
            ] {
                let refused = try await Self.send(world, .POST, "/oauth/register", json: body)
                #expect(refused.status == 400, "\(body)")
                #expect(refused.json["error"] as? String == code, "\(body): \(refused.body)")
                #expect((refused.json["error_description"] as? String)?.isEmpty == false)
                #expect(refused.headers.first(name: .cacheControl) == "no-store")
            }
            #expect(try await world.server.db.sql().raw("SELECT COUNT(*) AS n FROM oidc_clients").first()?
                .decode(column: "n", as: Int.self) == 0, "a refused registration wrote a row")
        }
    }

    @Test func registrationNeedsTheInitialAccessToken() async throws {
        try await Self.withWorld { world in
            let missing = try await Self.send(world, .POST, "/oauth/register", json: Self.publicClient, token: nil)
            #expect(missing.status == 401)
            #expect(missing.headers.first(name: .wwwAuthenticate) == "Bearer")
            #expect(missing.json["error"] as? String == "invalid_token")
            let wrong = try await Self.send(world, .POST, "/oauth/register", json: Self.publicClient, token: Self.token + "x")
            #expect(wrong.status == 401)
            #expect(wrong.headers.first(name: .wwwAuthenticate) == #"Bearer error="invalid_token""#)
            let basic = try await Self.send(world, .POST, "/oauth/register", json: Self.publicClient,
                                            authorization: "Basic " + Data("a:\(Self.token)".utf8).base64EncodedString())
            #expect(basic.status == 401)
            #expect(try await Self.send(world, .GET, "/api/admin/oidc-clients", token: nil).status == 401)
            #expect(try await world.server.db.sql().raw("SELECT COUNT(*) AS n FROM oidc_clients").first()?
                .decode(column: "n", as: Int.self) == 0)
        }
    }

    @Test func closedWithoutAnAdminToken() async throws {
        try await LoginWorld.with { world in
            let register = try await Self.send(world, .POST, "/oauth/register", json: Self.publicClient)
            #expect(register.status == 404)
            let list = try await Self.send(world, .GET, "/api/admin/oidc-clients")
            #expect(list.status == 404)
        }
    }

    /// The token endpoint's check: Basic (form-urlencoded), post, or none, each only as registered; revoked and
    /// unknown clients and wrong secrets are refused alike.
    @Test func authenticatesClientsAsRegistered() async throws {
        try await Self.withWorld { world in
            let clients = world.services.oidcClients, db = world.server.db
            let registered = try await Self.send(world, .POST, "/oauth/register", json: Self.confidential)
            let id = try #require(registered.json["client_id"] as? String)
            let secret = try #require(registered.json["client_secret"] as? String)
            let header = "Basic " + Data("\(id):\(secret)".utf8).base64EncodedString()
            let basic = try ClientCredentials.read(authorization: header, form: ["grant_type": "authorization_code"])
            #expect(try await clients.authenticate(basic, on: db).clientID == id)
            await #expect(throws: ClientAuthenticationError(.wrongMethod)) {
                try await clients.authenticate(.post(clientID: id, secret: secret), on: db)
            }
            await #expect(throws: ClientAuthenticationError(.wrongMethod)) {
                try await clients.authenticate(.none(clientID: id), on: db)
            }
            await #expect(throws: ClientAuthenticationError(.wrongSecret)) {
                try await clients.authenticate(.basic(clientID: id, secret: secret + "x"), on: db)
            }
            await #expect(throws: ClientAuthenticationError(.unknownClient)) {
                try await clients.authenticate(.basic(clientID: "nobody", secret: secret), on: db)
            }
            #expect(try await clients.activeClient(id, on: db)?.allowsRedirect(to: "https://shop.example.com/cb") == true)

            let post = try await Self.send(world, .POST, "/oauth/register",
                                           json: #"{"redirect_uris":["https://a.example/cb"],"token_endpoint_auth_method":"client_secret_post"}"#)
            let postID = try #require(post.json["client_id"] as? String)
            let postSecret = try #require(post.json["client_secret"] as? String)
            #expect(try await clients.authenticate(.post(clientID: postID, secret: postSecret), on: db).clientID == postID)
            await #expect(throws: ClientAuthenticationError(.wrongMethod)) {
                try await clients.authenticate(.basic(clientID: postID, secret: postSecret), on: db)
            }

            // Revoked: gone for the lookup and for authentication, at once; the row stays, marked; revoking is idempotent.
            #expect(try await Self.send(world, .DELETE, "/api/admin/oidc-clients/\(id)").status == 204)
            #expect(try await Self.send(world, .DELETE, "/api/admin/oidc-clients/\(id)").status == 204)
            #expect(try await clients.activeClient(id, on: db) == nil)
            await #expect(throws: ClientAuthenticationError(.revoked)) { try await clients.authenticate(basic, on: db) }
            let shown = try await Self.send(world, .GET, "/api/admin/oidc-clients/\(id)")
            #expect(shown.json["status"] as? String == "revoked" && shown.json["revoked_at"] is String)
            #expect(try await Self.send(world, .POST, "/api/admin/oidc-clients/\(id)/secret").status == 409)
            #expect(try await Self.send(world, .PUT, "/api/admin/oidc-clients/\(id)", json: Self.confidential).status == 409)
        }
    }

    @Test func adminUpdatesWithTheSameRules() async throws {
        try await Self.withWorld { world in
            let registered = try await Self.send(world, .POST, "/oauth/register", json: Self.confidential)
            let id = try #require(registered.json["client_id"] as? String)
            let secret = try #require(registered.json["client_secret"] as? String)
            world.clock.advance(by: 60)
            let updated = try await Self.send(world, .PUT, "/api/admin/oidc-clients/\(id)",
                json: #"{"client_name":"Shop 2","redirect_uris":["https://shop.example.com/new"],"token_endpoint_auth_method":"client_secret_post","scope":"openid wechat"}"#)
            #expect(updated.status == 200, "\(updated.body)")
            #expect(updated.json["redirect_uris"] as? [String] == ["https://shop.example.com/new"])
            #expect(updated.json["scope"] as? String == "openid wechat")
            #expect(updated.json["updated_at"] as? String != updated.json["created_at"] as? String)
            let client = try #require(try await world.services.oidcClients.activeClient(id, on: world.server.db))
            #expect(!client.allowsRedirect(to: "https://shop.example.com/cb"))
            // The secret survives a metadata update.
            #expect(try await world.services.oidcClients.authenticate(.post(clientID: id, secret: secret), on: world.server.db).clientID == id)

            let invalid = try await Self.send(world, .PUT, "/api/admin/oidc-clients/\(id)", json: #"{"redirect_uris":["https://x.example/*"]}"#)
            #expect(invalid.status == 400)
            #expect(invalid.json["error"] as? Bool == true)
            #expect((invalid.json["reason"] as? String)?.hasPrefix("invalid_redirect_uri") == true)
            let toPublic = try await Self.send(world, .PUT, "/api/admin/oidc-clients/\(id)", json: Self.publicClient)
            #expect(toPublic.status == 409)
            #expect(try await Self.send(world, .PUT, "/api/admin/oidc-clients/nope", json: Self.confidential).status == 404)
            #expect(try await Self.send(world, .GET, "/api/admin/oidc-clients/nope").status == 404)
            #expect(try await Self.send(world, .DELETE, "/api/admin/oidc-clients/nope").status == 404)
            #expect(try await Self.send(world, .POST, "/api/admin/oidc-clients/nope/secret").status == 404)
            let after = try #require(try await world.services.oidcClients.activeClient(id, on: world.server.db))
            #expect(after.metadata.redirectURIs == ["https://shop.example.com/new"], "a refused update changed the client")
        }
    }

    @Test func rotatingASecretStopsTheOldOneAtOnce() async throws {
        try await Self.withWorld { world in
            let clients = world.services.oidcClients, db = world.server.db
            let registered = try await Self.send(world, .POST, "/oauth/register", json: Self.confidential)
            let id = try #require(registered.json["client_id"] as? String)
            let old = try #require(registered.json["client_secret"] as? String)
            let rotated = try await Self.send(world, .POST, "/api/admin/oidc-clients/\(id)/secret")
            #expect(rotated.status == 200)
            #expect(rotated.headers.first(name: .cacheControl) == "no-store")
            let new = try #require(rotated.json["client_secret"] as? String)
            #expect(new != old)
            #expect(try await clients.authenticate(.basic(clientID: id, secret: new), on: db).clientID == id)
            await #expect(throws: ClientAuthenticationError(.wrongSecret)) {
                try await clients.authenticate(.basic(clientID: id, secret: old), on: db)
            }
            #expect(!world.logs.all.contains { $0.contains(new) } && !world.logs.all.contains { $0.contains(old) })
        }
    }

    /// Two rotations at once: each answer's secret was the stored one when it was written, and afterwards exactly
    /// one secret works — the table holds one hash, replaced by one statement each.
    @Test func concurrentRotationsLeaveExactlyOneValidSecret() async throws {
        try await Self.withWorld { world in
            let clients = world.services.oidcClients, db = world.server.db
            let registered = try await Self.send(world, .POST, "/oauth/register", json: Self.confidential)
            let id = try #require(registered.json["client_id"] as? String)
            let old = try #require(registered.json["client_secret"] as? String)
            for _ in 0..<5 {
                async let first = Self.send(world, .POST, "/api/admin/oidc-clients/\(id)/secret")
                async let second = Self.send(world, .POST, "/api/admin/oidc-clients/\(id)/secret")
                let answers = try await [first, second]
                #expect(answers.map(\.status) == [200, 200])
                let secrets = answers.compactMap { $0.json["client_secret"] as? String } + [old]
                var valid = 0
                for secret in secrets {
                    if (try? await clients.authenticate(.basic(clientID: id, secret: secret), on: db)) != nil { valid += 1 }
                }
                #expect(valid == 1, "\(valid) secrets work after two concurrent rotations")
            }
        }
    }

    /// Real answers of the new operations match the served OpenAPI document.
    @Test func answersMatchTheOpenAPIDocument() async throws {
        try await Self.withWorld { world in
            let contract = try await OpenAPIDocumentTests.served(world)
            var problems: [String] = []
            func check(_ method: String, _ template: String, _ result: Browser.Result) {
                problems += contract.problems(method, template, status: result.status,
                                              headers: result.headers.map { ($0.name, $0.value) }, body: result.body)
            }
            let registered = try await Self.send(world, .POST, "/oauth/register", json: Self.confidential)
            check("POST", "/oauth/register", registered)
            check("POST", "/oauth/register", try await Self.send(world, .POST, "/oauth/register", json: Self.publicClient))
            check("POST", "/oauth/register", try await Self.send(world, .POST, "/oauth/register", json: "{}"))
            check("POST", "/oauth/register", try await Self.send(world, .POST, "/oauth/register", json: Self.publicClient, token: nil))
            let id = try #require(registered.json["client_id"] as? String)
            let one = "/api/admin/oidc-clients/{clientID}"
            check("GET", "/api/admin/oidc-clients", try await Self.send(world, .GET, "/api/admin/oidc-clients"))
            check("GET", "/api/admin/oidc-clients", try await Self.send(world, .GET, "/api/admin/oidc-clients", token: nil))
            check("GET", one, try await Self.send(world, .GET, "/api/admin/oidc-clients/\(id)"))
            check("GET", one, try await Self.send(world, .GET, "/api/admin/oidc-clients/nope"))
            check("PUT", one, try await Self.send(world, .PUT, "/api/admin/oidc-clients/\(id)", json: Self.confidential))
            check("PUT", one, try await Self.send(world, .PUT, "/api/admin/oidc-clients/\(id)", json: "[]"))
            check("PUT", one, try await Self.send(world, .PUT, "/api/admin/oidc-clients/\(id)", json: Self.publicClient))
            check("POST", "\(one)/secret", try await Self.send(world, .POST, "/api/admin/oidc-clients/\(id)/secret"))
            check("DELETE", one, try await Self.send(world, .DELETE, "/api/admin/oidc-clients/\(id)"))
            check("DELETE", one, try await Self.send(world, .DELETE, "/api/admin/oidc-clients/nope"))
            check("POST", "\(one)/secret", try await Self.send(world, .POST, "/api/admin/oidc-clients/\(id)/secret"))
            check("GET", one, try await Self.send(world, .GET, "/api/admin/oidc-clients/\(id)"))
            #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        }
    }
}
