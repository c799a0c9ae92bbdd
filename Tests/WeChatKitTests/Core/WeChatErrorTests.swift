import Testing

@testable import WeChatKit

@Suite struct WeChatErrorTests {
    @Test(arguments: [
        ("invalid code, rid: 62246a80-00401253-0f5aa6b3", "62246a80-00401253-0f5aa6b3"),
        ("invalid appsecret rid: 62246a80-00401253-0f5aa6b4", "62246a80-00401253-0f5aa6b4"),
        ("invalid appsecret, view more at http://t.cn/RAEkdVq hint: [EXUzia07273064]", "EXUzia07273064"),
        ("code been used, hints: [ req_id: plAv90053th21 ]", "plAv90053th21"),
    ])
    func ridIsParsedOutOfErrmsg(_ errmsg: String, _ rid: String) {
        let error = WeChatError(.api(.invalidCode), errmsg: errmsg, endpoint: "/sns/oauth2/access_token")
        #expect(error.rid == rid)
        #expect(error.errmsg == errmsg)
        #expect(error.description.contains(errmsg))
    }

    @Test func noRidWhenAbsent() {
        #expect(WeChatError(.api(.systemError), errmsg: "system error").rid == nil)
        #expect(WeChatError.timeout.rid == nil)
    }

    @Test func equalityComparesKindAndCode() {
        let error = WeChatError(.api(.codeBeenUsed), errmsg: "code been used", endpoint: "/x", httpStatus: 200)
        #expect(error == .api(.codeBeenUsed))
        #expect(error != .api(.invalidCode))
        #expect(error != .transport)
        #expect(error.code == .codeBeenUsed)
        #expect(error.isAPIError)
        #expect(WeChatError(.timeout, detail: "x") == .timeout)
    }

    @Test(arguments: [
        (WeChatError.transport, WeChatErrorCode.Category.retryable),
        (.timeout, .retryable),
        (.decoding, .permanent),
        (.responseTooLarge, .permanent),
        (.invalidArgument, .permanent),
        (.api(.accessTokenExpired), .tokenInvalid),
        (.api(.requireSubscribe), .userActionRequired),
    ])
    func errorCategories(_ error: WeChatError, _ category: WeChatErrorCode.Category) {
        #expect(error.category == category)
    }

    @Test func descriptionNamesEndpointStatusAndCode() {
        let error = WeChatError(.api(.invalidCode), errmsg: "invalid code, rid: 1-2-3", endpoint: "/sns/oauth2/access_token", httpStatus: 200)
        #expect(error.description == "WeChat API error 40029 (invalid code) at /sns/oauth2/access_token (HTTP 200): invalid code, rid: 1-2-3")
        #expect(WeChatError(.transport, endpoint: "/sns/auth", httpStatus: 500, detail: "unexpected HTTP status").description
            == "WeChat transport failure at /sns/auth (HTTP 500): unexpected HTTP status")
    }
}
