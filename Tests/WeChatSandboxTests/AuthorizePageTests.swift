import Foundation
import Testing
@testable import WeChatSandbox

@Suite("connect/oauth2/authorize")
struct AuthorizePageTests {
    typealias H = SandboxHarness

    @Test func baseScopeIsSilent() async throws {
        try await H.with { h in
            let result = try await h.get(H.authorizePath(redirect: "http://localhost:9000/cb?x=1", state: "abc"), user: "u3")
            #expect(result.status == 302)
            #expect(result.location.hasPrefix("http://localhost:9000/cb?x=1&code="))
            let query = H.query(of: result.location)
            #expect(query["state"] == "abc")
            #expect(query["code"]?.range(of: "^[A-Za-z0-9]{32}$", options: .regularExpression) != nil)
        }
    }

    @Test func absentStateStillEmitsState() async throws {
        try await H.with { h in
            let result = try await h.get(H.authorizePath(state: nil, extra: "&connect_redirect=1"), user: "u1")
            #expect(result.status == 302)
            #expect(result.location.hasSuffix("&state="))
        }
    }

    static let errorRows: [(String, Int)] = [
        ("/connect/oauth2/authorize?appid=&redirect_uri=x&response_type=code&scope=snsapi_base", 10012),
        (H.authorizePath(appID: H.web), 10016),
        ("/connect/oauth2/authorize?appid=\(H.oa)&redirect_uri=&response_type=code&scope=snsapi_base", 10011),
        ("/connect/oauth2/authorize?appid=\(H.oa)&redirect_uri=\(H.enc("http://localhost/"))&response_type=code&scope=", 10010),
        (H.authorizePath(scope: "snsapi_login"), 10005),
        (H.authorizePath(redirect: "http://evil.example/cb"), 10003),
        (H.authorizePath(redirect: "http://www.localhost/cb"), 10003),
    ]

    @Test(arguments: errorRows)
    func errorPages(path: String, code: Int) async throws {
        try await H.with { h in
            let result = try await h.get(path, user: "u1")
            #expect(result.status == 200)
            #expect(result.headers.first(name: "content-type") == "text/html; charset=utf-8")
            #expect(result.body.contains("错误码：\(code)"))
            #expect(result.body.contains(PageError.labels[code] ?? "?"))
        }
    }

    @Test func requiredStateAndBannedAccount() async throws {
        try await H.with { h in
            _ = try await h.request(.PATCH, "/sandbox/api/apps/\(H.oa)", body: #"{"requiresState":true}"#, contentType: "application/json")
            #expect(try await h.get(H.authorizePath(state: nil), user: "u1").body.contains("错误码：10013"))
            _ = try await h.request(.PATCH, "/sandbox/api/apps/\(H.oa)", body: #"{"banned":true}"#, contentType: "application/json")
            #expect(try await h.get(H.authorizePath(), user: "u1").body.contains("错误码：10004"))
        }
    }

    @Test func testAccountRequiresFollowing() async throws {
        try await H.with { h in
            let stranger = try await h.get(H.authorizePath(appID: H.test), user: "u3")
            #expect(stranger.body.contains("错误码：10006"))
            let follower = try await h.get(H.authorizePath(appID: H.test), user: "u1")
            #expect(follower.status == 302)
        }
    }

    static let badOrders = [
        "/connect/oauth2/authorize?redirect_uri=\(H.enc("http://localhost/"))&appid=\(H.oa)&response_type=code&scope=snsapi_base&state=1",
        "/connect/oauth2/authorize?appid=\(H.oa)&redirect_uri=\(H.enc("http://localhost/"))&scope=snsapi_base&response_type=code&state=1",
        "/connect/oauth2/authorize?appid=\(H.oa)&redirect_uri=\(H.enc("http://localhost/"))&response_type=code&state=1&scope=snsapi_base",
        "/connect/oauth2/authorize?forcePopup=true&appid=\(H.oa)&redirect_uri=\(H.enc("http://localhost/"))&response_type=code&scope=snsapi_base",
        "/connect/oauth2/authorize?appid=\(H.oa)&redirect_uri=\(H.enc("http://localhost/"))&response_type=token&scope=snsapi_base",
    ]

    @Test(arguments: badOrders)
    func wrongOrderCannotBeAccessed(path: String) async throws {
        try await H.with { h in
            let result = try await h.get(path, user: "u1")
            #expect(result.status == 200)
            #expect(result.body.contains("该链接无法访问"))
        }
    }

    @Test func unknownBrowserIsSentToWhoami() async throws {
        try await H.with { h in
            let path = H.authorizePath()
            let result = try await h.get(path)
            #expect(result.status == 302)
            #expect(result.location.hasPrefix("/sandbox/whoami?return="))
            let page = try await h.get(result.location)
            #expect(page.body.contains("张三"))
            let chosen = try await h.postForm("/sandbox/whoami", "user=u1&return=\(H.enc(path))")
            #expect(chosen.status == 302 && chosen.location == path)
            let cookie = try #require(chosen.headers.first(name: "set-cookie")?.split(separator: ";").first.map(String.init))
            let back = try await h.get(path, headers: [("Cookie", cookie)])
            #expect(back.status == 302 && back.location.contains("code="))
        }
    }

    @Test func consentPageAllowDenyAndMemory() async throws {
        try await H.with { h in
            let path = H.authorizePath(scope: "snsapi_userinfo", state: "s1")
            let page = try await h.get(path, user: "u2")
            #expect(page.status == 200 && page.body.contains("id=\"consent\"") && page.body.contains("允许"))
            let form = "appid=\(H.oa)&redirect_uri=\(H.enc("http://localhost:9000/cb"))&scope=snsapi_userinfo&state=s1"
            let denied = try await h.postForm("/connect/oauth2/authorize", form + "&action=deny", user: "u2")
            #expect(denied.status == 302 && denied.location == "http://localhost:9000/cb?state=s1")
            let allowed = try await h.postForm("/connect/oauth2/authorize", form + "&action=allow", user: "u2")
            #expect(allowed.status == 302 && H.query(of: allowed.location)["code"] != nil)
            let silent = try await h.get(path, user: "u2")
            #expect(silent.status == 302)
            let forced = try await h.get(H.authorizePath(scope: "snsapi_userinfo", state: "s1", extra: "&forcePopup=true"), user: "u2")
            #expect(forced.status == 200 && forced.body.contains("id=\"consent\""))
        }
    }

    @Test func consentHeaderDeny() async throws {
        try await H.with { h in
            let result = try await h.get(H.authorizePath(scope: "snsapi_userinfo", state: "q"), user: "u1",
                                         headers: [("X-Sandbox-Consent", "deny")])
            #expect(result.status == 302 && result.location == "http://localhost:9000/cb?state=q")
        }
    }

    @Test func unknownUserHeader() async throws {
        try await H.with { h in
            let result = try await h.get(H.authorizePath(), user: "ghost")
            #expect(result.body.contains("该链接无法访问"))
        }
    }
}

@Suite("simulated in-app browser")
struct BrowserOpenTests {
    typealias H = SandboxHarness

    func open(_ h: H, _ url: String, user: String = "u1", consent: String? = nil) async throws -> HTTPResult {
        let consentJSON = consent.map { #","consent":"\#($0)""# } ?? ""
        return try await h.postJSON("/sandbox/api/browser/open", #"{"url":"\#(url)","user":"\#(user)"\#(consentJSON)}"#)
    }

    @Test func fragmentIsRequired() async throws {
        try await H.with { h in
            let link = "https://open.weixin.qq.com" + H.authorizePath()
            let missing = try await open(h, link)
            #expect(missing.int("status") == 200 && missing.string("page")?.contains("该链接无法访问") == true)
            let ok = try await open(h, link + "#wechat_redirect")
            #expect(ok.int("status") == 302)
            #expect(ok.string("location")?.hasPrefix("http://localhost:9000/cb?code=") == true)
        }
    }

    @Test func consentThroughTheBrowserAPI() async throws {
        try await H.with { h in
            let link = "https://open.weixin.qq.com" + H.authorizePath(scope: "snsapi_userinfo", state: "z") + "#wechat_redirect"
            let first = try await open(h, link)
            #expect(first.string("page")?.contains("id=\"consent\"") == true)
            #expect(try await open(h, link, consent: "deny").string("location") == "http://localhost:9000/cb?state=z")
            #expect(try await open(h, link, user: "nobody").string("page")?.contains("未知的沙盒用户") == true)
        }
    }
}
