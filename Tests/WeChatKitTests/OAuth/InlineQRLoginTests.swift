import Foundation
import Testing

@testable import WeChatKit

@Suite struct InlineQRLoginTests {
    let state = OAuthState(rawValue: "STATE123")!

    @Test func frameURLMatchesWxLoginJS() {
        let login = InlineQRLogin(
            containerID: "login_container", appID: "wxbdc5610cc59c1631", redirectURI: "https://passport.example.com/cb?x=1",
            state: state)
        #expect(
            login.frameURL()
                == "https://open.weixin.qq.com/connect/qrconnect?appid=wxbdc5610cc59c1631&scope=snsapi_login&redirect_uri=https%3A%2F%2Fpassport.example.com%2Fcb%3Fx%3D1&state=STATE123&login_type=jssdk&self_redirect=default&styletype=&sizetype=&bgcolor=&rst="
        )
    }

    @Test(arguments: [(true as Bool?, "true"), (false, "false"), (nil, "default")])
    func selfRedirectValues(_ flag: Bool?, _ expected: String) {
        let login = InlineQRLogin(containerID: "c", appID: "wx1", redirectURI: "https://a/b", state: state, selfRedirect: flag)
        #expect(login.frameURL().contains("&login_type=jssdk&self_redirect=\(expected)&"))
    }

    @Test func styleAndHrefAreAppendedAsIs() {
        let login = InlineQRLogin(
            containerID: "c", appID: "wx1", redirectURI: "https://a/b", state: state, selfRedirect: true, style: .white,
            stylesheetURL: "https://cdn.example.com/wx.css", language: .english)
        let url = login.frameURL(endpoint: .sandbox(baseURL: "http://127.0.0.1:9000"))
        #expect(url.hasPrefix("http://127.0.0.1:9000/connect/qrconnect?appid=wx1&"))
        #expect(url.hasSuffix("&rst=&style=white&href=https://cdn.example.com/wx.css&lang=en"))
        #expect(!url.contains("response_type"))
        #expect(!url.contains("#wechat_redirect"))
    }

    @Test func optionsEncodeAsWxLoginExpects() throws {
        let login = InlineQRLogin(
            containerID: "login_container", appID: "wx1", redirectURI: "https://a.example/cb", state: state,
            selfRedirect: false, style: .black, styleLite: true, fastLogin: false)
        let data = try JSONEncoder().encode(login.options)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["id"] as? String == "login_container")
        #expect(object["appid"] as? String == "wx1")
        #expect(object["scope"] as? String == "snsapi_login")
        #expect(object["redirect_uri"] as? String == "https%3A%2F%2Fa.example%2Fcb")
        #expect(object["state"] as? String == "STATE123")
        #expect(object["self_redirect"] as? Bool == false)
        #expect(object["style"] as? String == "black")
        #expect(object["stylelite"] as? Int == 1)
        #expect(object["fast_login"] as? Int == 0)
        #expect(object["href"] == nil)
        #expect(object["lang"] == nil)
    }
}
