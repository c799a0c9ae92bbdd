import Fluent
import Foundation
import Testing
import WeChatKit
import WeChatSandbox
@testable import LoginServer

/// `/wechat/events`: URL verification, pushes from the sandbox over real HTTP, and everything a push can get wrong.
@Suite(.serialized) struct WeChatEventsTests {
    /// A push signed (and in safe mode encrypted) like WeChat's, for the sandbox's official account.
    func signedPush(_ world: LoginWorld, xml: String, nonce: String = UUID().uuidString.prefix(8).lowercased(),
                    timestamp: Int? = nil, token: String? = nil) throws -> (query: String, body: String) {
        let configuration = try #require(world.services.configuration.messageServer)
        let ts = String(timestamp ?? Int(world.clock.now().timeIntervalSince1970))
        let signature = MessageSignature.plain(token: token ?? configuration.token, timestamp: ts, nonce: nonce)
        var query = "signature=\(signature)&timestamp=\(ts)&nonce=\(nonce)"
        guard configuration.mode != .plaintext, let key = configuration.encodingAESKey else { return (query, xml) }
        let crypto = MessageCrypto(token: configuration.token, appID: configuration.appID, key: key)
        let encrypted = try crypto.encrypt(xml, timestamp: ts, nonce: nonce)
        query += "&encrypt_type=aes&msg_signature=\(encrypted.msgSignature)"
        return (query, "<xml><ToUserName><![CDATA[gh_5a1c9e0b3d7f]]></ToUserName><Encrypt><![CDATA[\(encrypted.encrypt)]]></Encrypt></xml>")
    }

    func subscribeXML(_ openID: String, time: Int = 1_700_000_000) -> String {
        "<xml><ToUserName><![CDATA[gh_5a1c9e0b3d7f]]></ToUserName><FromUserName><![CDATA[\(openID)]]></FromUserName><CreateTime>\(time)</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[]]></EventKey></xml>"
    }

    func post(_ world: LoginWorld, _ push: (query: String, body: String)) async throws -> Browser.Result {
        try await world.browser().send(.POST, "\(LoginWorld.serverBase)/wechat/events?\(push.query)",
                                       body: push.body, contentType: "text/xml")
    }

    @Test func urlVerificationEchoesOnlyForAValidSignature() async throws {
        try await LoginWorld.with { world in
            let configuration = try #require(world.services.configuration.messageServer)
            let ts = String(Int(world.clock.now().timeIntervalSince1970))
            let signature = MessageSignature.plain(token: configuration.token, timestamp: ts, nonce: "n1")
            let ok = try await world.browser().get(
                "\(LoginWorld.serverBase)/wechat/events?signature=\(signature)&timestamp=\(ts)&nonce=n1&echostr=hello123")
            #expect(ok.status == 200)
            #expect(ok.body == "hello123")
            let forged = try await world.browser().get(
                "\(LoginWorld.serverBase)/wechat/events?signature=\(String(repeating: "0", count: 40))&timestamp=\(ts)&nonce=n1&echostr=hello123")
            #expect(forged.status == 403)
            #expect(!forged.body.contains("hello123"))
        }
    }

    @Test func theEndpointIsClosedWhenNotConfigured() async throws {
        try await LoginWorld.with(adjust: { $0.messageServer = nil }) { world in
            let closed = try await world.browser().get("\(LoginWorld.serverBase)/wechat/events?echostr=x")
            #expect(closed.status == 404)
        }
    }

    @Test func followAndUnfollowFromTheSandboxUpdateTheIdentity() async throws {
        try await LoginWorld.with { world in
            try await world.listenForPushes()
            let phone = world.browser(userAgent: Browser.weChatUserAgent)
            _ = try await phone.weChatLogin(as: "u3")
            let identity = try #require(try await WeChatIdentity.query(on: world.server.db).first())
            #expect(identity.following == nil)
            try await world.control(.POST, "users/u3/follow", json: #"{"appid":"\#(world.officialAccountID)"}"#)
            try await world.waitFor { try await WeChatIdentity.find(identity.id, on: world.server.db)?.following == true }
            try await world.control(.POST, "users/u3/unfollow", json: #"{"appid":"\#(world.officialAccountID)"}"#)
            try await world.waitFor { try await WeChatIdentity.find(identity.id, on: world.server.db)?.following == false }
            #expect(try await world.count(InboundEvent.self) == 2)
            let pushes = try await world.control(.GET, "pushes").body
            #expect(pushes.contains("acknowledged"))
            #expect(!pushes.contains("\"failed\""))
        }
    }

    @Test func aRepeatedPushIsAcknowledgedAndRecordedOnce() async throws {
        try await LoginWorld.with { world in
            let push = try signedPush(world, xml: subscribeXML("oRepeatxxxxxxxxxxxxxxxxxxxxx"))
            let first = try await post(world, push)
            #expect(first.status == 200 && first.body == "success")
            let again = try await post(world, push)
            #expect(again.status == 200 && again.body == "success", "WeChat's retry is acknowledged")
            let sameMessageNewNonce = try signedPush(world, xml: subscribeXML("oRepeatxxxxxxxxxxxxxxxxxxxxx"))
            #expect(try await post(world, sameMessageNewNonce).body == "success")
            #expect(try await world.count(InboundEvent.self) == 1)
        }
    }

    @Test func forgedStaleAndMalformedPushesAreRefused() async throws {
        try await LoginWorld.with { world in
            let forged = try signedPush(world, xml: subscribeXML("oForgedxxxxxxxxxxxxxxxxxxxxx"), token: "wrong")
            #expect(try await post(world, forged).status == 403)
            let stale = try signedPush(world, xml: subscribeXML("oStalexxxxxxxxxxxxxxxxxxxxxx"),
                                       timestamp: Int(world.clock.now().timeIntervalSince1970) - 3600)
            #expect(try await post(world, stale).status == 403)
            let bomb = """
            <?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\
            <xml><ToUserName><![CDATA[gh_5a1c9e0b3d7f]]></ToUserName><FromUserName>&lol2;</FromUserName></xml>
            """
            #expect(try await post(world, try signedPush(world, xml: bomb)).status == 400)
            #expect(try await post(world, try signedPush(world, xml: "<xml><unclosed>")).status == 400)
            let huge = try signedPush(world, xml: "<xml>" + String(repeating: "a", count: 100_000) + "</xml>")
            #expect(try await post(world, huge).status == 413)
            #expect(try await world.count(InboundEvent.self) == 0)
        }
    }

    /// The spec's vector C (§12.2): the official sample's Token, EncodingAESKey and AppID, with a subscribe push.
    static let vectorXML = "<xml><ToUserName><![CDATA[gh_7f083739789a]]></ToUserName><FromUserName><![CDATA[oia2TjuEGTNoeX76QEjQNrcURxG8]]></FromUserName><CreateTime>1409304348</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[]]></EventKey></xml>"
    static let vectorEncrypt = "jn1L23DB+6ELqJ+6bruv27f6bJLdOO8Vu+tLTnsEt+BiE7YjyucHVl/2NZjShtalfYC0c5x3qHZiCnWtXdElnQnbcXfdM0nra+7/Ma0Z9UVHIdYyKIjoMdFnW3DkWoVdb6LUVfKvebXpSMB+SbGB3MVJ2n9OQl3zzkqFboHaU6BHLwEUiUNv7YFmBikNmkBDt0W0D1maPtb6C5tDOMvJgaYOaNs/4F406bZ5qxcJm60I/q7FgHmnjQk7H+lvTVxRT5i448UuiHsC7JwPdej5L9KnZGz2hbiOmYxUIxCRjBdEt8tT/6c+3l/Fl73ryPSsM6moFWsaUo6NjGblb4XnxOFTSZHII5zTCwTPZDVgzzRbCMXLd06j/MAxAs6wUcLhyIrZP2zcWlrvu1i75EfOzChfV8LYZpe4FzPjEswyosQ="
    static let vectorQuery = "signature=76480565cbe296026c53aaacd1ad523a1ddba24f&timestamp=1409304348&nonce=xxxxxx&openid=oia2TjuEGTNoeX76QEjQNrcURxG8"

    static func vectorServer(_ mode: MessageServer.Configuration.Mode) throws -> MessageServer.Configuration {
        MessageServer.Configuration(token: "pamtest", appID: "wxb11529c136998cb6", mode: mode,
                                    encodingAESKey: try EncodingAESKey("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"))
    }

    @Test(arguments: [MessageServer.Configuration.Mode.plaintext, .safe])
    func theSpecsVectorPushIsAcceptedOnceAndItsTamperedCopiesAreNot(_ mode: MessageServer.Configuration.Mode) async throws {
        let server = try Self.vectorServer(mode)
        try await LoginWorld.with(adjust: { $0.messageServer = server }) { world in
            // The vector was signed in 2014: the server's clock goes back to it, so the timestamp is fresh.
            world.clock.advance(by: 1_409_304_348 - world.clock.now().timeIntervalSince1970)
            let (query, body) = mode == .plaintext
                ? (Self.vectorQuery, Self.vectorXML)
                : (Self.vectorQuery + "&encrypt_type=aes&msg_signature=374855fbb139c5077209c09e52eb5babb199aee5",
                   "<xml><ToUserName><![CDATA[gh_7f083739789a]]></ToUserName><Encrypt><![CDATA[\(Self.vectorEncrypt)]]></Encrypt></xml>")
            let tampered = mode == .plaintext
                ? query.replacingOccurrences(of: "signature=7648", with: "signature=7649")
                : query.replacingOccurrences(of: "msg_signature=3748", with: "msg_signature=3749")
            let forged = try await post(world, (tampered, body))
            #expect(forged.status == 403)
            let accepted = try await post(world, (query, body))
            #expect(accepted.status == 200 && accepted.body == "success", "\(accepted.body)")
            let replayed = try await post(world, (query, body))
            #expect(replayed.status == 200 && replayed.body == "success", "a replay is acknowledged, not applied twice")
            let events = try await InboundEvent.query(on: world.server.db).all()
            #expect(events.count == 1)
            #expect(events.first?.openID == "oia2TjuEGTNoeX76QEjQNrcURxG8")
            #expect(events.first?.event == "subscribe")
        }
    }
}

extension LoginWorld {
    /// Waits (bounded, real time) until `condition` holds; records an issue when it never does.
    func waitFor(_ condition: () async throws -> Bool) async throws {
        for _ in 0..<100 {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the condition never held")
    }
}
