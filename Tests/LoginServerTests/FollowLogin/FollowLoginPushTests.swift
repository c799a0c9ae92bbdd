import Foundation
import Testing
@testable import LoginServer

/// The push side of follow-to-sign-in with pushes the test signs itself: the events endpoint's checks stay in front
/// of the scene (a forged push marks nothing), a repeat is harmless, and only this account's own scenes are touched.
@Suite(.serialized) struct FollowLoginPushTests {
    let events = WeChatEventsTests()

    /// A browser whose cookie carries a binding (any `/login` mints one) and a pending scene stored under it, as
    /// `FollowLogin.begin` stores one (no QR code is asked of the sandbox).
    func pendingScene(_ world: LoginWorld, lifetime: TimeInterval = 300) async throws -> (Browser, String) {
        let browser = world.browser()
        _ = try await browser.get("\(LoginWorld.serverBase)/login?return_to=%2Faccount")
        let configuration = world.services.configuration
        let raw = try #require(browser.cookies["login.test"]?[configuration.cookieName(BrowserBindingCookie.baseName)])
        let binding = try #require(BrowserBindingCookie(cookieValue: raw, key: configuration.bindingKey).bindings.first)
        let scene = FollowLogin.scenePrefix + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        let now = world.clock.now()
        try await FollowLoginSceneStore(database: world.server.db).create(.init(
            scene: scene, browserBindingHash: binding.hash, appID: world.officialAccountID, ticket: "T-\(scene)",
            qrURL: "http://weixin.qq.com/q/x", returnTo: "/account", status: .pending, createdAt: now,
            expiresAt: now.addingTimeInterval(lifetime)))
        return (browser, scene)
    }

    func scanXML(_ openID: String, event: String, key: String, ticket: String, time: Int = 1_700_000_100) -> String {
        "<xml><ToUserName><![CDATA[gh_5a1c9e0b3d7f]]></ToUserName><FromUserName><![CDATA[\(openID)]]></FromUserName><CreateTime>\(time)</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[\(event)]]></Event><EventKey><![CDATA[\(key)]]></EventKey><Ticket><![CDATA[\(ticket)]]></Ticket></xml>"
    }

    @Test func aForgedPushMarksNothingAndASignedOneMarksTheSceneOnce() async throws {
        try await LoginWorld.with(adjust: FollowLoginTests.adjust) { world in
            let (browser, scene) = try await pendingScene(world)
            let xml = scanXML("oFollower1", event: "subscribe", key: "qrscene_\(scene)", ticket: "T-\(scene)")
            let forged = try events.signedPush(world, xml: xml, token: "not-the-token")
            #expect(try await events.post(world, forged).status == 403)
            #expect(try await world.scene(scene).status == .pending, "a forged push marks nothing")
            let stale = try events.signedPush(world, xml: xml, timestamp: Int(world.clock.now().timeIntervalSince1970) - 3600)
            #expect(try await events.post(world, stale).status == 403)
            #expect(try await world.scene(scene).status == .pending, "a stale push marks nothing")

            let wrongTicket = scanXML("oFollower1", event: "SCAN", key: scene, ticket: "another-ticket", time: 1_700_000_050)
            #expect(try await events.post(world, try events.signedPush(world, xml: wrongTicket)).status == 200)
            #expect(try await world.scene(scene).status == .pending, "a push whose ticket is not the scene's marks nothing")

            #expect(try await events.post(world, try events.signedPush(world, xml: xml)).status == 200)
            #expect(try await world.scene(scene).openID == "oFollower1")
            let other = scanXML("oSomeoneElse", event: "SCAN", key: scene, ticket: "T-\(scene)", time: 1_700_000_200)
            #expect(try await events.post(world, try events.signedPush(world, xml: other)).status == 200)
            #expect(try await world.scene(scene).openID == "oFollower1", "a second scan does not take the scene over")

            // The openid is unknown to the sandbox: user/info refuses it for good, so the sign-in goes on without a
            // unionid, to the binding step.
            let done = try await browser.followStatus(scene)
            #expect(done.json["status"] as? String == "needs_binding", "\(done.body)")
        }
    }

    @Test func scenesThatAreNotOursAreLeftAlone() async throws {
        try await LoginWorld.with(adjust: FollowLoginTests.adjust) { world in
            let (_, scene) = try await pendingScene(world)
            // The business's own parametric codes (no prefix) and integer scenes: recorded as pushes, nothing else.
            for key in ["qrscene_123", "qrscene_shop-poster", "qrscene_"] {
                let xml = scanXML("oF", event: "subscribe", key: key, ticket: "T-\(scene)", time: 1_700_000_300 + key.count)
                #expect(try await events.post(world, try events.signedPush(world, xml: xml)).status == 200)
            }
            #expect(try await world.scene(scene).status == .pending)
        }
    }
}
