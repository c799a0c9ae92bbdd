import Foundation
import Testing

@testable import WeChatKit

@Suite struct OAuthClientTests {
    @Test func exchangeSendsTheDocumentedRequestToTheSandbox() async throws {
        let transport = FakeTransport { _ in try Fixtures.response("sns_oauth2_access_token_snapshot_unionid") }
        let clock = ManualClock()
        let client = TestClients.oauth(transport, clock: clock)
        let token = try await client.exchange(code: "061gBaml2rcFK84KWQll2QA2ha0gBamU")
        #expect(token.expiresAt == clock.now().addingTimeInterval(7200))
        #expect(token.isSnapshotUser)
        let request = try #require(await transport.requests.first)
        #expect(request.method == .GET)
        #expect(
            request.url
                == "http://127.0.0.1:8080/sns/oauth2/access_token?appid=wx520c15f417810387&secret=APP_SECRET_0123456789abcdef&code=061gBaml2rcFK84KWQll2QA2ha0gBamU&grant_type=authorization_code"
        )
        #expect(request.maxResponseBodySize == 1 << 20)
        #expect(request.timeout == .seconds(10))
    }

    @Test func exchangeIsNeverRetried() async throws {
        let systemError = FakeTransport { _ in try Fixtures.response("error_system") }
        await #expect(throws: WeChatError.api(.systemError)) { try await TestClients.oauth(systemError).exchange(code: "c") }
        #expect(await systemError.requestCount == 1)

        let broken = FakeTransport { _ in throw WeChatError(.transport, detail: "connection reset") }
        await #expect(throws: WeChatError.transport) { try await TestClients.oauth(broken).exchange(code: "c") }
        #expect(await broken.requestCount == 1)
    }

    @Test func exchangeSurfacesCodeErrors() async throws {
        let transport = FakeTransport { _ in try Fixtures.response("error_40163_req_id") }
        let error = await #expect(throws: WeChatError.api(.codeBeenUsed)) {
            try await TestClients.oauth(transport).exchange(code: "c")
        }
        #expect(error?.category == .userActionRequired)
        #expect(error?.endpoint == "/sns/oauth2/access_token")
    }

    @Test(arguments: ["", String(repeating: "x", count: 513)])
    func exchangeRejectsBadCodesWithoutARequest(_ code: String) async {
        let transport = FakeTransport { _ in try Fixtures.response("sns_oauth2_access_token") }
        await #expect(throws: WeChatError.invalidArgument) { try await TestClients.oauth(transport).exchange(code: code) }
        #expect(await transport.requestCount == 0)
    }

    @Test func refreshSendsNoSecret() async throws {
        let transport = FakeTransport { _ in try Fixtures.response("sns_oauth2_refresh_token") }
        let token = try await TestClients.oauth(transport).refresh(refreshToken: "REFRESH_1")
        #expect(token.refreshToken == "REFRESH_TOKEN")
        let request = try #require(await transport.requests.first)
        #expect(request.path == "/sns/oauth2/refresh_token")
        #expect(request.query == ["appid": "wx520c15f417810387", "grant_type": "refresh_token", "refresh_token": "REFRESH_1"])
    }

    @Test func refreshIsRetriedAfterSystemErrorWithBackoff() async throws {
        let calls = Counter()
        let transport = FakeTransport { _ in
            if calls.increment() < 3 { return try Fixtures.response("error_system") }
            return try Fixtures.response("sns_oauth2_refresh_token")
        }
        let clock = ManualClock()
        _ = try await TestClients.oauth(transport, clock: clock).refresh(refreshToken: "R")
        #expect(await transport.requestCount == 3)
        #expect(clock.sleeps == [.milliseconds(200), .milliseconds(400)])
    }

    @Test func retriesAreBounded() async throws {
        let transport = FakeTransport { _ in throw WeChatError(.timeout) }
        await #expect(throws: WeChatError.timeout) {
            try await TestClients.oauth(transport).userInfo(accessToken: "A", openID: "O")
        }
        #expect(await transport.requestCount == 3)
    }

    @Test func permanentErrorsAreNotRetried() async throws {
        let transport = FakeTransport { _ in .json(#"{"errcode":48001,"errmsg":"api unauthorized, rid: a-b-c"}"#) }
        await #expect(throws: WeChatError.api(.apiUnauthorized)) {
            try await TestClients.oauth(transport).userInfo(accessToken: "A", openID: "O")
        }
        #expect(await transport.requestCount == 1)
    }

    @Test func isValidTrueOnOK() async throws {
        let transport = FakeTransport { _ in try Fixtures.response("sns_auth") }
        #expect(try await TestClients.oauth(transport).isValid(accessToken: "A", openID: "O"))
        #expect(await transport.requests.first?.url == "http://127.0.0.1:8080/sns/auth?access_token=A&openid=O")
    }

    @Test(arguments: [40003, 40001, 40014, 42001, 42007])
    func isValidFalseForInvalidTokenCodes(_ code: Int) async throws {
        let transport = FakeTransport { _ in .json(#"{"errcode":\#(code),"errmsg":"x"}"#) }
        #expect(try await TestClients.oauth(transport).isValid(accessToken: "A", openID: "O") == false)
    }

    @Test func isValidThrowsForOtherFailures() async throws {
        let systemError = FakeTransport { _ in try Fixtures.response("error_system") }
        await #expect(throws: WeChatError.api(.systemError)) {
            try await TestClients.oauth(systemError).isValid(accessToken: "A", openID: "O")
        }
        #expect(await systemError.requestCount == 3)
        let other = FakeTransport { _ in .json(#"{"errcode":41009,"errmsg":"missing openid"}"#) }
        await #expect(throws: WeChatError.api(.openIDMissing)) {
            try await TestClients.oauth(other).isValid(accessToken: "A", openID: "O")
        }
        let down = FakeTransport { _ in TransportResponse(status: 503, headers: [], body: []) }
        await #expect(throws: WeChatError.transport) {
            try await TestClients.oauth(down).isValid(accessToken: "A", openID: "O")
        }
    }

    @Test func userInfoSendsLanguage() async throws {
        let transport = FakeTransport { _ in try Fixtures.response("sns_userinfo_string_sex") }
        let client = TestClients.oauth(transport)
        _ = try await client.userInfo(accessToken: "A", openID: "O")
        _ = try await client.userInfo(accessToken: "A", openID: "O", language: nil)
        let requests = await transport.requests
        #expect(requests[0].query["lang"] == "zh_CN")
        #expect(requests[1].query["lang"] == nil)
    }

    @Test func oversizedBodyFromTransportIsReported() async {
        let transport = FakeTransport { _ in .json(String(repeating: " ", count: (1 << 20) + 1)) }
        await #expect(throws: WeChatError.responseTooLarge) {
            try await TestClients.oauth(transport).exchange(code: "c")
        }
    }

    @Test func urlHelpersUseTheClientsAppAndEndpoint() {
        let client = TestClients.oauth(FakeTransport { _ in .json("{}") })
        let state = OAuthState(rawValue: "s1")!
        #expect(
            client.qrConnectURL(redirectURI: "http://localhost", state: state)
                == "http://127.0.0.1:8080/connect/qrconnect?appid=wx520c15f417810387&redirect_uri=http%3A%2F%2Flocalhost&response_type=code&scope=snsapi_login&state=s1#wechat_redirect"
        )
        #expect(
            client.officialAccountAuthorizationURL(redirectURI: "http://localhost", scope: .snsapiUserinfo, state: state)
                .hasPrefix("http://127.0.0.1:8080/connect/oauth2/authorize?appid=wx520c15f417810387&"))
        #expect(client.inlineQRLogin(containerID: "c", redirectURI: "http://localhost", state: state).appID == "wx520c15f417810387")
    }
}
