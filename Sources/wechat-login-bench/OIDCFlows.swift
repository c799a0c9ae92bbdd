import Crypto
import Foundation

/// A business's app signing a person in through the login server's OpenID Connect provider: what the app's
/// browser does (the authorization request, the WeChat sign-in, the way back with a code) and what its back end
/// does (the token request with its secret, userinfo), every answer checked as a client library would — except the
/// ID token's signature, which is the client library's work, not the load's (the tests verify it against the JWKS).
struct OIDCFlows: Sendable {
    let logins: LoginFlows
    let client: RegisteredClient

    /// A confidential client (`client_secret_basic`) registered for the run.
    struct RegisteredClient: Sendable {
        let id: String
        let secret: String
        /// Registered, never fetched: the harness reads the code from the `Location` header, as the app's callback would.
        let redirectURI: String
    }

    static let scope = "openid profile"

    /// The issuer is the server's `PUBLIC_URL`, which the harness sets to its loopback address.
    var issuer: String { logins.target }

    /// Registers the client at `/oauth/register`, with the admin token as the initial access token (RFC 7591).
    static func register(at target: String, client: BenchClient) async throws -> RegisteredClient {
        let redirectURI = "http://127.0.0.1:9/bench/callback"
        let body = #"{"client_name":"wechat-login-bench","redirect_uris":["\#(redirectURI)"],"#
            + #""token_endpoint_auth_method":"client_secret_basic","scope":"\#(scope)"}"#
        let answer = try await client.json(.POST, target + "/oauth/register", body: body, bearer: BenchEnvironment.adminToken)
        guard let object = answer as? [String: Any], let id = object["client_id"] as? String,
              let secret = object["client_secret"] as? String else {
            throw BenchFailure("/oauth/register answered without client_id and client_secret")
        }
        return RegisteredClient(id: id, secret: secret, redirectURI: redirectURI)
    }

    /// One complete sign-in in a fresh browser: `/oauth/authorize` (PKCE S256, state, nonce) → the WeChat sign-in →
    /// `/oauth/authorize/continue` → the redirect with `code` → `/oauth/token` → `/oauth/userinfo`. `user`'s identity
    /// is already bound (`signInAndBind`), so no binding step.
    func signIn(_ flow: LoginFlows.Flow, as user: String) async throws {
        let verifier = Self.randomToken(), state = Self.randomToken(), nonce = Self.randomToken()
        let challenge = Self.base64URL(Data(SHA256.hash(data: Data(verifier.utf8))))
        let query = FormEncoding.encode([
            "response_type": "code", "client_id": client.id, "redirect_uri": client.redirectURI, "scope": Self.scope,
            "state": state, "nonce": nonce, "code_challenge": challenge, "code_challenge_method": "S256",
        ])
        var jar = CookieJar()
        let agent = [("User-Agent", LoginFlows.agent(flow))]
        let authorize = try await logins.client.request(.GET, issuer + "/oauth/authorize?" + query, headers: agent)
        jar.take(authorize)
        guard (300..<400).contains(authorize.status), let login = authorize.location, login.hasPrefix("/login?") else {
            throw BenchFailure("/oauth/authorize answered \(authorize.status) \(authorize.location ?? "") \(authorize.body.prefix(120))")
        }
        let resume = try await logins.signIn(flow, as: user, from: login, jar: &jar, landing: ["/oauth/authorize/continue?"])
        let back = try await logins.client.request(.GET, issuer + resume, headers: agent + [("Cookie", jar.header)])
        guard (300..<400).contains(back.status), let location = back.location,
              location.hasPrefix(client.redirectURI + "?") else {
            throw BenchFailure("/oauth/authorize/continue answered \(back.status) \(back.location ?? "") \(back.body.prefix(120))")
        }
        guard let code = LoginFlows.query(location, "code"), !code.isEmpty,
              LoginFlows.query(location, "state") == state, LoginFlows.query(location, "iss") == issuer else {
            throw BenchFailure("the redirect lacks the code, or its state or iss differs: \(LoginFlows.query(location, "error") ?? "")")
        }
        let tokens = try await redeem(code, verifier: verifier)
        guard let idToken = tokens["id_token"] as? String, let claims = Self.payload(idToken),
              let sub = claims["sub"] as? String, !sub.isEmpty, claims["iss"] as? String == issuer,
              claims["aud"] as? String == client.id, claims["nonce"] as? String == nonce else {
            throw BenchFailure("the ID token's payload lacks sub, or its iss, aud or nonce differs")
        }
        guard let accessToken = tokens["access_token"] as? String else { throw BenchFailure("no access_token") }
        let info = try await logins.client.request(.GET, issuer + "/oauth/userinfo",
                                                   headers: [("Authorization", "Bearer \(accessToken)")])
        guard info.status == 200,
              let object = try? JSONSerialization.jsonObject(with: Data(info.body.utf8)) as? [String: Any],
              object["sub"] as? String == sub else {
            throw BenchFailure("/oauth/userinfo answered \(info.status), or a sub other than the ID token's")
        }
    }

    /// The app's back end: `grant_type=authorization_code` with `client_secret_basic` (RFC 6749 §2.3.1).
    private func redeem(_ code: String, verifier: String) async throws -> [String: Any] {
        let basic = Data("\(FormEncoding.escape(client.id)):\(FormEncoding.escape(client.secret))".utf8).base64EncodedString()
        let form = FormEncoding.encode([
            "grant_type": "authorization_code", "code": code, "redirect_uri": client.redirectURI, "code_verifier": verifier,
        ])
        let answer = try await logins.client.request(.POST, issuer + "/oauth/token", headers: [("Authorization", "Basic \(basic)")],
                                                     body: form, contentType: "application/x-www-form-urlencoded")
        guard answer.status == 200,
              let tokens = try? JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any],
              (tokens["token_type"] as? String)?.lowercased() == "bearer",
              tokens["access_token"] is String, tokens["id_token"] is String else {
            throw BenchFailure("/oauth/token answered \(answer.status) \(answer.body.prefix(160))")
        }
        return tokens
    }

    /// A JWS's claims, decoded without checking the signature.
    static func payload(_ jws: String) -> [String: Any]? {
        let parts = jws.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        var base64 = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64) else { return nil }
        return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    }

    /// 256 random bits, base64url: a PKCE verifier (43 characters, RFC 7636 §4.1), a state, a nonce.
    static func randomToken() -> String {
        base64URL(SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
