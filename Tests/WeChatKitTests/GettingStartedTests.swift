import Foundation
import Testing

@testable import WeChatKit

/// Runs the code of `WeChatKit.docc/GettingStarted.md`, section by section, against a fake WeChat.
/// Keep the statements between the `// ---` markers identical to the article.
@Suite struct GettingStartedTests {
    enum LoginError: Error { case stateMismatch }

    @Test func createTheClients() {
        let websiteSecret = "website-secret"
        let officialAccountSecret = "official-account-secret"
        // --- Create the clients
        let website = AppCredentials(appID: "wxbdc5610cc59c1631", secret: websiteSecret)
        let officialAccount = AppCredentials(appID: "wx520c15f417810387", secret: officialAccountSecret)

        let oauth = OAuthClient(credentials: website)
        let tokens = AccessTokenProvider(credentials: officialAccount)
        let templates = TemplateMessageClient(tokenProvider: tokens)
        // ---
        #expect(oauth.configuration.endpoint == .production)
        #expect(templates.tokenProvider.appID == "wx520c15f417810387")
        #expect(tokens.configuration.mode == .classic)
    }

    @Test func theLoginFlow() async throws {
        let fake = FakeTransport { request in
            switch request.path {
            case "/sns/oauth2/access_token":
                if request.query["code"] == "USED" { return try Fixtures.response("error_40163_req_id") }
                return try Fixtures.response("sns_oauth2_access_token_snapshot_unionid")
            case "/sns/userinfo": return try Fixtures.response("sns_userinfo_numeric_sex")
            case "/cgi-bin/token": return try Fixtures.response("token")
            default: return try Fixtures.response("template_send")
            }
        }
        let clock = ManualClock()
        let endpoint = Endpoint.sandbox(baseURL: "http://127.0.0.1:8080")
        let oauth = OAuthClient(
            credentials: AppCredentials(appID: "wxbdc5610cc59c1631", secret: "s"), configuration: .init(endpoint: endpoint),
            transport: fake, clock: clock, logger: .silent)
        let tokens = TestClients.provider(fake, clock: clock, store: InMemoryAccessTokenStore(clock: clock))
        let templates = TemplateMessageClient(
            tokenProvider: tokens, configuration: .init(endpoint: endpoint), transport: fake, clock: clock,
            logger: .silent)

        // --- Build a QR login URL
        let state = OAuthState.random()
        let loginURL = oauth.qrConnectURL(redirectURI: "https://example.com/auth/wechat/callback", state: state)
        // ---
        #expect(
            loginURL
                == "http://127.0.0.1:8080/connect/qrconnect?appid=wxbdc5610cc59c1631&redirect_uri=https%3A%2F%2Fexample.com%2Fauth%2Fwechat%2Fcallback&response_type=code&scope=snsapi_login&state=\(state.rawValue)#wechat_redirect"
        )

        var callbackState = state.rawValue
        var callbackCode = "061gBaml2rcFK84KWQll2QA2ha0gBamU"
        // --- Exchange the code
        guard OAuthState(rawValue: callbackState) == state else { throw LoginError.stateMismatch }
        let token = try await oauth.exchange(code: callbackCode)
        // ---
        #expect(token.unionID == "oR5GjjgEhCMJFyzaVZdrxZ2zRRF4")

        // --- Fetch the profile
        let profile = try await oauth.userInfo(accessToken: token.accessToken, openID: token.openID)
        // ---
        #expect(profile.nickname == "巧克力")

        let followerOpenID = token.openID
        // --- Send a template message
        let msgid = try await templates.send(
            TemplateMessage(
                toUser: followerOpenID,
                templateID: "ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY",
                data: [.init("thing1", "Your order has shipped")],
                clientMessageID: "order-42-shipped"))
        // ---
        #expect(msgid == 3_487_542_469_355_618_313)

        callbackCode = "USED"
        var sentBackToLogin = false
        // --- Handle errors
        do {
            _ = try await oauth.exchange(code: callbackCode)
        } catch let error as WeChatError where error.category == .userActionRequired {
            // 40029 / 40163 / 42003: the code is spent or stale — send the user back to the login page.
            sentBackToLogin = true
        }
        // ---
        #expect(sentBackToLogin)

        callbackState = "forged"
        #expect(throws: LoginError.stateMismatch) {
            guard OAuthState(rawValue: callbackState) == state else { throw LoginError.stateMismatch }
        }
    }
}
