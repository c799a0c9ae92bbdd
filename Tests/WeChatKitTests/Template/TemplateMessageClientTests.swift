import Foundation
import Testing

@testable import WeChatKit

@Suite struct TemplateMessageClientTests {
    let message = TemplateMessage(toUser: "oia2TjuEGTNoeX76QEjQNrcURxG8", templateID: "TEMPLATE", data: [.init("thing1", "hi")])

    /// A fake WeChat: `cgi-bin/token` mints TOKEN_n; `template/send` answers through `send`.
    static func wechat(send: @escaping @Sendable (TransportRequest) throws -> TransportResponse) -> FakeTransport {
        let counter = Counter()
        return FakeTransport { request in
            if request.path == "/cgi-bin/token" {
                return .json(#"{"access_token":"TOKEN_\#(counter.increment())","expires_in":7200}"#)
            }
            return try send(request)
        }
    }

    func makeClient(_ transport: FakeTransport) -> (TemplateMessageClient, AccessTokenProvider) {
        let clock = ManualClock()
        let provider = TestClients.provider(transport, clock: clock, store: InMemoryAccessTokenStore(clock: clock))
        let client = TemplateMessageClient(
            tokenProvider: provider, configuration: .init(endpoint: .sandbox(baseURL: "http://127.0.0.1:8080")),
            transport: transport, clock: clock, logger: .silent)
        return (client, provider)
    }

    @Test func sendsAndReturnsA64BitMsgID() async throws {
        let transport = Self.wechat { _ in try Fixtures.response("template_send") }
        let (client, _) = makeClient(transport)
        #expect(try await client.send(message) == 3_487_542_469_355_618_313)
        let send = try #require(await transport.requests.last)
        #expect(send.method == .POST)
        #expect(send.url == "http://127.0.0.1:8080/cgi-bin/message/template/send?access_token=TOKEN_1")
        #expect(send.jsonBody["touser"] as? String == "oia2TjuEGTNoeX76QEjQNrcURxG8")
    }

    @Test func aStaleTokenMeansOneRefetchAndOneResend() async throws {
        let transport = Self.wechat { request in
            if request.query["access_token"] == "TOKEN_1" { return try Fixtures.response("error_40001") }
            return .json(#"{"errcode":0,"errmsg":"ok","msgid":200228332}"#)
        }
        let (client, provider) = makeClient(transport)
        #expect(try await client.send(message) == 200_228_332)
        #expect(await transport.count(path: "/cgi-bin/token") == 2)
        #expect(await transport.count(path: "/cgi-bin/message/template/send") == 2)
        #expect(await provider.fetchCount == 2)
    }

    @Test(arguments: [
        (43004, WeChatErrorCode.Category.userActionRequired), (43019, .userActionRequired), (40003, .permanent),
        (40037, .permanent), (47003, .permanent), (45009, .quota), (48001, .permission),
    ])
    func failuresAreClassifiedAndNotRetried(_ code: Int, _ category: WeChatErrorCode.Category) async throws {
        let transport = Self.wechat { _ in .json(#"{"errcode":\#(code),"errmsg":"x rid: 1-2-3"}"#) }
        let (client, _) = makeClient(transport)
        let error = await #expect(throws: WeChatError.api(WeChatErrorCode(code))) { try await client.send(message) }
        #expect(error?.category == category)
        #expect(error?.rid == "1-2-3")
        #expect(await transport.count(path: "/cgi-bin/message/template/send") == 1)
    }

    @Test func systemErrorIsNotResent() async throws {
        let transport = Self.wechat { _ in try Fixtures.response("error_system") }
        let (client, _) = makeClient(transport)
        await #expect(throws: WeChatError.api(.systemError)) { try await client.send(message) }
        #expect(await transport.count(path: "/cgi-bin/message/template/send") == 1)
    }

    @Test func emptyMessagesAreRejectedLocally() async throws {
        let transport = Self.wechat { _ in try Fixtures.response("template_send") }
        let (client, _) = makeClient(transport)
        await #expect(throws: WeChatError.invalidArgument) {
            try await client.send(TemplateMessage(toUser: "", templateID: "t", data: [.init("k", "v")]))
        }
        await #expect(throws: WeChatError.invalidArgument) {
            try await client.send(TemplateMessage(toUser: "o", templateID: "t", data: []))
        }
        #expect(await transport.requestCount == 0)
    }
}
