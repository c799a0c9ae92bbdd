import Foundation
import Testing
@testable import WeChatSandbox

extension SandboxHarness {
    static func enc(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }

    /// The authorize URL in WeChat's parameter order.
    static func authorizePath(
        appID: String = oa, redirect: String = "http://localhost:9000/cb", scope: String = "snsapi_base",
        state: String? = "xyz", extra: String = ""
    ) -> String {
        var path = "/connect/oauth2/authorize?appid=\(appID)&redirect_uri=\(enc(redirect))&response_type=code&scope=\(scope)"
        if let state { path += "&state=\(state)" }
        return path + extra
    }

    /// The query items of a redirect location.
    static func query(of location: String) -> [String: String] {
        var result: [String: String] = [:]
        for item in URLComponents(string: location)?.queryItems ?? [] { result[item.name] = item.value ?? "" }
        return result
    }

    /// Runs the authorize page silently (consent allowed by header) and returns the code.
    func code(user: String = "u1", appID: String = oa, scope: String = "snsapi_base") async throws -> String {
        let result = try await get(
            Self.authorizePath(appID: appID, scope: scope), user: user, headers: [("X-Sandbox-Consent", "allow")])
        #expect(result.status == 302)
        return try #require(Self.query(of: result.location)["code"])
    }

    func exchange(_ code: String, appID: String = oa, secret: String = oaSecret) async throws -> HTTPResult {
        try await get("/sns/oauth2/access_token?appid=\(appID)&secret=\(secret)&code=\(code)&grant_type=authorization_code")
    }

    /// A user grant: (access_token, refresh_token, openid).
    func grant(user: String = "u1", scope: String = "snsapi_userinfo") async throws -> (String, String, String) {
        let result = try await exchange(try await code(user: user, scope: scope))
        return (try #require(result.string("access_token")), try #require(result.string("refresh_token")),
                try #require(result.string("openid")))
    }

    func serverToken(appID: String = oa, secret: String = oaSecret) async throws -> String {
        let result = try await get("/cgi-bin/token?grant_type=client_credential&appid=\(appID)&secret=\(secret)")
        return try #require(result.string("access_token"))
    }

    func sendTemplate(token: String, _ body: String) async throws -> HTTPResult {
        try await postJSON("/cgi-bin/message/template/send?access_token=\(token)", body)
    }

    static func templateBody(to openID: String, template: String = orderTemplate, clientMsgID: String? = nil) -> String {
        let msg = clientMsgID.map { #","client_msg_id":"\#($0)""# } ?? ""
        return #"{"touser":"\#(openID)","template_id":"\#(template)","url":"https://example.com"\#(msg),"data":{"first":{"value":"您好"},"keyword1":{"value":"A123"},"keyword2":{"value":"已发货"},"remark":{"value":"谢谢"}}}"#
    }
}

/// Asserts a WeChat error body: errcode, base errmsg and the rid suffix.
func expectError(_ result: HTTPResult, _ code: Int, _ base: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(result.status == 200, sourceLocation: sourceLocation)
    #expect(result.errcode == code, "body: \(result.body)", sourceLocation: sourceLocation)
    #expect(result.errmsg.hasPrefix(base + ", rid: "), "errmsg: \(result.errmsg)", sourceLocation: sourceLocation)
    #expect(result.errmsg.range(of: #"rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$"#, options: .regularExpression) != nil,
            sourceLocation: sourceLocation)
}
