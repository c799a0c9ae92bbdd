import Foundation
import Testing
import WeChatSandbox
@testable import LoginServer

/// Issue 16, seed 001 (请在微信客户端中打开): with the sandbox's strict switch on for the official account, WeChat
/// refuses the in-WeChat authorization link in a desktop browser. What a person on a PC sees: that page and no code
/// when they open a shared in-WeChat link; never through our own links, since `/login` sends a desktop to the QR flow.
@Suite(.serialized) struct InWeChatOnlyLinkTests {
    /// The official account answers 请在微信客户端打开链接 outside WeChat's user agent.
    static func strictOfficialAccount(_ configuration: inout SandboxConfiguration) {
        for index in configuration.apps.indices where configuration.apps[index].appID == SandboxConfiguration.defaultOfficialAccountID {
            configuration.apps[index].requiresWeChatBrowser = true
        }
    }

    @Test func aDesktopOpeningTheInWeChatLinkGetsWeChatsPageAndNoCode() async throws {
        try await LoginWorld.with(adjustSandbox: Self.strictOfficialAccount) { world in
            // The link a phone gets from /login, shared to a PC.
            let phone = world.browser(userAgent: Browser.weChatUserAgent)
            let login = try await phone.get("\(LoginWorld.serverBase)/login?return_to=/account")
            let link = try #require(login.location)
            #expect(link.contains("/connect/oauth2/authorize?appid=\(world.officialAccountID)"))

            let desktop = world.browser()
            let page = try await desktop.get(link)
            #expect(page.status == 200)
            #expect(page.body.contains("请在微信客户端打开链接"))
            #expect(page.location == nil && !page.body.contains("code="), "no redirect, no code")
            #expect(!page.body.contains("选择沙盒微信用户"), "not the sandbox's friendly picker")
            #expect(try await world.calls("/sns/oauth2/access_token") == 0)
        }
    }

    @Test func withTheSwitchOffADesktopGetsThePickerAsBefore() async throws {
        try await LoginWorld.with { world in
            let login = try await world.browser(userAgent: Browser.weChatUserAgent)
                .get("\(LoginWorld.serverBase)/login?return_to=/account")
            let picker = try await world.browser().get(try #require(login.location))
            #expect(picker.location?.contains("/sandbox/whoami") == true)
        }
    }

    @Test func ourOwnLinksNeverLeadADesktopThere() async throws {
        try await LoginWorld.with(adjustSandbox: Self.strictOfficialAccount) { world in
            let desktop = world.browser()
            let login = try await desktop.get("\(LoginWorld.serverBase)/login?return_to=/account")
            #expect(login.location?.contains("/connect/qrconnect?appid=\(world.websiteAppID)") == true,
                    "the user-agent switch sends a PC to the QR flow")
            let callback = try await desktop.pcLogin(as: "u1")
            #expect(callback.location == "/bind", "the PC login works with the switch on")

            let phone = world.browser(userAgent: Browser.weChatUserAgent)
            let inWeChat = try await phone.weChatLogin(as: "u2")
            #expect(inWeChat.location == "/bind", "and WeChat's own browser still signs in")
        }
    }
}
