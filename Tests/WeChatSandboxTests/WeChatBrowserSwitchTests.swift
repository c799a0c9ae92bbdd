import Foundation
import Testing
@testable import WeChatSandbox

/// Seed 001 (请在微信客户端中打开): with the strict switch on, an authorize link opened without WeChat's user agent
/// answers WeChat's page and issues no code; off (the default), a desktop gets the user picker as before.
@Suite("authorize: the strict in-WeChat switch")
struct WeChatBrowserSwitchTests {
    typealias H = SandboxHarness

    static let desktop = ("User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36")
    static let weChat = ("User-Agent", "Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 Mobile Safari/537.36 MicroMessenger/8.0.47.2560(0x28002F37) NetType/WIFI Language/zh_CN")
    static let path = H.authorizePath(scope: "snsapi_userinfo", state: "d1")

    static func expectOpenInWeChat(_ result: HTTPResult, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == 200, sourceLocation: sourceLocation)
        #expect(result.body.contains(#"<h4 class="weui_msg_title">请在微信客户端打开链接</h4>"#), sourceLocation: sourceLocation)
        #expect(result.headers.first(name: "location") == nil && !result.body.contains("code="), sourceLocation: sourceLocation)
    }

    @Test func offByDefaultADesktopGetsThePicker() async throws {
        try await H.with { h in
            let result = try await h.get(Self.path, headers: [Self.desktop])
            #expect(result.status == 302 && result.location.hasPrefix("/sandbox/whoami?return="))
        }
    }

    @Test func sandboxSettingRefusesEveryDesktopRequest() async throws {
        try await H.with({ $0.choices.requireWeChatBrowser = true }) { h in
            Self.expectOpenInWeChat(try await h.get(Self.path, headers: [Self.desktop]))
            // The picker's cookie and the automation's user header do not make a desktop browser WeChat.
            Self.expectOpenInWeChat(try await h.get(Self.path, headers: [Self.desktop, ("Cookie", "sandbox_user=u1")]))
            Self.expectOpenInWeChat(try await h.get(Self.path, user: "u1", headers: [Self.desktop, ("X-Sandbox-Consent", "allow")]))
            // Before any other check, as WeChat does: even a link with a bad app id.
            Self.expectOpenInWeChat(try await h.get("/connect/oauth2/authorize?appid=&redirect_uri=x", headers: [Self.desktop]))
            let form = "appid=\(H.oa)&redirect_uri=\(H.enc("http://localhost:9000/cb"))&scope=snsapi_userinfo&state=d1&action=allow"
            Self.expectOpenInWeChat(try await h.postForm("/connect/oauth2/authorize", form, user: "u1"))
            let inside = try await h.get(Self.path, user: "u1", headers: [Self.weChat, ("X-Sandbox-Consent", "allow")])
            #expect(inside.status == 302 && H.query(of: inside.location)["code"] != nil)
        }
    }

    @Test func perAppSwitchThroughTheControlAPI() async throws {
        try await H.with { h in
            func patch(_ on: Bool) async throws {
                let result = try await h.request(.PATCH, "/sandbox/api/apps/\(H.oa)",
                                                 body: #"{"requiresWeChatBrowser":\#(on)}"#, contentType: "application/json")
                #expect(result.status == 200 && result.string("appID") == H.oa)
                #expect(result.json["requiresWeChatBrowser"] as? Bool == on)
            }
            try await patch(true)
            Self.expectOpenInWeChat(try await h.get(Self.path, headers: [Self.desktop]))
            let otherApp = try await h.get(H.authorizePath(appID: H.test), headers: [Self.desktop])
            #expect(otherApp.status == 302 && otherApp.location.hasPrefix("/sandbox/whoami"))
            try await patch(false)
            let picker = try await h.get(Self.path, headers: [Self.desktop])
            #expect(picker.status == 302 && picker.location.hasPrefix("/sandbox/whoami"))
        }
    }

    @Test func theSimulatedPhoneAndBrowserOpenCountAsWeChat() async throws {
        try await H.with({ $0.choices.requireWeChatBrowser = true }) { h in
            let link = "https://open.weixin.qq.com" + H.authorizePath() + "#wechat_redirect"
            let opened = try await h.postJSON("/sandbox/api/browser/open", #"{"url":"\#(link)","user":"u1"}"#)
            #expect(opened.int("status") == 302)
            let phone = try await h.get("/sandbox/phone/u1/open?appid=\(H.oa)&from=chat&url=\(H.enc(link))", headers: [Self.desktop])
            let cookie = FollowerEntryTests.cookies(phone)
            let authorized = try await h.get(phone.location, headers: [Self.desktop, ("Cookie", cookie)])
            #expect(authorized.status == 302 && H.query(of: authorized.location)["code"] != nil)
        }
    }

    @Test func worldFileTurnsItOn() throws {
        let data = Data(#"{"choices":{"requireWeChatBrowser":true},"apps":[{"appID":"wx0000000000000001","secret":"s","kind":"officialAccount","name":"A","requiresWeChatBrowser":true,"menu":[{"name":"m","url":"https://a.test/"}]}]}"#.utf8)
        let configuration = try JSONDecoder().decode(SandboxConfiguration.self, from: data)
        #expect(configuration.choices.requireWeChatBrowser)
        #expect(configuration.apps.first?.requiresWeChatBrowser == true)
        #expect(configuration.apps.first?.menu == [.init(name: "m", url: "https://a.test/")])
        #expect(!SandboxConfiguration().choices.requireWeChatBrowser)
    }
}
