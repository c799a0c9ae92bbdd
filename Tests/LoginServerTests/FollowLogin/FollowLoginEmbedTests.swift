import Foundation
import Testing
import Vapor
import WeChatSandbox
@testable import LoginServer

/// The embeddable follow-login (`/login/follow/embed` framed on the business's site, finished by the top window's
/// `POST /login/follow/finish`) and `PC_LOGIN=both` showing both QR codes on one page. On SQLite, or PostgreSQL
/// with `TEST_DATABASE_URL`.
@Suite(.serialized) struct FollowLoginEmbedTests {
    static let shop = "https://shop.example.com"

    static func adjust(_ configuration: inout LoginServerConfiguration) {
        FollowLoginTests.adjust(&configuration)
        configuration.followLoginEmbedOrigins = [shop, "https://www.example.cn:8443"]
    }

    /// What the embed page holds: its scene and the signed binding its script sends.
    struct Embed {
        var scene: String
        var binding: String
    }

    static func openEmbed(_ browser: Browser, returnTo: String = "/account") async throws -> Embed {
        let page = try await browser.get("\(LoginWorld.serverBase)/login/follow/embed?return_to=\(Browser.encode(returnTo))")
        #expect(page.status == 200, "\(page.status) \(page.body.prefix(300))")
        return Embed(scene: try Browser.scene(in: page.body), binding: try #require(page.input("binding")))
    }

    /// The frame's status poll: the binding in its header, `embed=1`, no cookie needed.
    static func status(_ browser: Browser, _ embed: Embed, binding: String? = nil) async throws -> Browser.Result {
        try await browser.send(.GET, "\(LoginWorld.serverBase)/login/follow/status?scene=\(embed.scene)&embed=1",
                               headers: [(FollowLoginEmbed.bindingHeader, binding ?? embed.binding)])
    }

    /// The frame's form, posted to the top window.
    static func finish(_ browser: Browser, _ embed: Embed, origin: String? = LoginWorld.serverBase,
                       binding: String? = nil) async throws -> Browser.Result {
        let body = "scene=\(Browser.encode(embed.scene))&binding=\(Browser.encode(binding ?? embed.binding))"
        return try await browser.send(.POST, "\(LoginWorld.serverBase)/login/follow/finish", body: body,
                                      contentType: "application/x-www-form-urlencoded",
                                      headers: origin.map { [("Origin", $0)] } ?? [])
    }

    @Test func withoutTheSettingTheEmbedPageIsRefusedAndCannotBeFramed() async throws {
        try await LoginWorld.with(adjust: FollowLoginTests.adjust) { world in
            let page = try await world.browser().get("\(LoginWorld.serverBase)/login/follow/embed?return_to=%2Faccount")
            #expect(page.status == 403)
            #expect(page.body.contains("FOLLOW_LOGIN_EMBED_ORIGINS"), "the page names the setting")
            #expect(page.headers.first(name: "X-Frame-Options") == "DENY")
            #expect(page.headers.first(name: "Content-Security-Policy") == "frame-ancestors 'none'")
            #expect(try await world.calls("/cgi-bin/qrcode/create") == 0, "a refused page makes no QR code")
            let english = try await world.browser().get("\(LoginWorld.serverBase)/login/follow/embed?lang=en")
            #expect(english.body.contains("FOLLOW_LOGIN_EMBED_ORIGINS") && english.body.contains("embed"))
        }
    }

    @Test func onlyTheListedOriginsMayFrameTheEmbedPageAndNoOtherPage() async throws {
        try await LoginWorld.with(adjust: Self.adjust) { world in
            let browser = world.browser()
            let page = try await browser.get("\(LoginWorld.serverBase)/login/follow/embed?return_to=%2Faccount")
            #expect(page.status == 200)
            #expect(page.headers.first(name: "Content-Security-Policy")
                    == "frame-ancestors https://shop.example.com https://www.example.cn:8443")
            #expect(page.headers.first(name: "X-Frame-Options") == nil, "DENY would forbid the listed origins too")
            #expect(page.headers.first(name: .cacheControl) == "no-store")
            #expect(page.body.contains("测试公众号"), "the account's name")
            #expect(!page.body.contains("<nav>"), "no site chrome")
            #expect(!page.headers[.setCookie].contains { $0.hasPrefix(BrowserBindingCookie.baseName) },
                    "the frame needs no cookie: its binding is in the page")
            #expect(page.body.contains("target=\"_top\""), "the finish form goes to the top window")
            let english = try await browser.get("\(LoginWorld.serverBase)/login/follow/embed?lang=en")
            #expect(english.body.contains("follow “测试公众号” to sign in"))
            for path in ["/login?mode=follow&return_to=%2Faccount", "/login?mode=inline&return_to=%2Faccount", "/"] {
                let other = try await browser.get(LoginWorld.serverBase + path)
                #expect(other.headers.first(name: "Content-Security-Policy") == "frame-ancestors 'none'", "\(path)")
            }
        }
    }

    @Test func theFrameSignsTheTopWindowInThroughTheFinishPost() async throws {
        try await LoginWorld.with(adjust: Self.adjust) { world in
            try await world.listenForPushes()
            let frame = world.browser()
            let embed = try await Self.openEmbed(frame)
            let image = try await frame.send(.GET, "\(LoginWorld.serverBase)/login/follow/qr?scene=\(embed.scene)",
                                             headers: [(FollowLoginEmbed.bindingHeader, embed.binding)])
            #expect(image.status == 200)
            #expect(image.headers.first(name: .contentType)?.hasPrefix("image/") == true)
            #expect(try await Self.status(frame, embed).json["status"] as? String == "pending")

            try await world.scan(embed.scene, as: "u1")
            try await world.awaitScanned(embed.scene)
            let scanned = try await Self.status(frame, embed)
            #expect(scanned.json["status"] as? String == "scanned", "the frame finishes in the top window")
            #expect(scanned.json["location"] == nil)
            #expect(try await world.scene(embed.scene).status == .scanned, "nothing signed in inside the frame")

            // The top window: a fresh cookie jar (a cross-site frame's cookies are not the top window's).
            let top = world.browser()
            let finished = try await Self.finish(top, embed)
            #expect(finished.status == 303)
            #expect(finished.location == "/bind")
            let bound = try await top.bind(contact: "13800138000")
            #expect(bound.location == "/account")
            #expect(try await top.open("\(LoginWorld.serverBase)/account").status == 200)
            #expect(try await world.scene(embed.scene).status == .used)
            #expect(try await Self.finish(top, embed).status == 404, "a scene finishes once")
        }
    }

    @Test func aBoundFollowerLandsWhereTheSignInLeads() async throws {
        try await LoginWorld.with(adjust: Self.adjust) { world in
            try await world.listenForPushes()
            let first = world.browser()
            _ = try await first.pcLogin(as: "u2")
            _ = try await first.bind(contact: "bob@example.com")
            try await world.follow("u2")

            let top = world.browser()
            let embed = try await Self.openEmbed(top, returnTo: "/account")
            try await world.scan(embed.scene, as: "u2")
            try await world.awaitScanned(embed.scene)
            let finished = try await Self.finish(top, embed)
            #expect(finished.status == 303)
            #expect(finished.location == "/account", "the return_to, in the top window")
            let account = try await top.open("\(LoginWorld.serverBase)/account")
            #expect(account.body.contains("bob@example.com"))
        }
    }

    /// An OpenID Connect client embeds the code with its authorization request as `return_to`: the finish sends the
    /// top window there, signed in, and the authorization answers the client's redirect URI with a code.
    @Test func anOIDCClientsAuthorizationIsTheTopWindowsNextStop() async throws {
        try await LoginWorld.with(adjust: Self.adjust) { world in
            try await world.listenForPushes()
            let client = try await TestRelyingParty.register(world)
            let first = world.browser()
            _ = try await first.pcLogin(as: "u2")
            _ = try await first.bind(contact: "bob@example.com")
            try await world.follow("u2")

            let authorize = String(client.authorizeURL().dropFirst(LoginWorld.serverBase.count))
            let top = world.browser()
            let embed = try await Self.openEmbed(top, returnTo: authorize)
            try await world.scan(embed.scene, as: "u2")
            try await world.awaitScanned(embed.scene)
            let finished = try await Self.finish(top, embed)
            #expect(finished.status == 303)
            #expect(finished.location == authorize)
            let answer = try client.answer(try await top.get(LoginWorld.serverBase + authorize))
            #expect(answer["code"] != nil)
            #expect(answer["state"] == "st-123")
        }
    }

    @Test func theSceneIsRefusedToAnotherBrowserAndToAnotherSitesPost() async throws {
        try await LoginWorld.with(adjust: Self.adjust) { world in
            try await world.listenForPushes()
            let frame = world.browser()
            let embed = try await Self.openEmbed(frame)
            let stranger = world.browser()
            let theirs = try await Self.openEmbed(stranger)

            #expect(try await Self.status(stranger, embed, binding: theirs.binding).status == 403)
            #expect(try await Self.status(stranger, embed, binding: "forged!AAAA").status == 403)
            #expect(try await stranger.get("\(LoginWorld.serverBase)/login/follow/status?scene=\(embed.scene)&embed=1")
                .status == 403, "no binding at all")
            let image = try await stranger.send(.GET, "\(LoginWorld.serverBase)/login/follow/qr?scene=\(embed.scene)",
                                                headers: [(FollowLoginEmbed.bindingHeader, theirs.binding)])
            #expect(image.status == 404)

            try await world.scan(embed.scene, as: "u1")
            try await world.awaitScanned(embed.scene)
            #expect(try await Self.finish(stranger, embed, binding: theirs.binding).status == 403,
                    "another browser's binding finishes nothing")
            #expect(try await Self.finish(stranger, embed, origin: "https://evil.example").status == 403,
                    "a form posted from another site (login CSRF) is refused")
            #expect(try await Self.finish(stranger, embed, origin: nil).status == 403, "no Origin, no sign-in")
            #expect(try await Self.finish(stranger, embed, origin: Self.shop).status == 403,
                    "not even from the framing site: only the frame itself posts it")
            #expect(try await world.scene(embed.scene).status == .scanned, "the refusals used nothing")

            // Two top windows finishing at once (a double submit, two instances): one sign-in.
            let answers = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<4 {
                    group.addTask { try await Self.finish(world.browser(), embed).status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.sorted() == [303, 404, 404, 404], "\(answers)")
        }
    }

    @Test func anExpiredSceneOffersARefreshInTheFrame() async throws {
        try await LoginWorld.with(adjust: Self.adjust) { world in
            let frame = world.browser()
            let page = try await frame.get("\(LoginWorld.serverBase)/login/follow/embed?return_to=%2Faccount&lang=en")
            #expect(page.body.contains("/login/follow/embed?return_to=/account&amp;lang=en"), "refresh stays in the frame")
            #expect(page.body.contains("The QR code has expired: refresh"))
            let embed = Embed(scene: try Browser.scene(in: page.body), binding: try #require(page.input("binding")))
            world.clock.advance(by: TimeInterval(world.services.configuration.followLogin.qrLifetime) + 1)
            #expect(try await Self.status(frame, embed).json["status"] as? String == "expired")
            #expect(try await Self.finish(frame, embed).status == 410)
        }
    }

    @Test func bothShowsTheAccountsCodeBesideTheWebsiteAppsFrame() async throws {
        try await LoginWorld.with(adjust: {
            Self.adjust(&$0)
            $0.pcLogin = .both
        }) { world in
            try await world.listenForPushes()
            let browser = world.browser()
            let page = try await browser.get("\(LoginWorld.serverBase)/login?return_to=%2Faccount")
            #expect(page.status == 200)
            #expect(page.body.contains("id=\"both-follow\"") && page.body.contains("id=\"both-website\""))
            #expect(page.body.contains("<iframe src=\"\(world.sandboxBase)/connect/qrconnect?appid=\(world.websiteAppID)"),
                    "the website app's inline QR frame")
            #expect(page.body.contains("测试公众号"))
            for mode in ["follow", "qr", "inline"] {
                #expect(page.body.contains("/login?mode=\(mode)&amp;return_to=/account"), "the link to \(mode) alone")
            }
            #expect(try await world.count(OAuthStateRecord.self) == 1)
            #expect(try await world.calls("/cgi-bin/qrcode/create") == 1)
            // The account's half signs this browser in as the follow-login page does.
            let scene = try Browser.scene(in: page.body)
            try await world.scan(scene, as: "u1")
            try await world.awaitScanned(scene)
            #expect(try await browser.followStatus(scene).json["location"] as? String == "/bind")
            let english = try await world.browser().get("\(LoginWorld.serverBase)/login?return_to=%2Faccount&lang=en")
            #expect(english.body.contains("Follow the official account") && english.body.contains("Scan with WeChat"))
        }
    }

    @Test(arguments: [
        ("https://shop.example.com/, https://b.example.cn:8443", ["https://shop.example.com", "https://b.example.cn:8443"]),
        ("http://127.0.0.1:9000 HTTPS://Shop.Example.com", ["http://127.0.0.1:9000", "https://shop.example.com"]),
    ])
    func theOriginsSettingIsRead(_ raw: String, _ origins: [String]) throws {
        var env = FollowLoginSettingsTests.production
        env["FOLLOW_LOGIN_EMBED_ORIGINS"] = raw
        #expect(try LoginServerConfiguration.fromEnvironment(env, sandbox: false).followLoginEmbedOrigins == origins)
        #expect(try LoginServerConfiguration.fromEnvironment(FollowLoginSettingsTests.production, sandbox: false)
            .followLoginEmbedOrigins == [], "none by default")
    }

    @Test(arguments: ["*", "https://*.example.com", "https://shop.example.com/login", "http://shop.example.com",
                      "shop.example.com", "https://shop.example.com?x=1", "javascript:alert(1)"])
    func aWildcardOrNotAnOriginIsRefused(_ raw: String) throws {
        var env = FollowLoginSettingsTests.production
        env["FOLLOW_LOGIN_EMBED_ORIGINS"] = raw
        let error = #expect(throws: LoginServerConfiguration.EnvironmentError.self) {
            try LoginServerConfiguration.fromEnvironment(env, sandbox: false)
        }
        #expect(error?.description.contains("FOLLOW_LOGIN_EMBED_ORIGINS") == true)
    }
}
