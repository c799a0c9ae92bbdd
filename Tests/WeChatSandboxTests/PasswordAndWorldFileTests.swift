import Foundation
import Testing
@testable import WeChatSandbox

@Suite("42007, 10015 and minimal world files")
struct PasswordAndWorldFileTests {
    typealias H = SandboxHarness

    @Test func passwordChangeVoidsEveryEarlierGrant() async throws {
        try await H.with { h in
            let (access, refreshToken, openID) = try await h.grant()
            #expect(try await h.postJSON("/sandbox/api/users/u1/password-changed", "{}").status == 200)
            let message = "access_token and refresh_token exception"
            expectError(try await h.get("/sns/auth?access_token=\(access)&openid=\(openID)"), 42007, message)
            expectError(try await h.get("/sns/userinfo?access_token=\(access)&openid=\(openID)"), 42007, message)
            expectError(try await h.get("/sns/oauth2/refresh_token?appid=\(H.oa)&grant_type=refresh_token&refresh_token=\(refreshToken)"),
                        42007, message)
            await h.advance(1)
            let (fresh, _, _) = try await h.grant()
            let check = try await h.get("/sns/auth?access_token=\(fresh)&openid=\(openID)")
            #expect(check.errcode == 0)
        }
    }

    @Test func thirdPartyUnauthorizedShows10015() async throws {
        try await H.with { h in
            _ = try await h.request(.PATCH, "/sandbox/api/apps/\(H.oa)", body: #"{"thirdPartyUnauthorized":true}"#,
                                    contentType: "application/json")
            let page = try await h.get(H.authorizePath(), user: "u1")
            #expect(page.body.contains("错误码：10015") && page.body.contains("公众号未授权第三方平台"))
        }
    }

    @Test func minimalAppsAndUsersTakeDefaults() throws {
        let json = #"""
        {"apps":[{"appID":"wx1234567890abcdef","secret":"s","kind":"officialAccount","name":"测试"}],
         "users":[{"id":"a","nickname":"甲","follows":["wx1234567890abcdef"]}]}
        """#
        let configuration = try JSONDecoder().decode(SandboxConfiguration.self, from: Data(json.utf8))
        let app = try #require(configuration.apps.first)
        #expect(app.scopes == ["snsapi_base", "snsapi_userinfo"] && app.encryptionMode == .safe && app.templates.isEmpty)
        #expect(configuration.users.first?.follows == ["wx1234567890abcdef"])
        #expect(configuration.users.first?.isSnapshotUser == false)
    }
}

@Suite("redaction and landing page")
struct RedactionTests {
    @Test func descriptionsNeverCarrySecrets() {
        let configuration = SandboxConfiguration()
        let printed = String(describing: configuration) + String(reflecting: configuration)
            + configuration.apps.map { String(describing: $0) + String(reflecting: $0) }.joined()
        for app in configuration.apps {
            #expect(!printed.contains(app.secret))
            if let key = app.encodingAESKey { #expect(!printed.contains(key)) }
        }
        #expect(printed.contains(SandboxConfiguration.defaultOfficialAccountID))
    }

    @Test func landingPageListsPhonesWithoutSecrets() async throws {
        try await SandboxHarness.with { h in
            let page = try await h.get("/sandbox")
            #expect(page.body.contains("/sandbox/phone/u1") && page.body.contains(SandboxHarness.web))
            #expect(!page.body.contains(SandboxHarness.oaSecret))
        }
    }
}
