import Foundation
import Testing

@testable import WeChatKit

/// Runs every flow against a fake WeChat with a capturing logger and checks that no secret, token or code
/// reaches a log line or an error's description.
@Suite struct NoSecretsInLogsTests {
    static let secrets = [
        "APP_SECRET_0123456789abcdef",
        "CODE_SECRET_061gBaml2rcFK84KWQll2QA2ha0gBamU",
        "USER_ACCESS_SECRET_54_wCp2aHue",
        "USER_REFRESH_SECRET_54_EOTFhoLv",
        "CGI_TOKEN_SECRET_1",
        "CGI_TOKEN_SECRET_2",
    ]

    static func fakeWeChat() -> FakeTransport {
        let tokens = Counter()
        let auths = Counter()
        return FakeTransport { request in
            switch request.path {
            case "/sns/oauth2/access_token":
                if request.query["code"] == "USED_CODE" {
                    return .json(#"{"errcode":40163,"errmsg":"code been used, rid: 6566b2a1-1c3c5a0e-3b2e0f4d"}"#)
                }
                return .json(
                    #"{"access_token":"USER_ACCESS_SECRET_54_wCp2aHue","expires_in":7200,"refresh_token":"USER_REFRESH_SECRET_54_EOTFhoLv","openid":"oLrmn5rh9480z38etS-YMCDD-cwc","scope":"snsapi_userinfo","unionid":"oR5GjjgEhCMJFyzaVZdrxZ2zRRF4"}"#
                )
            case "/sns/oauth2/refresh_token":
                return .json(
                    #"{"access_token":"USER_ACCESS_SECRET_54_wCp2aHue","expires_in":7200,"refresh_token":"USER_REFRESH_SECRET_54_EOTFhoLv","openid":"oLrmn5rh9480z38etS-YMCDD-cwc","scope":"snsapi_userinfo"}"#
                )
            case "/sns/auth":
                return auths.increment() == 1 ? .json(#"{"errcode":0,"errmsg":"ok"}"#) : .json(#"{"errcode":42001,"errmsg":"access_token expired rid: 1-2-3"}"#)
            case "/sns/userinfo":
                return try Fixtures.response("sns_userinfo_numeric_sex")
            case "/cgi-bin/token":
                return .json(#"{"access_token":"CGI_TOKEN_SECRET_\#(tokens.increment())","expires_in":7200}"#)
            case "/cgi-bin/message/template/send":
                if request.query["access_token"] == "CGI_TOKEN_SECRET_1" { return try Fixtures.response("error_40001") }
                return try Fixtures.response("template_send")
            default:
                // A transport failure whose own description carries the full URL (as some HTTP libraries' do).
                throw LeakyError(url: request.url)
            }
        }
    }

    struct LeakyError: Error, CustomStringConvertible {
        let url: String
        var description: String { "connection failed for \(url)" }
    }

    @Test func noSecretsInLogsOrErrors() async throws {
        let capture = LogCapture()
        let transport = Self.fakeWeChat()
        let clock = ManualClock()
        let oauth = OAuthClient(
            credentials: TestClients.credentials, configuration: .init(endpoint: .sandbox(baseURL: "http://127.0.0.1:8080")),
            transport: transport, clock: clock, logger: capture.logger())
        let provider = TestClients.provider(
            transport, clock: clock, store: InMemoryAccessTokenStore(clock: clock), logger: capture.logger())
        let templates = TemplateMessageClient(
            tokenProvider: provider, configuration: .init(endpoint: .sandbox(baseURL: "http://127.0.0.1:8080")),
            transport: transport, clock: clock, logger: capture.logger())
        var errors: [any Error] = []

        let token = try await oauth.exchange(code: "CODE_SECRET_061gBaml2rcFK84KWQll2QA2ha0gBamU")
        let refreshed = try await oauth.refresh(refreshToken: token.refreshToken)
        #expect(try await oauth.isValid(accessToken: refreshed.accessToken, openID: token.openID))
        #expect(try await oauth.isValid(accessToken: refreshed.accessToken, openID: token.openID) == false)
        _ = try await oauth.userInfo(accessToken: refreshed.accessToken, openID: token.openID)
        _ = try await templates.send(TemplateMessage(toUser: token.openID, templateID: "T", data: [.init("k", "v")]))
        do { _ = try await oauth.exchange(code: "USED_CODE") } catch { errors.append(error) }

        let leaky = OAuthClient(
            credentials: TestClients.credentials,
            configuration: .init(endpoint: Endpoint(openBaseURL: "http://x", apiBaseURL: "http://127.0.0.1:8080/unknown")),
            transport: transport, clock: clock, logger: capture.logger())
        do { _ = try await leaky.exchange(code: "CODE_SECRET_061gBaml2rcFK84KWQll2QA2ha0gBamU") } catch { errors.append(error) }
        do { _ = try await leaky.userInfo(accessToken: "USER_ACCESS_SECRET_54_wCp2aHue", openID: "o") } catch {
            errors.append(error)
        }

        let lines = capture.lines
        // The flow really logged, with structured metadata.
        #expect(lines.count >= 10)
        #expect(lines.contains { $0.contains("wechat.appid=wx520c15f417810387") })
        #expect(lines.contains { $0.contains("wechat.errcode=40001") && $0.contains("wechat.rid=6566b2a1-1c3c5a0e-3b2e0f4d") })
        #expect(lines.contains { $0.contains("wechat.errcode=40163") })
        #expect(errors.count == 3)

        let texts = lines + errors.flatMap { ["\($0)", String(reflecting: $0), $0.localizedDescription] }
        for secret in Self.secrets {
            for text in texts {
                #expect(!text.contains(secret), "secret leaked into: \(text.prefix(200))")
            }
        }
    }
}
