import Foundation
import Testing
@testable import LoginServer

/// Client metadata (RFC 7591) and the redirect-URI rules, as pure values; the token endpoint's client credentials.
struct OIDCClientMetadataTests {
    @Test(arguments: [
        "https://shop.example.com/callback", "https://shop.example.com:8443/cb?tenant=a&x=%20",
        "http://127.0.0.1:8080/callback", "http://[::1]:5000/cb", "http://localhost/cb", "http://localhost:3000",
        "https://xn--fiqs8s.example/cb",
    ])
    func acceptsRedirectURIs(_ uri: String) {
        #expect(RedirectURI.problem(uri) == nil, "\(uri)")
    }

    @Test(arguments: [
        "", "/callback", "shop.example.com/cb", "http://shop.example.com/cb", "HTTPS://shop.example.com/cb",
        "https://shop.example.com/cb#frag", "https://shop.example.com/cb#", "https://*.example.com/cb",
        "https://shop.example.com/*", "https://user:pw@shop.example.com/cb", "https://evil.com@shop.example.com/",
        "https://shop.example.com/ cb", "https://商店.example/cb", "https://shop.example.com\\@evil.com/",
        "https:///cb", "https://shop.example.com:99999/cb", "https://shop.example.com:/cb", "http://127.0.0.2/cb",
        "http://localhost.evil.com/cb", "javascript:alert(1)", "com.example.app:/callback", "https://[::1/cb",
        "https://shop.example.com/\u{7}", "https://" + String(repeating: "a", count: 1020) + ".com",
    ])
    func refusesRedirectURIs(_ uri: String) {
        #expect(RedirectURI.problem(uri) != nil, "\(uri)")
    }

    func metadata(_ json: String) throws(ClientMetadataError) -> ClientMetadata {
        try ClientMetadata.decode(json: Data(json.utf8))
    }

    func refusal(_ json: String) -> ClientMetadataError? {
        do { _ = try metadata(json); return nil } catch { return error }
    }

    @Test func fillsInRFC7591Defaults() throws {
        let defaults = try metadata(#"{"redirect_uris":["https://shop.example.com/cb"],"logo_uri":"ignored"}"#)
        #expect(defaults.authMethod == .clientSecretBasic)
        #expect(defaults.grantTypes == [.authorizationCode])
        #expect(defaults.responseTypes == ["code"])
        #expect(defaults.scope == "openid profile email phone")
        #expect(defaults.postLogoutRedirectURIs.isEmpty)
        #expect(defaults.clientName == nil)
        let refreshing = try metadata(#"""
            {"redirect_uris":["http://127.0.0.1:9000/cb"],"token_endpoint_auth_method":"none",
             "grant_types":["authorization_code","refresh_token"],"client_name":"店铺 App"}
            """#)
        #expect(refreshing.isPublic)
        #expect(refreshing.scope == "openid profile email phone offline_access")
        #expect(refreshing.clientName == "店铺 App")
    }

    @Test(arguments: [
        (#"{}"#, ClientMetadataError.Code.invalidRedirectURI),
        (#"{"redirect_uris":[]}"#, .invalidRedirectURI),
        (#"{"redirect_uris":["http://shop.example.com/cb"]}"#, .invalidRedirectURI),
        (#"{"redirect_uris":["https://a.example/cb","https://a.example/cb"]}"#, .invalidRedirectURI),
        (#"{"redirect_uris":"https://a.example/cb"}"#, .invalidClientMetadata),
        (#"{"redirect_uris":["https://a.example/cb"],"post_logout_redirect_uris":["https://a.example/#x"]}"#, .invalidClientMetadata),
        (#"{"redirect_uris":["https://a.example/cb"],"token_endpoint_auth_method":"private_key_jwt"}"#, .invalidClientMetadata),
        (#"{"redirect_uris":["https://a.example/cb"],"grant_types":["implicit"]}"#, .invalidClientMetadata),
        (#"{"redirect_uris":["https://a.example/cb"],"grant_types":["refresh_token"]}"#, .invalidClientMetadata),
        (#"{"redirect_uris":["https://a.example/cb"],"response_types":["token"]}"#, .invalidClientMetadata),
        (#"{"redirect_uris":["https://a.example/cb"],"scope":"profile"}"#, .invalidClientMetadata),
        (#"{"redirect_uris":["https://a.example/cb"],"scope":"openid admin"}"#, .invalidClientMetadata),
        (#"{"redirect_uris":["https://a.example/cb"],"scope":"openid  profile"}"#, .invalidClientMetadata),
        (#"{"redirect_uris":["https://a.example/cb"],"scope":"openid offline_access"}"#, .invalidClientMetadata),
        (#"{"redirect_uris":["https://a.example/cb"],"grant_types":["authorization_code","refresh_token"],"scope":"openid"}"#, .invalidClientMetadata),
        (#"{"redirect_uris":["https://a.example/cb"],"client_name":42}"#, .invalidClientMetadata),
        (#"{"redirect_uris":["https://a.example/cb"],"client_name":"a\u0000b"}"#, .invalidClientMetadata),
        (#"["https://a.example/cb"]"#, .invalidClientMetadata),
        (#"not json"#, .invalidClientMetadata),
    ])
    func refusesMetadata(_ json: String, _ code: ClientMetadataError.Code) {
        #expect(refusal(json)?.code == code, "\(json): \(String(describing: refusal(json)))")
    }

    @Test func limitsHowManyURIs() {
        let eleven = (0...10).map { #""https://a.example/cb\#($0)""# }.joined(separator: ",")
        #expect(throws: ClientMetadataError.self) { try metadata(#"{"redirect_uris":[\#(eleven)]}"#) }
        let ten = (0..<10).map { #""https://a.example/cb\#($0)""# }.joined(separator: ",")
        #expect(throws: Never.self) { try metadata(#"{"redirect_uris":[\#(ten)]}"#) }
    }

    @Test func redirectURIsMatchExactly() throws {
        let client = OIDCClient(
            clientID: "c", metadata: try metadata(#"{"redirect_uris":["https://a.example/cb?x=1"],"post_logout_redirect_uris":["https://a.example/bye"]}"#),
            secretHash: nil, createdAt: Date(), updatedAt: Date())
        #expect(client.allowsRedirect(to: "https://a.example/cb?x=1"))
        for near in ["https://a.example/cb", "https://a.example/cb?x=1&y=2", "https://A.example/cb?x=1",
                     "https://a.example/cb?x=1/", "https://a.example:443/cb?x=1", "https://a.example/cb?x=%31"] {
            #expect(!client.allowsRedirect(to: near), "\(near)")
        }
        #expect(client.allowsPostLogoutRedirect(to: "https://a.example/bye"))
        #expect(!client.allowsPostLogoutRedirect(to: "https://a.example/cb?x=1"))
    }

    /// RFC 6749 §2.3.1: Basic carries the form-urlencoded id and secret, so `:`, `%`, `+` and spaces survive.
    @Test func readsBasicCredentialsWithReservedCharacters() throws {
        let id = "client:1", secret = "s3:cr%t+ /é"
        func formEncode(_ value: String) -> String {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._*")
            return value.addingPercentEncoding(withAllowedCharacters: allowed)!.replacingOccurrences(of: "%20", with: "+")
        }
        let header = "Basic " + Data("\(formEncode(id)):\(formEncode(secret))".utf8).base64EncodedString()
        #expect(try ClientCredentials.read(authorization: header, form: [:]) == .basic(clientID: id, secret: secret))
        #expect(try ClientCredentials.read(authorization: header, form: ["client_id": id]) == .basic(clientID: id, secret: secret))
        #expect(try ClientCredentials.read(authorization: nil, form: ["client_id": id, "client_secret": secret])
            == .post(clientID: id, secret: secret))
        #expect(try ClientCredentials.read(authorization: nil, form: ["client_id": id]) == .none(clientID: id))
        // An empty secret is no secret: public clients whose libraries send one anyway.
        #expect(try ClientCredentials.read(authorization: nil, form: ["client_id": id, "client_secret": ""]) == .none(clientID: id))
        let emptyBasic = "Basic " + Data("\(formEncode(id)):".utf8).base64EncodedString()
        #expect(try ClientCredentials.read(authorization: emptyBasic, form: [:]) == .none(clientID: id))
    }

    @Test(arguments: [
        ("Basic !!!", [String: String](), "invalid_request"),
        ("Basic " + Data("no-colon".utf8).base64EncodedString(), [:], "invalid_request"),
        ("Basic " + Data(":secret".utf8).base64EncodedString(), [:], "invalid_request"),
        ("Bearer abc", [:], "invalid_request"),
        ("Basic " + Data("a:b".utf8).base64EncodedString(), ["client_secret": "b"], "invalid_request"),
        ("Basic " + Data("a:b".utf8).base64EncodedString(), ["client_id": "other"], "invalid_request"),
        ("Basic " + Data("a:%zz".utf8).base64EncodedString(), [:], "invalid_request"),
    ])
    func refusesMalformedCredentials(_ header: String, _ form: [String: String], _ expected: String) {
        let refusal: ClientAuthenticationError?
        do { _ = try ClientCredentials.read(authorization: header, form: form); refusal = nil } catch { refusal = error }
        #expect(refusal?.oauthError == expected, "\(header)")
    }

    @Test func noCredentialsIsInvalidClient() {
        #expect(throws: ClientAuthenticationError(.missing)) { try ClientCredentials.read(authorization: nil, form: [:]) }
        #expect(ClientAuthenticationError(.missing).oauthError == "invalid_client")
    }

    @Test func secretsAreRandomAndStoredAsSHA256() {
        let a = ClientSecret.newSecret(), b = ClientSecret.newSecret()
        #expect(a != b && a.count == 43 && ClientSecret.newClientID().count == 22)
        #expect(a.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        #expect(ClientSecret.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(ClientSecret.matches(a, storedHash: ClientSecret.hash(a)))
        #expect(!ClientSecret.matches(b, storedHash: ClientSecret.hash(a)))
    }
}

extension OIDCClientMetadataTests {
    /// Registration is the back end's traffic: it counts against the admin class, not an unlimited path.
    @Test func registrationIsRateLimitedAsAdminTraffic() {
        #expect(RateLimitedRoute(path: "/oauth/register") == .admin)
        #expect(RateLimitedRoute(path: "//oauth/register/") == .admin)
        #expect(RateLimitedRoute(path: "/api/admin/oidc-clients/x/secret") == .admin)
    }
}
