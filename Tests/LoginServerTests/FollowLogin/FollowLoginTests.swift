import Fluent
import Foundation
import Testing
import Vapor
import WeChatSandbox
@testable import LoginServer

/// Follow-to-sign-in end to end against the sandbox: the PC page's one-time scene, the sandbox's scan and push, the
/// page's status poll, and the same binding step and unionid join as the other flows. On SQLite, or PostgreSQL with
/// `TEST_DATABASE_URL` (the two-instance test runs only there).
@Suite(.serialized) struct FollowLoginTests {
    /// Sandbox mode offers `mode=follow`; polls answer at once so a test never waits on a hold.
    static func adjust(_ configuration: inout LoginServerConfiguration) {
        configuration.followLogin.pollHold = .zero
        configuration.officialAccountName = "测试公众号"
    }

    static func events(_ world: LoginWorld, _ type: EventType) async throws -> [[String: JSONScalar]] {
        try await EventLogTests.events(world).filter { $0.type == type.rawValue }.map(EventLogTests.payload)
    }

    @Test func aNewFollowerSignsInOnPCAndBindsFirst() async throws {
        try await LoginWorld.with(adjust: Self.adjust) { world in
            try await world.listenForPushes()
            let browser = world.browser()
            let page = try await browser.get("\(LoginWorld.serverBase)/login?mode=follow&return_to=%2Faccount")
            #expect(page.body.contains("测试公众号"), "the page names the account")
            #expect(page.headers.first(name: .cacheControl) == "no-store")
            let scene = try Browser.scene(in: page.body)
            #expect(scene.hasPrefix("wl_") && scene.count == 35)
            #expect(page.body.contains("id=\"follow-open\" href=\"\(try await world.scene(scene).qrURL)\""),
                    "a phone that cannot scan its own screen gets what the code encodes as a link")
            let image = try await browser.get("\(LoginWorld.serverBase)/login/follow/qr?scene=\(scene)")
            #expect(image.status == 200)
            #expect(image.headers.first(name: .contentType)?.hasPrefix("image/") == true)
            #expect(try await browser.followStatus(scene).json["status"] as? String == "pending")

            try await world.scan(scene, as: "u1")
            try await world.awaitScanned(scene)
            let done = try await browser.followStatus(scene)
            #expect(done.json["status"] as? String == "needs_binding")
            #expect(done.json["location"] as? String == "/bind")
            let bound = try await browser.bind(contact: "13800138000")
            #expect(bound.location == "/account")
            let me = try await browser.get("\(LoginWorld.serverBase)/api/me")
            let identities = try #require(me.json["identities"] as? [[String: Any]])
            #expect(identities.map { $0["appKind"] as? String } == ["officialAccount"])
            let identity = try #require(try await WeChatIdentity.query(on: world.server.db).first())
            #expect(identity.following == true, "whoever signs in this way follows the account")
            #expect(try await world.scene(scene).status == .used)
        }
    }

    @Test func anExistingFollowerWithABoundWebsiteIdentityJoinsByUnionIDAndSignsStraightIn() async throws {
        try await LoginWorld.with(adjust: Self.adjust) { world in
            try await world.listenForPushes()
            let first = world.browser()
            _ = try await first.pcLogin(as: "u2")
            _ = try await first.bind(contact: "bob@example.com")
            try await world.follow("u2")

            let browser = world.browser()
            let scene = try await browser.startFollowLogin(returnTo: "/account")
            let pushed = try await world.scan(scene, as: "u2")
            #expect(pushed.body.contains("SCAN"), "an existing follower's scan pushes SCAN: \(pushed.body.prefix(300))")
            try await world.awaitScanned(scene)
            let done = try await browser.followStatus(scene)
            #expect(done.json["status"] as? String == "signed_in")
            #expect(done.json["location"] as? String == "/account")
            let account = try await browser.open("\(LoginWorld.serverBase)/account")
            #expect(account.status == 200)
            #expect(account.body.contains("bob@example.com"))
            #expect(try await world.count(User.self) == 1)

            let signedIn = try await Self.events(world, .signInSucceeded).filter { $0["flow"] == .string("official_account_qr") }
            #expect(signedIn.count == 1)
            #expect(signedIn.first?["via"] == .string("follow"))
            let joined = try await Self.events(world, .identityBound).filter { $0["via"] == .string("unionid") }
            #expect(joined.count == 1, "the follow-login's identity joined the website identity's user by unionid")
        }
    }

    @Test func aSceneIsRefusedToAnotherBrowserAfterUseAndAfterExpiry() async throws {
        try await LoginWorld.with(adjust: Self.adjust) { world in
            try await world.listenForPushes()
            let browser = world.browser()
            let scene = try await browser.startFollowLogin()

            let stranger = world.browser()
            _ = try await stranger.startFollowLogin()  // a binding of its own: still not this scene's
            let theirs = try await stranger.followStatus(scene)
            #expect(theirs.status == 403)
            #expect(theirs.json["reason"] as? String == "other_browser")
            #expect(try await stranger.get("\(LoginWorld.serverBase)/login/follow/qr?scene=\(scene)").status == 404)
            #expect(try await world.browser().followStatus(scene).status == 403, "no cookie at all")

            try await world.scan(scene, as: "u1")
            try await world.awaitScanned(scene)
            #expect(try await stranger.followStatus(scene).status == 403, "scanned, and still not theirs")
            #expect(try await world.scene(scene).status == .scanned, "a stranger's poll completes nothing")
            #expect(try await browser.followStatus(scene).json["status"] as? String == "needs_binding")
            let again = try await browser.followStatus(scene)
            #expect(again.status == 404)
            #expect(again.json["reason"] as? String == "used")

            // Expiry: the server's clock passes the ticket's lifetime; a late push marks nothing.
            let late = try await browser.startFollowLogin()
            world.clock.advance(by: TimeInterval(world.services.configuration.followLogin.qrLifetime) + 1)
            #expect(try await browser.followStatus(late).json["status"] as? String == "expired")
            try await world.scan(late, as: "u1")
            #expect(try await world.scene(late).status == .pending, "a push for an expired scene marks nothing")
            #expect(try await browser.followStatus(late).json["status"] as? String == "expired")
            #expect(try await browser.get("\(LoginWorld.serverBase)/login/follow/qr?scene=\(late)").status == 404)
            #expect(try await browser.followStatus("wl_unknown").status == 404)
        }
    }

    @Test func theOIDCAuthorizationEndsAtTheClientWithACode() async throws {
        try await LoginWorld.with(adjust: {
            Self.adjust(&$0)
            $0.pcLogin = .officialAccount
        }) { world in
            try await world.listenForPushes()
            let client = try await TestRelyingParty.register(world)
            let browser = world.browser()
            let authorize = try await browser.get(client.authorizeURL())
            #expect(authorize.status == 303)
            let login = try #require(authorize.location)
            #expect(login.hasPrefix("/login?return_to="))
            // PC_LOGIN=official-account: /login shows the account's code itself, no mode needed.
            let scene = try await browser.startFollowLogin(path: login)
            try await world.scan(scene, as: "u1")
            try await world.awaitScanned(scene)
            let done = try await browser.followStatus(scene)
            #expect(done.json["location"] as? String == "/bind")
            let bound = try await browser.bind(contact: "carol@example.com")
            let resume = try #require(bound.location)
            #expect(resume.hasPrefix("/oauth/authorize/continue?request="))
            let answer = try client.answer(try await browser.get(LoginWorld.serverBase + resume))
            let code = try #require(answer["code"])
            #expect(answer["state"] == "st-123")
            let tokens = try await client.redeem(world, code: code)
            #expect(tokens.status == 200)

            // A second authorization: the person is signed in, so single sign-on; a fresh browser follows again
            // and is signed straight in (bound), its signin.succeeded naming the client.
            let other = world.browser()
            let again = try await other.get(client.authorizeURL())
            let againLogin = try #require(again.location)
            let second = try await other.startFollowLogin(path: againLogin)
            try await world.scan(second, as: "u1")
            try await world.awaitScanned(second)
            let signedIn = try await other.followStatus(second)
            #expect(signedIn.json["status"] as? String == "signed_in")
            let location = try #require(signedIn.json["location"] as? String)
            #expect(location.hasPrefix("/oauth/authorize/continue?request="))
            #expect(try client.answer(try await other.get(LoginWorld.serverBase + location))["code"] != nil)
            let event = try await Self.events(world, .signInSucceeded).last { $0["flow"] == .string("official_account_qr") }
            #expect(event?["client_id"] == .string(client.clientID))
        }
    }

    /// A browser's follow-login page and its status request, waiting on the pending scene while `act` makes the scan
    /// happen: the request's answer and how long it took.
    static func waitingStatus(_ world: LoginWorld, during act: (_ scene: String) async throws -> Void) async throws
        -> (answer: Browser.Result, elapsed: Duration) {
        let browser = world.browser()
        let scene = try await browser.startFollowLogin()
        let started = ContinuousClock.now
        async let waiting = instanceGET(world.server, "/login/follow/status?scene=\(scene)", cookie: browser.serverCookieHeader)
        try await act(scene)
        let answer = try await waiting
        return (answer, ContinuousClock.now - started)
    }

    /// A scan pushed to this instance wakes its waiting request at once: with a re-read timer longer than the hold,
    /// only the signal can answer before the hold ends.
    @Test func aWaitingStatusRequestAnswersAsSoonAsThePushArrives() async throws {
        try await LoginWorld.with(adjust: {
            Self.adjust(&$0)
            $0.followLogin.pollHold = .seconds(30)
            $0.followLogin.pollInterval = .seconds(60)
        }) { world in
            try await world.listenForPushes()
            let signals = try #require(world.services.followLogin).signals
            let (answer, elapsed) = try await Self.waitingStatus(world) { scene in
                while await signals.waiting == 0 { try await Task.sleep(for: .milliseconds(20)) }
                try await world.scan(scene, as: "u1")
            }
            #expect(answer.json["status"] as? String == "needs_binding", "\(answer.body)")
            #expect(elapsed < .seconds(10), "woken by the scan, not by the hold's end")
            #expect(await signals.waiting == 0)
        }
    }

    /// A scan another instance recorded wakes nothing here: the waiting request's timed re-read finds it.
    @Test func aScanRecordedByAnotherInstanceIsFoundByTheNextReRead() async throws {
        try await LoginWorld.with(adjust: {
            Self.adjust(&$0)
            $0.followLogin.pollHold = .seconds(30)
            $0.followLogin.pollInterval = .milliseconds(200)
        }) { world in
            try await world.follow("u1")
            let (answer, elapsed) = try await Self.waitingStatus(world) { scene in
                try await Task.sleep(for: .milliseconds(300))
                // What another instance's push handler writes; this instance's signals never hear of it.
                let openID = world.sandbox.openID(userID: "u1", appID: world.officialAccountID)
                #expect(try await FollowLoginSceneStore(database: world.server.db).markScanned(
                    scene, appID: world.officialAccountID, openID: openID, ticket: nil, at: world.clock.now()))
            }
            #expect(answer.json["status"] as? String == "needs_binding", "\(answer.body)")
            #expect(elapsed < .seconds(15), "found by a re-read, not at the hold's end")
        }
    }

    @Test func makingCodesIsRateLimitedPerClientAsLoginIs() async throws {
        try await LoginWorld.with(adjust: {
            Self.adjust(&$0)
            $0.rateLimits.login = 2
        }) { world in
            let browser = world.browser()
            _ = try await browser.startFollowLogin()
            _ = try await browser.startFollowLogin()
            let refused = try await browser.get("\(LoginWorld.serverBase)/login?mode=follow&return_to=%2Faccount")
            #expect(refused.status == 429)
            #expect(refused.headers.first(name: "Retry-After") != nil)
            #expect(try await world.calls("/cgi-bin/qrcode/create") == 2, "a refused request costs no WeChat call")
        }
    }

    @Test func pcLoginModesPickThePage() async throws {
        try await LoginWorld.with(adjust: {
            Self.adjust(&$0)
            $0.pcLogin = .both
        }) { world in
            let browser = world.browser()
            let choice = try await browser.get("\(LoginWorld.serverBase)/login?return_to=%2Faccount")
            #expect(choice.status == 200)
            #expect(choice.body.contains("/login?mode=follow&amp;return_to=/account"), "\(choice.body)")
            #expect(choice.body.contains("mode=qr"))
            let website = try await browser.get("\(LoginWorld.serverBase)/login?mode=qr&return_to=%2Faccount")
            #expect(website.location?.contains("/connect/qrconnect?") == true)
            let inWeChat = world.browser(userAgent: Browser.weChatUserAgent)
            inWeChat.actAsWeChatUser("u1")
            let authorize = try await inWeChat.get("\(LoginWorld.serverBase)/login?return_to=%2Faccount")
            #expect(authorize.location?.contains("/connect/oauth2/authorize?") == true, "in WeChat nothing changes")
        }
        try await LoginWorld.with(adjust: Self.adjust) { world in
            // The default (website) keeps today's redirect to WeChat's QR page; sandbox mode links the follow-login.
            let login = try await world.browser().get("\(LoginWorld.serverBase)/login?return_to=%2Faccount")
            #expect(login.location?.contains("/connect/qrconnect?") == true)
            let home = try await world.browser().get("\(LoginWorld.serverBase)/")
            #expect(home.body.contains("mode=follow"))
        }
    }

    @Test func twoPollsAtOnceSignInExactlyOnce() async throws {
        try await LoginWorld.with(adjust: Self.adjust) { world in
            try await world.listenForPushes()
            let first = world.browser()
            _ = try await first.pcLogin(as: "u3")
            _ = try await first.bind(contact: "13900139000")
            let browser = world.browser()
            let scene = try await browser.startFollowLogin()
            try await world.scan(scene, as: "u3")
            try await world.awaitScanned(scene)
            let cookie = browser.serverCookieHeader
            let answers = try await withThrowingTaskGroup(of: Browser.Result.self) { group in
                for _ in 0..<6 {
                    group.addTask { try await instanceGET(world.server, "/login/follow/status?scene=\(scene)", cookie: cookie) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let statuses = answers.map { $0.json["status"] as? String ?? "?" }
            #expect(statuses.filter { $0 == "signed_in" }.count == 1, "\(statuses)")
            #expect(statuses.filter { $0 == "refused" }.count == 5, "\(statuses)")
            let signedIn = try await Self.events(world, .signInSucceeded).filter { $0["flow"] == .string("official_account_qr") }
            #expect(signedIn.count == 1)
        }
    }

    @Test(.enabled(if: LoginWorld.defaultDatabase != .sqliteMemory, "needs TEST_DATABASE_URL (PostgreSQL)"))
    func thePushReachesOneInstanceAndTheOtherAnswersThePage() async throws {
        try await LoginWorld.with(adjust: Self.adjust) { world in
            try await world.listenForPushes()  // instance A: WeChat's server URL
            let other = try await Application.make(.testing)
            other.logger.logLevel = .critical
            do {
                // Instance B: the same configuration (database, keys) and clock, its own process state.
                let services = try await LoginServer.configure(other, world.services.configuration, clock: world.clock,
                                                               sandboxURL: world.sandboxBase)
                _ = services
                let browser = world.browser()
                // The page is made by B, the push goes to A, B's poll signs in.
                let page = try await instanceGET(other, "/login?mode=follow&return_to=%2Faccount", cookie: "")
                #expect(page.status == 200)
                let scene = try Browser.scene(in: page.body)
                let setCookie = try #require(page.headers.first(name: .setCookie))
                let binding = String(setCookie.prefix { $0 != ";" })
                try await world.scan(scene, as: "u1")
                try await world.awaitScanned(scene)
                let pending = try await instanceGET(other, "/login/follow/status?scene=\(scene)", cookie: binding)
                #expect(pending.json["status"] as? String == "needs_binding", "\(pending.status) \(pending.body)")
                #expect(try await browser.followStatus(scene).status == 403, "A refuses a browser without B's binding")
            } catch {
                try await other.asyncShutdown()
                throw error
            }
            try await other.asyncShutdown()
        }
    }
}
