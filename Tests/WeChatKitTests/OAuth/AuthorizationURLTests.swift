import Testing

@testable import WeChatKit

@Suite struct AuthorizationURLTests {
    @Test func wechatpyOfficialAccountVector() {
        let url = AuthorizationURL.officialAccount(
            appID: "123456", redirectURI: "http://localhost", scope: .snsapiBase, state: nil)
        #expect(
            url
                == "https://open.weixin.qq.com/connect/oauth2/authorize?appid=123456&redirect_uri=http%3A%2F%2Flocalhost&response_type=code&scope=snsapi_base#wechat_redirect"
        )
    }

    @Test func wechatpyQRConnectVector() {
        let url = AuthorizationURL.qrConnect(appID: "123456", redirectURI: "http://localhost", state: nil)
        #expect(
            url
                == "https://open.weixin.qq.com/connect/qrconnect?appid=123456&redirect_uri=http%3A%2F%2Flocalhost&response_type=code&scope=snsapi_login#wechat_redirect"
        )
    }

    @Test func wxJavaVectorWithConnectRedirect() throws {
        let url = AuthorizationURL.officialAccount(
            appID: "wxAPPID", redirectURI: "http://www.baidu.com", scope: OAuthScope(rawValue: "test"),
            state: try OAuthState(validating: "GOD"), connectRedirect: true)
        #expect(
            url
                == "https://open.weixin.qq.com/connect/oauth2/authorize?appid=wxAPPID&redirect_uri=http%3A%2F%2Fwww.baidu.com&response_type=code&scope=test&state=GOD&connect_redirect=1#wechat_redirect"
        )
    }

    @Test func seedReferenceLinkIsReproduced() throws {
        let url = AuthorizationURL.officialAccount(
            appID: "wx520c15f417810387",
            redirectURI: "https://chong.qq.com/php/index.php?d=&c=wxAdapter&m=mobileDeal&showwxpaytitle=1&vb2ctag=4_2030_5_1194_60",
            scope: .snsapiBase, state: try OAuthState(validating: "123"))
        #expect(
            url
                == "https://open.weixin.qq.com/connect/oauth2/authorize?appid=wx520c15f417810387&redirect_uri=https%3A%2F%2Fchong.qq.com%2Fphp%2Findex.php%3Fd%3D%26c%3DwxAdapter%26m%3DmobileDeal%26showwxpaytitle%3D1%26vb2ctag%3D4_2030_5_1194_60&response_type=code&scope=snsapi_base&state=123#wechat_redirect"
        )
    }

    @Test func extrasComeAfterStateInOrder() throws {
        let url = AuthorizationURL.officialAccount(
            appID: "wx1", redirectURI: "https://a.example/cb", scope: .snsapiUserinfo,
            state: try OAuthState(validating: "abc"), forcePopup: true, connectRedirect: true)
        #expect(url.hasSuffix("&scope=snsapi_userinfo&state=abc&forcePopup=true&connect_redirect=1#wechat_redirect"))
    }

    @Test func qrConnectLanguageFollowsState() throws {
        let url = AuthorizationURL.qrConnect(
            appID: "wx1", redirectURI: "https://a.example/cb", state: try OAuthState(validating: "s1"), language: .english)
        #expect(url.hasSuffix("&scope=snsapi_login&state=s1&lang=en#wechat_redirect"))
    }

    @Test func redirectURIIsEncodedAsAWhole() {
        let url = AuthorizationURL.officialAccount(
            appID: "wx1", redirectURI: "https://a.example/p a/é?x=1&y=a+b#frag~._-", scope: .snsapiBase, state: nil)
        #expect(url.contains("redirect_uri=https%3A%2F%2Fa.example%2Fp%20a%2F%C3%A9%3Fx%3D1%26y%3Da%2Bb%23frag~._-&"))
    }

    @Test func sandboxEndpointUsesItsBaseURL() {
        let sandbox = Endpoint.sandbox(baseURL: "http://127.0.0.1:8080/")
        let url = AuthorizationURL.qrConnect(appID: "wx1", redirectURI: "http://localhost", state: nil, endpoint: sandbox)
        #expect(url.hasPrefix("http://127.0.0.1:8080/connect/qrconnect?appid=wx1&"))
        #expect(sandbox.apiURL(path: "/sns/oauth2/access_token", query: "a=1") == "http://127.0.0.1:8080/sns/oauth2/access_token?a=1")
    }

    @Test func productionEndpointHosts() {
        #expect(Endpoint.production.openBaseURL == "https://open.weixin.qq.com")
        #expect(Endpoint.production.apiBaseURL == "https://api.weixin.qq.com")
        let custom = Endpoint(openBaseURL: "https://o.example//", apiBaseURL: "https://a.example")
        #expect(custom.openBaseURL == "https://o.example")
    }
}
