import Foundation
import Testing

@testable import WeChatKit

@Suite struct TemplateMessageTests {
    let message = TemplateMessage(
        toUser: "OPENID",
        templateID: "ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY",
        url: "http://weixin.qq.com/download",
        miniProgram: .init(appID: "xiaochengxuappid12345", pagePath: "index?foo=bar"),
        data: [.init("keyword1", "巧克力"), .init("keyword2", "39.8元", color: "#173177"), .init("keyword3", "2014年9月22日")],
        clientMessageID: "MSG_000001")

    @Test func encodesTheDocumentedBody() throws {
        let data = try JSONEncoder().encode(message)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["touser"] as? String == "OPENID")
        #expect(object["template_id"] as? String == "ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY")
        #expect(object["url"] as? String == "http://weixin.qq.com/download")
        #expect(object["client_msg_id"] as? String == "MSG_000001")
        let mini = try #require(object["miniprogram"] as? [String: Any])
        #expect(mini["appid"] as? String == "xiaochengxuappid12345")
        #expect(mini["pagepath"] as? String == "index?foo=bar")
        let fields = try #require(object["data"] as? [String: [String: String]])
        #expect(fields["keyword1"] == ["value": "巧克力"])
        #expect(fields["keyword2"] == ["value": "39.8元", "color": "#173177"])
        #expect(fields.count == 3)
    }

    @Test func optionalFieldsAreOmitted() throws {
        let minimal = TemplateMessage(toUser: "o", templateID: "t", data: [.init("k", "v")])
        let object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(minimal)) as? [String: Any])
        #expect(Set(object.keys) == ["touser", "template_id", "data"])
    }

    @Test func roundTripsThroughJSON() throws {
        let decoded = try JSONDecoder().decode(TemplateMessage.self, from: JSONEncoder().encode(message))
        #expect(decoded == message)
    }
}
