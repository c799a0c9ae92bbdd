import Foundation
import NIOHTTP1
import Testing
import Vapor
import VaporTesting
@testable import LoginServer

/// A client app of the OpenID Connect provider, as the tests play it: registered through the service, it builds
/// authorization URLs, reads the redirect, and calls the token and userinfo endpoints.
struct TestRelyingParty {
    let clientID: String
    let secret: String?
    let redirectURI: String

    static let redirectURI = "https://shop.example.com/cb"

    static func register(_ world: LoginWorld, method: ClientMetadata.AuthMethod = .clientSecretBasic,
                         scopes: [String] = ["openid", "profile", "email", "phone", "wechat"],
                         redirectURI: String = TestRelyingParty.redirectURI,
                         grantTypes: [ClientMetadata.GrantType] = [.authorizationCode],
                         postLogoutRedirectURIs: [String] = []) async throws -> TestRelyingParty {
        let metadata = ClientMetadata(clientName: "Shop", redirectURIs: [redirectURI], postLogoutRedirectURIs: postLogoutRedirectURIs,
                                      authMethod: method, grantTypes: grantTypes, scopes: scopes)
        let registered = try await world.services.oidcClients.register(metadata, on: world.server.db)
        return TestRelyingParty(clientID: registered.client.clientID, secret: registered.secret, redirectURI: redirectURI)
    }

    /// `/oauth/authorize` with these parameters (nil drops one).
    func authorizeURL(scope: String? = "openid profile email phone wechat", state: String? = "st-123",
                      nonce: String? = "n-456", challenge: String? = nil, extra: [(String, String)] = [],
                      redirectURI: String? = nil, clientID: String? = nil) -> String {
        var items: [(String, String)] = [("response_type", "code"), ("client_id", clientID ?? self.clientID),
                                         ("redirect_uri", redirectURI ?? self.redirectURI)]
        if let scope { items.append(("scope", scope)) }
        if let state { items.append(("state", state)) }
        if let nonce { items.append(("nonce", nonce)) }
        if let challenge { items += [("code_challenge", challenge), ("code_challenge_method", "S256")] }
        items += extra
        return "\(LoginWorld.serverBase)/oauth/authorize?"
            + items.map { "\($0.0)=\(Browser.encode($0.1))" }.joined(separator: "&")
    }

    /// The query of a redirect to this client's redirect URI.
    func answer(_ result: Browser.Result) throws -> [String: String] {
        let location = try #require(result.location, "a redirect: \(result.status) \(result.body.prefix(200))")
        #expect(location.hasPrefix(redirectURI + "?"), "\(location)")
        let items = URLComponents(string: location)?.queryItems ?? []
        return Dictionary(items.map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { first, _ in first })
    }

    /// `POST /oauth/token` for `code`, authenticating as registered (`basic` false sends the secret in the body).
    func redeem(_ world: LoginWorld, code: String, redirectURI: String? = nil, verifier: String? = nil,
                basic: Bool = true) async throws -> Browser.Result {
        var form = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI ?? self.redirectURI)]
        if let verifier { form.append(("code_verifier", verifier)) }
        var authorization: String?
        if let secret, basic {
            authorization = "Basic " + Data("\(clientID):\(secret)".utf8).base64EncodedString()
        } else {
            form.append(("client_id", clientID))
            if let secret { form.append(("client_secret", secret)) }
        }
        return try await Self.post(world, "/oauth/token", form: form, authorization: authorization)
    }

    static func post(_ world: LoginWorld, _ path: String, form: [(String, String)], authorization: String?) async throws -> Browser.Result {
        var headers = HTTPHeaders()
        headers.add(name: .contentType, value: "application/x-www-form-urlencoded")
        if let authorization { headers.add(name: .authorization, value: authorization) }
        let body = form.map { "\(Browser.encode($0.0))=\(Browser.encode($0.1))" }.joined(separator: "&")
        let response = try await world.server.testing().performTest(
            request: TestingHTTPRequest(method: .POST, url: URI(string: path), headers: headers, body: ByteBuffer(string: body)))
        return Browser.Result(status: Int(response.status.code), headers: response.headers,
                              body: String(buffer: response.body), url: path)
    }

    static func userInfo(_ world: LoginWorld, token: String) async throws -> Browser.Result {
        var headers = HTTPHeaders()
        headers.add(name: .authorization, value: "Bearer \(token)")
        let response = try await world.server.testing().performTest(
            request: TestingHTTPRequest(method: .GET, url: URI(string: "/oauth/userinfo"), headers: headers, body: ByteBuffer()))
        return Browser.Result(status: Int(response.status.code), headers: response.headers,
                              body: String(buffer: response.body), url: "/oauth/userinfo")
    }
}

extension Browser {
    /// From a redirect to `/login?…` (the authorization endpoint's), the PC QR flow as WeChat user `user`, up to
    /// the server's answer to the callback (not followed).
    func pcLogin(from toLogin: Result, as user: String) async throws -> Result {
        let loginPath = try #require(toLogin.location, "a redirect to /login: \(toLogin.status) \(toLogin.body.prefix(200))")
        #expect(loginPath.hasPrefix("/login?return_to="))
        let login = try await get(LoginWorld.serverBase + loginPath)
        let qrURL = try #require(login.location)
        let page = try await get(qrURL)
        let marker = try #require(page.body.range(of: "/connect/qrcode/"))
        let pending = PendingQRLogin(
            uuid: String(page.body[marker.upperBound...].prefix { $0 != "\"" && $0 != "'" }),
            redirectURI: try #require(Browser.query(qrURL, "redirect_uri")), state: try #require(Browser.query(qrURL, "state")))
        try await confirmOnPhone(pending, user: user)
        let code = try await pollForCode(pending)
        return try await get(callbackURL(pending, code: code))
    }

    /// The whole first sign-in of a new WeChat user through the client: authorize, QR, bind to `contact`,
    /// continue; returns the client's redirect (not followed).
    func firstSignIn(_ client: TestRelyingParty, as user: String, contact: String, url: String? = nil) async throws -> Result {
        let authorize = try await get(url ?? client.authorizeURL())
        #expect(authorize.status == 303)
        let callback = try await pcLogin(from: authorize, as: user)
        #expect(callback.location == "/bind", "an unbound identity binds first")
        let bound = try await bind(contact: contact)
        let resume = try #require(bound.location)
        #expect(resume.hasPrefix("/oauth/authorize/continue?request="), "\(resume)")
        return try await get(LoginWorld.serverBase + resume)
    }
}
