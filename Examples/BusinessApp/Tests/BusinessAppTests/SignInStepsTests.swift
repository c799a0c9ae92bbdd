import Foundation
import JWT
import Testing

@testable import BusinessApp

/// The pure steps of a sign-in: PKCE, the authorization URL, the ID token's checks, the settings.
struct SignInStepsTests {
    @Test func pkceChallengeIsRFC7636AppendixB() {
        let pending = PendingSignIn(state: "s", nonce: "n", codeVerifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        #expect(pending.codeChallenge == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
    }

    @Test func freshValuesDifferAndAreLongEnough() {
        let a = PendingSignIn.make(), b = PendingSignIn.make()
        #expect(a.state != b.state && a.nonce != b.nonce && a.codeVerifier != b.codeVerifier)
        #expect(a.codeVerifier.count == 43)  // RFC 7636 §4.1: 43 to 128 characters
    }

    @Test func authorizationURLCarriesEveryParameter() throws {
        let pending = PendingSignIn(state: "st+1", nonce: "no", codeVerifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        let url = pending.authorizationURL(endpoint: "http://127.0.0.1:8080/oauth/authorize", clientID: "c1",
                                           redirectURI: "http://127.0.0.1:3000/callback", scope: "openid profile")
        let items = try #require(URLComponents(string: url)?.queryItems)
        let query = Dictionary(uniqueKeysWithValues: items.map { ($0.name, $0.value ?? "") })
        #expect(query == ["response_type": "code", "client_id": "c1", "redirect_uri": "http://127.0.0.1:3000/callback",
                          "scope": "openid profile", "state": "st+1", "nonce": "no",
                          "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method": "S256"])
        #expect(url.contains("state=st%2B1"))
    }

    static let expected = IDToken.Expected(issuer: "http://127.0.0.1:8080", clientID: "c1", nonce: "n1")

    static func token(iss: String = "http://127.0.0.1:8080", aud: [String] = ["c1"], azp: String? = "c1",
                      nonce: String? = "n1") -> IDToken {
        IDToken(iss: .init(value: iss), sub: .init(value: "u"), aud: .init(value: aud),
                exp: .init(value: Date().addingTimeInterval(300)), iat: .init(value: Date()), nonce: nonce, azp: azp)
    }

    @Test func aTokenForThisSignInPasses() throws {
        try Self.token().check(Self.expected)
        try Self.token(azp: nil).check(Self.expected)  // azp is optional with a single audience
    }

    @Test(arguments: [
        ("another issuer", token(iss: "https://evil.example")),
        ("another audience", token(aud: ["c2"], azp: nil)),
        ("azp of another client", token(azp: "c2")),
        ("several audiences without azp", token(aud: ["c1", "c2"], azp: nil)),
        ("another nonce", token(nonce: "n2")),
        ("no nonce", token(nonce: nil)),
    ])
    func aTokenForAnythingElseIsRefused(_ case: String, _ token: IDToken) {
        #expect(throws: SignInError.self, "\(`case`)") { try token.check(Self.expected) }
    }

    @Test func expiredTokensFailVerification() async throws {
        let keys = JWTKeyCollection()
        await keys.add(hmac: "a-test-key-of-at-least-32-bytes!", digestAlgorithm: .sha256, kid: "k")
        var token = Self.token()
        let fresh = try await keys.sign(token, kid: "k")
        _ = try await keys.verify(fresh, as: IDToken.self)
        token.exp = .init(value: Date().addingTimeInterval(-1))
        let expired = try await keys.sign(token, kid: "k")
        await #expect(throws: JWTError.self) { try await keys.verify(expired, as: IDToken.self) }
    }

    @Test func theKeyIDComesFromTheHeaderAndIsRequired() throws {
        func jws(_ header: String) -> String { Base64URL.encode(Data(header.utf8)) + ".e30.sig" }
        #expect(try IDToken.keyID(of: jws(#"{"alg":"RS256","kid":"k-2026"}"#)) == "k-2026")
        #expect(throws: SignInError.self) { try IDToken.keyID(of: jws(#"{"alg":"RS256"}"#)) }
        #expect(throws: SignInError.self) { try IDToken.keyID(of: "not a token") }
    }

    @Test func basicCredentialsAreFormEncodedFirst() {
        #expect(ProviderClient.formEncoded("a b+c/d:é") == "a+b%2Bc%2Fd%3A%C3%A9")
    }

    @Test func settingsRefuseWhatCannotWork() throws {
        #expect(throws: Settings.Invalid.self) { try Settings.fromEnvironment(["ISSUER_URL": "127.0.0.1:8080"]) }
        #expect(throws: Settings.Invalid.self) { try Settings.fromEnvironment(["CLIENT_ID": "c1"]) }
        #expect(throws: Settings.Invalid.self) { try Settings.fromEnvironment(["SCOPE": "profile"]) }
        let settings = try Settings.fromEnvironment(["APP_URL": "https://shop.example.com/", "ISSUER_URL": "https://login.example.com"])
        #expect(settings.redirectURI == "https://shop.example.com/callback" && settings.port == 443 && settings.isHTTPS)
    }
}

/// The claims table of the home page.
struct ClaimsDisplayTests {
    @Test func claimsAreSortedAndShownAsTheirJSONValues() {
        let json = Data(#"""
            {"sub":"u1","exp":1796030866,"phone_number_verified":true,"amr":["wechat"],"n":null,"one":1,
             "ids":[{"url":"http://x/y","openid":"o1"}]}
            """#.utf8)
        #expect(Claims.display(json: json) == [
            ["amr", #"["wechat"]"#], ["exp", "1796030866"], ["ids", #"[{"openid":"o1","url":"http://x/y"}]"#],
            ["n", "null"], ["one", "1"], ["phone_number_verified", "true"], ["sub", "u1"],
        ])
    }
}
