import Foundation
import Testing

@testable import WeChatKit

@Suite struct ResponseDecoderTests {
    let cap = 1 << 20

    func decode<T: Decodable>(_ type: T.Type, _ response: TransportResponse) throws(WeChatError) -> T {
        try ResponseDecoder.decode(type, from: response, endpoint: "/test", maxBodySize: cap)
    }

    @Test func userTokenWithoutUnionID() throws {
        let now = Date(timeIntervalSince1970: 1_000)
        let token = try decode(UserTokenResponse.self, try Fixtures.response("sns_oauth2_access_token")).userToken(receivedAt: now)
        #expect(token.accessToken == "ACCESS_TOKEN")
        #expect(token.refreshToken == "REFRESH_TOKEN")
        #expect(token.openID == "OPENID")
        #expect(token.expiresAt == now.addingTimeInterval(7200))
        #expect(token.scopes == [OAuthScope(rawValue: "SCOPE")])
        #expect(token.unionID == nil)
        #expect(!token.isSnapshotUser)
    }

    @Test func realBaseScopeSample() throws {
        let token = try decode(UserTokenResponse.self, try Fixtures.response("sns_oauth2_access_token_base"))
            .userToken(receivedAt: Date(timeIntervalSince1970: 0))
        #expect(token.scopes == [.snsapiBase])
        #expect(token.openID == "oLrmn5rh9480z38etS-YMCDD-cwc")
    }

    @Test func userTokenWithUnionIDAndSnapshotFlag() throws {
        let token = try decode(UserTokenResponse.self, try Fixtures.response("sns_oauth2_access_token_snapshot_unionid"))
            .userToken(receivedAt: Date(timeIntervalSince1970: 0))
        #expect(token.unionID == "oR5GjjgEhCMJFyzaVZdrxZ2zRRF4")
        #expect(token.isSnapshotUser)
        #expect(token.scopes == [.snsapiUserinfo])
    }

    @Test func refreshShapeAndCommaSeparatedScopes() throws {
        let body = #"{"access_token":"A","expires_in":7200,"refresh_token":"R","openid":"O","scope":"snsapi_base,snsapi_userinfo"}"#
        let token = try decode(UserTokenResponse.self, .json(body)).userToken(receivedAt: Date(timeIntervalSince1970: 0))
        #expect(token.scopes == [.snsapiBase, .snsapiUserinfo])
        let fixture = try decode(UserTokenResponse.self, try Fixtures.response("sns_oauth2_refresh_token"))
        #expect(fixture.refreshToken == "REFRESH_TOKEN")
    }

    @Test func snsAuthOK() throws {
        _ = try decode(Acknowledgement.self, try Fixtures.response("sns_auth"))
    }

    @Test func snsAuth40003() throws {
        let error = #expect(throws: WeChatError.api(.invalidOpenID)) {
            try decode(Acknowledgement.self, try Fixtures.response("sns_auth_40003"))
        }
        #expect(error?.rid == "62246a80-00401253-0f5aa6b3")
    }

    @Test(arguments: ["sns_userinfo_string_sex", "sns_userinfo_numeric_sex"])
    func userInfoWithSexAsStringOrNumber(_ fixture: String) throws {
        let info = try decode(UserInfo.self, try Fixtures.response(fixture))
        #expect(info.sex == .male)
        #expect(info.openID == "OPENID")
        #expect(info.unionID == "o6_bmasdasdsad6_2sgVt7hMZOPfL")
        #expect(!info.privileges.isEmpty)
        #expect(info.headImageURL.hasSuffix("/46"))
    }

    @Test func userInfoChineseText() throws {
        let info = try decode(UserInfo.self, try Fixtures.response("sns_userinfo_numeric_sex"))
        #expect(info.nickname == "巧克力")
        #expect(info.province == "广东")
        #expect(info.privileges == ["chinaunicom"])
    }

    @Test(arguments: ["sns_userinfo_blank", "sns_userinfo_empty_privilege"])
    func userInfoAfterThe2021PolicyChange(_ fixture: String) throws {
        let info = try decode(UserInfo.self, try Fixtures.response(fixture))
        #expect(info.sex == .unknown)
        #expect(info.province.isEmpty && info.city.isEmpty && info.country.isEmpty && info.headImageURL.isEmpty)
        #expect(info.privileges.isEmpty)
        #expect(info.unionID == nil)
    }

    @Test(arguments: [#""2""#, "2"])
    func femaleSex(_ sex: String) throws {
        let info = try decode(UserInfo.self, .json(#"{"openid":"o","nickname":"n","sex":\#(sex)}"#))
        #expect(info.sex == .female)
    }

    @Test func cgiBinTokenAndStableToken() throws {
        let now = Date(timeIntervalSince1970: 0)
        let classic = try decode(AccessTokenResponse.self, try Fixtures.response("token")).accessToken(receivedAt: now)
        #expect(classic.value == "1234567890")
        #expect(classic.expiresAt == now.addingTimeInterval(7200))
        let stable = try decode(AccessTokenResponse.self, try Fixtures.response("stable_token"))
        #expect(stable.accessToken == "STABLE_TOKEN_1")
    }

    @Test func templateSendMsgIDBeyondDoublePrecision() throws {
        let response = try decode(TemplateSendResponse.self, try Fixtures.response("template_send"))
        #expect(response.msgid == 3_487_542_469_355_618_313)
        #expect(response.msgid > 1 << 53)
    }

    @Test(arguments: [
        ("error_40029_rid", WeChatErrorCode.invalidCode, "62246a80-00401253-0f5aa6b3"),
        ("error_40163_req_id", .codeBeenUsed, "plAv90053th21"),
        ("error_40125_hint", .invalidAppSecret, "EXUzia07273064"),
        ("error_40001", .invalidCredential, "6566b2a1-1c3c5a0e-3b2e0f4d"),
        ("error_43004", .requireSubscribe, "6566b2a1-1c3c5a0e-3b2e0f4e"),
    ])
    func errorsKeepErrmsgAndExposeRid(_ fixture: String, _ code: WeChatErrorCode, _ rid: String) throws {
        let response = try Fixtures.response(fixture)
        let error = #expect(throws: WeChatError.api(code)) { try decode(UserTokenResponse.self, response) }
        #expect(error?.rid == rid)
        #expect(error?.errmsg?.contains(rid) == true)
        #expect(error?.endpoint == "/test")
    }

    @Test func errcodeWinsOverContentTypeAndStatus() throws {
        let withJSONType = TransportResponse.json(#"{"errcode":45009,"errmsg":"reach max api daily quota limit"}"#, contentType: "application/json; encoding=utf-8")
        #expect(throws: WeChatError.api(.dailyQuotaReached)) { try decode(AccessTokenResponse.self, withJSONType) }
        let noContentType = TransportResponse(status: 200, headers: [], body: Array(#"{"access_token":"T","expires_in":7200}"#.utf8))
        #expect(try decode(AccessTokenResponse.self, noContentType).accessToken == "T")
        let status500WithErrcode = TransportResponse.json(#"{"errcode":-1,"errmsg":"system error"}"#, status: 500)
        #expect(throws: WeChatError.api(.systemError)) { try decode(AccessTokenResponse.self, status500WithErrcode) }
    }

    @Test func errcodeZeroIsSuccess() throws {
        let response = TransportResponse.json(#"{"errcode":0,"errmsg":"ok","access_token":"T","expires_in":7200}"#)
        #expect(try decode(AccessTokenResponse.self, response).accessToken == "T")
    }

    @Test func http500WithoutBodyIsTransport() {
        let error = #expect(throws: WeChatError.transport) {
            try decode(AccessTokenResponse.self, TransportResponse(status: 500, headers: [], body: []))
        }
        #expect(error?.httpStatus == 500)
    }

    @Test func http502WithHTMLIsTransport() {
        #expect(throws: WeChatError.transport) {
            try decode(AccessTokenResponse.self, .json("<html>Bad Gateway</html>", status: 502, contentType: "text/html"))
        }
    }

    @Test func oversizedBodyIsRejected() {
        let big = TransportResponse.json(#"{"access_token":""# + String(repeating: "A", count: 2_000) + #"","expires_in":7200}"#)
        #expect(throws: WeChatError.responseTooLarge) {
            try ResponseDecoder.decode(AccessTokenResponse.self, from: big, endpoint: "/t", maxBodySize: 1_024)
        }
    }

    @Test(arguments: ["", "not json", "{", "[]", "null", #"{"errcode":"x"}"#, #"{"access_token":1,"expires_in":7200}"#])
    func junkIsADecodingError(_ body: String) {
        #expect(throws: WeChatError.decoding) { try decode(AccessTokenResponse.self, .json(body)) }
    }

    @Test func missingFieldNamesTheFieldButNoValues() {
        let error = #expect(throws: WeChatError.decoding) {
            try decode(UserTokenResponse.self, .json(#"{"access_token":"SECRET_VALUE","expires_in":7200}"#))
        }
        #expect(error?.description.contains("refresh_token") == true)
        #expect(error?.description.contains("SECRET_VALUE") == false)
    }

    @Test func hugeOrNegativeExpiresInIsBounded() throws {
        let now = Date(timeIntervalSince1970: 0)
        let huge = try decode(AccessTokenResponse.self, .json(#"{"access_token":"T","expires_in":9223372036854775807}"#))
        #expect(huge.accessToken(receivedAt: now).expiresAt <= now.addingTimeInterval(366 * 24 * 3600))
        let negative = try decode(AccessTokenResponse.self, .json(#"{"access_token":"T","expires_in":-5}"#))
        #expect(negative.accessToken(receivedAt: now).expiresAt == now)
    }
}
