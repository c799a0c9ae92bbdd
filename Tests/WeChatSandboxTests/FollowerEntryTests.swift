import Foundation
import Testing
@testable import WeChatSandbox

/// Spec §1.3's special silent case (seeds 000/001): a follower entering from the account's own chat or menu
/// authorizes `snsapi_userinfo` without consent; every other entry, and every non-follower, still sees consent.
@Suite("authorize: followers entering from the account's chat or menu")
struct FollowerEntryTests {
    typealias H = SandboxHarness

    static let userinfoPath = H.authorizePath(scope: "snsapi_userinfo", state: "m1")

    /// The `name=value` pairs of a response's Set-Cookie headers, as a Cookie header.
    static func cookies(_ result: HTTPResult) -> String {
        result.headers[.setCookie].compactMap { $0.split(separator: ";").first.map(String.init) }.joined(separator: "; ")
    }

    @Test(arguments: ["menu", "chat", "MENU"])
    func followerFromTheAccountIsSilentAndReadsTheProfile(entry: String) async throws {
        try await H.with { h in
            // forcePopup has no effect when the special silent case applies (spec §1.1).
            let result = try await h.get(Self.userinfoPath + "&forcePopup=true", user: "u1", headers: [("X-Sandbox-Entry", entry)])
            #expect(result.status == 302)
            let code = try #require(H.query(of: result.location)["code"])
            let grant = try await h.exchange(code)
            #expect(grant.string("scope") == "snsapi_userinfo")
            let token = try #require(grant.string("access_token"))
            let info = try await h.get("/sns/userinfo?access_token=\(token)&openid=\(h.openID("u1"))&lang=zh_CN")
            #expect(info.string("nickname") == "张三")
        }
    }

    @Test func sameFollowerFromAnOrdinaryLinkStillSeesConsent() async throws {
        try await H.with { h in
            let silent = try await h.get(Self.userinfoPath, user: "u1", headers: [("X-Sandbox-Entry", "menu")])
            #expect(silent.status == 302)
            // The silent grant is not remembered consent.
            for headers in [[], [("X-Sandbox-Entry", "link")]] {
                let page = try await h.get(Self.userinfoPath, user: "u1", headers: headers)
                #expect(page.status == 200 && page.body.contains("id=\"consent\""))
            }
        }
    }

    @Test(arguments: ["menu", "chat", "link"])
    func nonFollowerAlwaysSeesConsent(entry: String) async throws {
        try await H.with { h in
            let page = try await h.get(Self.userinfoPath, user: "u3", headers: [("X-Sandbox-Entry", entry)])
            #expect(page.status == 200 && page.body.contains("id=\"consent\""))
        }
    }

    @Test func unfollowingEndsTheSilentCase() async throws {
        try await H.with { h in
            _ = try await h.postJSON("/sandbox/api/users/u1/unfollow", #"{"appid":"\#(H.oa)"}"#)
            let page = try await h.get(Self.userinfoPath, user: "u1", headers: [("X-Sandbox-Entry", "menu")])
            #expect(page.status == 200 && page.body.contains("id=\"consent\""))
        }
    }

    @Test func anotherAccountsMenuIsAnOrdinaryEntry() async throws {
        try await H.with { h in
            let cookie = "sandbox_user=u1; sandbox_entry=menu:\(H.test)"
            let page = try await h.get(Self.userinfoPath, headers: [("Cookie", cookie)])
            #expect(page.status == 200 && page.body.contains("id=\"consent\""))
            let own = try await h.get(Self.userinfoPath, headers: [("Cookie", "sandbox_user=u1; sandbox_entry=menu:\(H.oa)")])
            #expect(own.status == 302 && H.query(of: own.location)["code"] != nil)
        }
    }

    @Test func unknownEntryHeaderIsRefused() async throws {
        try await H.with { h in
            let page = try await h.get(Self.userinfoPath, user: "u1", headers: [("X-Sandbox-Entry", "article")])
            #expect(page.status == 200 && page.body.contains("该链接无法访问") && !page.body.contains("code="))
        }
    }

    @Test func browserOpenTakesWhereItWasOpenedFrom() async throws {
        try await H.with { h in
            let link = "https://open.weixin.qq.com" + Self.userinfoPath + "#wechat_redirect"
            func open(_ user: String, _ from: String) async throws -> HTTPResult {
                try await h.postJSON("/sandbox/api/browser/open", #"{"url":"\#(link)","user":"\#(user)","from":"\#(from)"}"#)
            }
            let menu = try await open("u1", "menu"), chat = try await open("u1", "chat")
            let ordinary = try await open("u1", "link"), stranger = try await open("u3", "menu")
            let unknown = try await open("u1", "moments")
            #expect(menu.string("location")?.hasPrefix("http://localhost:9000/cb?code=") == true)
            #expect(chat.string("location")?.hasPrefix("http://localhost:9000/cb?code=") == true)
            #expect(ordinary.string("page")?.contains("id=\"consent\"") == true)
            #expect(stranger.string("page")?.contains("id=\"consent\"") == true)
            #expect(unknown.status == 400)
        }
    }

    @Test func phoneMenuOpensTheAuthorizeLinkSilently() async throws {
        try await H.with { h in
            let link = "https://open.weixin.qq.com" + Self.userinfoPath + "#wechat_redirect"
            let patch = try await h.request(.PATCH, "/sandbox/api/apps/\(H.oa)",
                                            body: #"{"menu":[{"name":"登录","url":"\#(link)"}]}"#, contentType: "application/json")
            #expect(patch.status == 200)
            let chat = try await h.get("/sandbox/phone/u1/chat/\(H.oa)")
            #expect(chat.body.contains("登录") && chat.body.contains("id=\"entry-rule\""))
            let phone = try await h.get("/sandbox/phone/u1")
            #expect(phone.body.contains("/sandbox/phone/u1/chat/\(H.oa)") && phone.body.contains("id=\"entry-rule\""))

            let opened = try await h.get("/sandbox/phone/u1/open?appid=\(H.oa)&from=menu&url=\(H.enc(link))")
            #expect(opened.status == 302 && opened.location == Self.userinfoPath)
            let cookie = Self.cookies(opened)
            #expect(cookie.contains("sandbox_user=u1") && cookie.contains("sandbox_entry=menu:\(H.oa)"))
            let authorized = try await h.get(opened.location, headers: [("Cookie", cookie)])
            #expect(authorized.status == 302 && H.query(of: authorized.location)["code"] != nil)

            // Picking a user at a desktop is an ordinary browser again.
            let chosen = try await h.request(.POST, "/sandbox/whoami", body: "user=u1&return=/sandbox",
                                             contentType: "application/x-www-form-urlencoded", headers: [("Cookie", cookie)])
            #expect(chosen.headers[.setCookie].contains { $0.hasPrefix("sandbox_entry=;") || $0.hasPrefix("sandbox_entry=\"\"") })
        }
    }

    @Test func phoneRefusesForeignPagesAndLinksWithoutTheFragment() async throws {
        try await H.with { h in
            let foreign = try await h.get("/sandbox/phone/u1/open?appid=\(H.oa)&from=chat&url=\(H.enc("https://evil.example/x"))")
            #expect(foreign.status == 200 && foreign.body.contains("该链接无法访问") && foreign.headers[.setCookie].isEmpty)
            let bare = try await h.get("/sandbox/phone/u1/open?appid=\(H.oa)&from=chat&url=\(H.enc(Self.userinfoPath))")
            #expect(bare.status == 200 && bare.body.contains("#wechat_redirect"))
            let business = try await h.get("/sandbox/phone/u1/open?appid=\(H.oa)&from=chat&url=\(H.enc("http://localhost:9000/shop"))")
            #expect(business.status == 302 && business.location == "http://localhost:9000/shop")
            let notFollowing = try await h.get("/sandbox/phone/u3/chat/\(H.oa)")
            #expect(notFollowing.body.contains("尚未关注"))
        }
    }

    @Test(arguments: [
        #"{"menu":[{"name":"a","url":"https://x.test/1"},{"name":"b","url":"https://x.test/2"},{"name":"c","url":"https://x.test/3"},{"name":"d","url":"https://x.test/4"}]}"#,
        #"{"menu":[{"name":"","url":"https://x.test/1"}]}"#,
        #"{"menu":[{"name":"a","url":"javascript:alert(1)"}]}"#,
    ])
    func invalidMenusAreRefused(body: String) async throws {
        try await H.with { h in
            let patch = try await h.request(.PATCH, "/sandbox/api/apps/\(H.oa)", body: body, contentType: "application/json")
            #expect(patch.status == 400)
            #expect(await h.sandbox.app(H.oa)?.menu == [])
        }
    }
}
