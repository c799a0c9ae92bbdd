import Foundation
import Testing

@testable import WeChatKit

@Suite struct QRCodeClientTests {
    func makeClients(_ transport: FakeTransport) -> (QRCodeClient, FollowerClient, AccessTokenProvider) {
        let clock = ManualClock()
        let provider = TestClients.provider(transport, clock: clock, store: InMemoryAccessTokenStore(clock: clock))
        let configuration = WeChatClientConfiguration(endpoint: .sandbox(baseURL: "http://127.0.0.1:8080"))
        let qr = QRCodeClient(tokenProvider: provider, configuration: configuration, transport: transport,
                              clock: clock, logger: .silent)
        let followers = FollowerClient(tokenProvider: provider, configuration: configuration, transport: transport,
                                       clock: clock, logger: .silent)
        return (qr, followers, provider)
    }

    @Test func createsATemporaryStringSceneWithTheOrdinaryToken() async throws {
        let transport = TemplateMessageClientTests.wechat { _ in
            .json(#"{"ticket":"gQH47joAAAAA","expire_seconds":300,"url":"http://weixin.qq.com/q/kZgfwMTm72WWPkovabbI"}"#)
        }
        let (client, _, _) = makeClients(transport)
        let ticket = try await client.create(.temporary(.string("login-abc"), expireSeconds: 300))
        #expect(ticket == QRCodeTicket(ticket: "gQH47joAAAAA", expireSeconds: 300, url: "http://weixin.qq.com/q/kZgfwMTm72WWPkovabbI"))
        let create = try #require(await transport.requests.last)
        #expect(create.method == .POST)
        #expect(create.url == "http://127.0.0.1:8080/cgi-bin/qrcode/create?access_token=TOKEN_1")
        #expect(create.jsonBody["action_name"] as? String == "QR_STR_SCENE")
        #expect(create.jsonBody["expire_seconds"] as? Int == 300)
        let scene = (create.jsonBody["action_info"] as? [String: Any])?["scene"] as? [String: Any]
        #expect(scene?["scene_str"] as? String == "login-abc")
        #expect(scene?["scene_id"] == nil)
    }

    @Test(arguments: [
        (ParametricQRCode.temporary(.id(42)), "QR_SCENE"), (.temporary(.string("s")), "QR_STR_SCENE"),
        (.permanent(.id(7)), "QR_LIMIT_SCENE"), (.permanent(.string("s")), "QR_LIMIT_STR_SCENE"),
    ])
    func actionNames(_ code: ParametricQRCode, _ name: String) throws {
        #expect(code.actionName == name)
        try code.validate()
    }

    @Test func aPermanentCodeSendsNoLifetime() async throws {
        let transport = TemplateMessageClientTests.wechat { _ in
            .json(#"{"ticket":"T","url":"http://weixin.qq.com/q/x"}"#)
        }
        let (client, _, _) = makeClients(transport)
        let ticket = try await client.create(.permanent(.id(100_000)))
        #expect(ticket.expireSeconds == nil)
        let body = try #require(await transport.requests.last).jsonBody
        #expect(body["expire_seconds"] == nil)
        #expect(((body["action_info"] as? [String: Any])?["scene"] as? [String: Any])?["scene_id"] as? Int == 100_000)
    }

    @Test(arguments: [
        ParametricQRCode.temporary(.id(0)), .temporary(.id(Int64(UInt32.max) + 1)), .permanent(.id(0)),
        .permanent(.id(100_001)), .temporary(.string("")), .temporary(.string(String(repeating: "x", count: 65))),
        .temporary(.string("s"), expireSeconds: 0), .temporary(.string("s"), expireSeconds: 2_592_001),
    ])
    func codesOutsideTheLimitsAreRefusedLocally(_ code: ParametricQRCode) async throws {
        let transport = TemplateMessageClientTests.wechat { _ in .json(#"{"ticket":"T","url":"u"}"#) }
        let (client, _, _) = makeClients(transport)
        await #expect(throws: WeChatError.invalidArgument) { try await client.create(code) }
        #expect(await transport.requestCount == 0)
    }

    @Test func aStaleTokenIsRecoveredOnceAndOtherErrorsAreNotRetried() async throws {
        let stale = TemplateMessageClientTests.wechat { request in
            if request.query["access_token"] == "TOKEN_1" { return try Fixtures.response("error_40001") }
            return .json(#"{"ticket":"T2","expire_seconds":60,"url":"http://weixin.qq.com/q/2"}"#)
        }
        let (client, _, provider) = makeClients(stale)
        #expect(try await client.create(.temporary(.id(1))).ticket == "T2")
        #expect(await stale.count(path: "/cgi-bin/qrcode/create") == 2)
        #expect(await provider.fetchCount == 2)

        let unverified = TemplateMessageClientTests.wechat { _ in .json(#"{"errcode":48001,"errmsg":"api unauthorized"}"#) }
        let (other, _, _) = makeClients(unverified)
        await #expect(throws: WeChatError.api(WeChatErrorCode(48001))) { try await other.create(.temporary(.id(1))) }
        #expect(await unverified.count(path: "/cgi-bin/qrcode/create") == 1)
    }

    @Test func theImageURLIsOnTheMPHostWithTheTicketEncoded() async throws {
        let transport = TemplateMessageClientTests.wechat { _ in .json("{}") }
        let clock = ManualClock()
        let provider = TestClients.provider(transport, clock: clock, store: InMemoryAccessTokenStore(clock: clock))
        let production = QRCodeClient(tokenProvider: provider, configuration: .init(endpoint: .production),
                                      transport: transport, clock: clock, logger: .silent)
        #expect(production.imageURL(ticket: "gQH4/8+w==") == "https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=gQH4%2F8%2Bw%3D%3D")
        let (sandbox, _, _) = makeClients(transport)
        #expect(sandbox.imageURL(ticket: "T") == "http://127.0.0.1:8080/cgi-bin/showqrcode?ticket=T")
    }

    @Test func theImageIsFetchedWithoutATokenAndAnExpiredTicketFails() async throws {
        let transport = FakeTransport { request in
            if request.query["ticket"] == "GOOD" {
                return TransportResponse(status: 200, headers: [("Content-Type", "image/png")], body: [0x89, 0x50, 0x4E, 0x47])
            }
            return TransportResponse(status: 404, headers: [("Content-Type", "text/html")], body: Array("gone".utf8))
        }
        let (client, _, _) = makeClients(transport)
        let image = try await client.image(ticket: "GOOD")
        #expect(image == QRCodeImage(bytes: [0x89, 0x50, 0x4E, 0x47], contentType: "image/png"))
        #expect(try #require(await transport.requests.first).query["access_token"] == nil)
        let error = await #expect(throws: WeChatError.transport) { try await client.image(ticket: "OLD") }
        #expect(error?.httpStatus == 404)
    }

    @Test func theFollowersUnionIDIsRead() async throws {
        let transport = TemplateMessageClientTests.wechat { request in
            #expect(request.path == "/cgi-bin/user/info")
            #expect(request.query["openid"] == "o6_bmjrPTlm6_2sgVt7hMZOPfL2M")
            return .json(#"{"subscribe":1,"openid":"o6_bmjrPTlm6_2sgVt7hMZOPfL2M","language":"zh_CN","subscribe_time":1382694957,"unionid":"o6_bmasdasdsad6_2sgVt7hMZOPfL","remark":"","groupid":0}"#)
        }
        let (_, followers, _) = makeClients(transport)
        let follower = try await followers.follower(openID: "o6_bmjrPTlm6_2sgVt7hMZOPfL2M")
        #expect(follower == Follower(openID: "o6_bmjrPTlm6_2sgVt7hMZOPfL2M", isFollowing: true,
                                     unionID: "o6_bmasdasdsad6_2sgVt7hMZOPfL", subscribeTime: 1_382_694_957))

        let notFollowing = TemplateMessageClientTests.wechat { _ in .json(#"{"subscribe":0,"openid":"o1","unionid":""}"#) }
        let (_, others, _) = makeClients(notFollowing)
        #expect(try await others.follower(openID: "o1") == Follower(openID: "o1", isFollowing: false))
        await #expect(throws: WeChatError.invalidArgument) { try await others.follower(openID: "") }
    }
}
