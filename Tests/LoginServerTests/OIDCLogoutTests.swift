import Foundation
import Testing
@testable import LoginServer

/// RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0) at `/oauth/logout`: a valid `id_token_hint` signs
/// out at once (expired ones too), a forged one is refused, no hint means a confirmation form with the CSRF token,
/// and the way back is only a registered `post_logout_redirect_uri`. On SQLite, or PostgreSQL with `TEST_DATABASE_URL`.
@Suite(.serialized) struct OIDCLogoutTests {
    static let bye = "https://shop.example.com/bye"

    /// A client with a post-logout URI and a browser signed in through it; the ID token it got.
    static func signedIn(_ world: LoginWorld) async throws -> (TestRelyingParty, Browser, String) {
        let client = try await TestRelyingParty.register(world, postLogoutRedirectURIs: [bye])
        let browser = world.browser()
        let answer = try client.answer(try await browser.firstSignIn(client, as: "u1", contact: "13800138201"))
        let token = try await client.redeem(world, code: try #require(answer["code"]))
        let idToken = try #require(token.json["id_token"] as? String)
        #expect(try await browser.get("\(LoginWorld.serverBase)/account").status == 200)
        return (client, browser, idToken)
    }

    static func url(_ items: [(String, String)]) -> String {
        "\(LoginWorld.serverBase)/oauth/logout?" + items.map { "\($0.0)=\(Browser.encode($0.1))" }.joined(separator: "&")
    }

    @Test func aValidHintSignsOutAndReturnsToTheRegisteredURIWithState() async throws {
        try await LoginWorld.with { world in
            let (_, browser, idToken) = try await Self.signedIn(world)
            world.clock.advance(by: 2 * 3600)  // an expired hint is accepted
            let answer = try await browser.get(Self.url([("id_token_hint", idToken), ("post_logout_redirect_uri", Self.bye),
                                                         ("state", "s-1")]))
            #expect(answer.status == 303, "\(answer.body.prefix(300))")
            #expect(answer.location == Self.bye + "?state=s-1")
            #expect(answer.headers.first(name: .cacheControl) == "no-store")
            #expect(try await browser.get("\(LoginWorld.serverBase)/account").status != 200, "the session ended")
        }
    }

    /// Issue 13 asks for an error page here (it was a signed-out page that had signed the person out): the app's
    /// developer learns that the URI is not registered, and a bad request changes nothing.
    @Test func anUnregisteredPostLogoutURIGetsAnErrorPageNotARedirect() async throws {
        try await LoginWorld.with { world in
            let (client, browser, idToken) = try await Self.signedIn(world)
            for items in [[("id_token_hint", idToken), ("post_logout_redirect_uri", "https://evil.example/x")],
                          [("client_id", client.clientID), ("post_logout_redirect_uri", Self.bye + "/x")],
                          [("post_logout_redirect_uri", Self.bye)]] {  // no client named: nobody registered it
                let answer = try await browser.get(Self.url(items + [("state", "s")]))
                #expect(answer.status == 400 && answer.location == nil)
                #expect(answer.body.contains("post_logout_redirect_uri") && !answer.body.contains("你已退出登录"))
            }
            #expect(try await browser.get("\(LoginWorld.serverBase)/account").status == 200, "still signed in")
        }
    }

    @Test func aForgedHintIsRefusedAndSignsNoOneOut() async throws {
        try await LoginWorld.with { world in
            let (_, browser, idToken) = try await Self.signedIn(world)
            var parts = idToken.split(separator: ".").map(String.init)
            let claims = try #require(Data(base64URL: parts[1]))
            var json = try #require(try JSONSerialization.jsonObject(with: claims) as? [String: Any])
            json["sub"] = UUID().uuidString.lowercased()
            parts[1] = try JSONSerialization.data(withJSONObject: json).base64URLEncoded()
            let forged = parts.joined(separator: ".")
            let answer = try await browser.get(Self.url([("id_token_hint", forged), ("post_logout_redirect_uri", Self.bye)]))
            #expect(answer.status == 400 && answer.location == nil)
            #expect(try await browser.get("\(LoginWorld.serverBase)/account").status == 200, "still signed in")
        }
    }

    @Test func withoutAHintItAsksFirstWithACSRFForm() async throws {
        try await LoginWorld.with { world in
            let (client, browser, _) = try await Self.signedIn(world)
            let items = [("client_id", client.clientID), ("post_logout_redirect_uri", Self.bye), ("state", "s-2")]
            let ask = try await browser.get(Self.url(items))
            #expect(ask.status == 200 && ask.location == nil)
            #expect(ask.body.contains("method=\"post\" action=\"/oauth/logout\""))
            #expect(try await browser.get("\(LoginWorld.serverBase)/account").status == 200, "a GET alone signs no one out")
            let csrf = try #require(ask.input("csrf"))

            let forgedPost = try await browser.post("\(LoginWorld.serverBase)/oauth/logout", form: items + [("csrf", "wrong")])
            #expect(forgedPost.status == 200 && forgedPost.location == nil, "asked again")
            #expect(try await browser.get("\(LoginWorld.serverBase)/account").status == 200)

            let confirmed = try await browser.post("\(LoginWorld.serverBase)/oauth/logout", form: items + [("csrf", csrf)])
            #expect(confirmed.status == 303 && confirmed.location == Self.bye + "?state=s-2", "\(confirmed.status)")
            #expect(try await browser.get("\(LoginWorld.serverBase)/account").status != 200)
        }
    }
}
