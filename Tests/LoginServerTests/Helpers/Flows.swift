import Foundation
import Testing

/// The steps of the two WeChat logins, as a browser and a phone take them against the sandbox.
extension Browser {
    /// Where a PC login stands after the QR page appeared.
    struct PendingQRLogin {
        let uuid: String
        let redirectURI: String
        let state: String
    }

    /// `/login` on a PC, then WeChat's QR page.
    func startPCLogin(returnTo: String = "/account") async throws -> PendingQRLogin {
        let login = try await get("\(LoginWorld.serverBase)/login?return_to=\(Browser.encode(returnTo))")
        #expect(login.status == 303 || login.status == 302, "login redirects to WeChat")
        let qrURL = try #require(login.location)
        #expect(qrURL.contains("/connect/qrconnect?appid="))
        #expect(qrURL.hasSuffix("#wechat_redirect"))
        let page = try await get(qrURL)
        #expect(page.status == 200)
        let marker = try #require(page.body.range(of: "/connect/qrcode/"))
        let uuid = String(page.body[marker.upperBound...].prefix { $0 != "\"" && $0 != "'" })
        return PendingQRLogin(
            uuid: uuid, redirectURI: try #require(Browser.query(qrURL, "redirect_uri")),
            state: try #require(Browser.query(qrURL, "state")))
    }

    /// The phone of WeChat user `user` scans the QR code and allows (or denies) the login.
    func confirmOnPhone(_ pending: PendingQRLogin, user: String, allow: Bool = true) async throws {
        let phone = world.browser(userAgent: Browser.weChatUserAgent)
        phone.actAsWeChatUser(user)
        let scan = try await phone.get("\(world.sandboxBase)/connect/confirm?uuid=\(pending.uuid)")
        #expect(scan.status == 200)
        let answer = try await phone.post(
            "\(world.sandboxBase)/connect/confirm", form: [("uuid", pending.uuid), ("action", allow ? "allow" : "deny")])
        #expect(answer.status < 400)
    }

    /// The QR page's long-poll after confirmation: the code WeChat hands the page.
    func pollForCode(_ pending: PendingQRLogin) async throws -> String {
        for last in ["408", "404"] {
            let poll = try await get("\(world.sandboxBase)/connect/l/qrconnect?uuid=\(pending.uuid)&last=\(last)")
            if poll.body.contains("wx_errcode=405"), let range = poll.body.range(of: "wx_code='") {
                return String(poll.body[range.upperBound...].prefix { $0 != "'" })
            }
        }
        Issue.record("the long-poll never answered 405")
        return ""
    }

    /// The callback URL the QR page navigates to.
    func callbackURL(_ pending: PendingQRLogin, code: String) -> String {
        "\(pending.redirectURI)?code=\(code)&state=\(pending.state)"
    }

    /// A whole PC login as WeChat user `user`, up to the server's answer to the callback (not followed).
    func pcLogin(as user: String, returnTo: String = "/account") async throws -> Result {
        let pending = try await startPCLogin(returnTo: returnTo)
        try await confirmOnPhone(pending, user: user)
        let code = try await pollForCode(pending)
        return try await get(callbackURL(pending, code: code))
    }

    /// In WeChat: `/login`, then WeChat's authorize page (consent per `actAsWeChatUser`); returns the redirect to
    /// the callback without following it.
    func startWeChatLogin(as user: String, scope: String? = nil, consent: String = "allow",
                          returnTo: String = "/account") async throws -> Result {
        actAsWeChatUser(user, consent: consent)
        let scopeQuery = scope.map { "&scope=\($0)" } ?? ""
        let login = try await get("\(LoginWorld.serverBase)/login?return_to=\(Browser.encode(returnTo))\(scopeQuery)")
        let authorizeURL = try #require(login.location)
        #expect(authorizeURL.contains("/connect/oauth2/authorize?appid="))
        let authorize = try await get(authorizeURL)
        #expect(authorize.status == 302, "the sandbox redirects back to the callback")
        return authorize
    }

    /// A whole in-WeChat login, up to the server's answer to the callback (not followed).
    func weChatLogin(as user: String, scope: String? = nil) async throws -> Result {
        let toCallback = try await startWeChatLogin(as: user, scope: scope)
        return try await get(try #require(toCallback.location))
    }

    /// Binds the pending identity to `contact`, reading the code from the development outbox.
    func bind(contact: String, expectCreated: Bool? = nil) async throws -> Result {
        let form = try await get("\(LoginWorld.serverBase)/bind")
        #expect(form.status == 200)
        let csrf = try #require(form.input("csrf"))
        let sent = try await post("\(LoginWorld.serverBase)/bind/code", form: [("contact", contact), ("csrf", csrf)])
        #expect(sent.status == 303 || sent.status == 302, "code sent: \(sent.body.prefix(300))")
        let verifyURL = try #require(sent.location)
        let challenge = try #require(Browser.query(LoginWorld.serverBase + verifyURL, "challenge"))
        let code = try await world.latestCode(for: contact)
        return try await post("\(LoginWorld.serverBase)/bind/verify",
                              form: [("challenge", challenge), ("code", code), ("csrf", csrf)])
    }
}

extension LoginWorld {
    /// The newest one-time code in the development outbox for `contact`.
    func latestCode(for contact: String) async throws -> String {
        let browser = self.browser()
        let outbox = try await browser.get("\(LoginWorld.serverBase)/dev/outbox.json?destination=\(Browser.encode(contact))")
        let entries = (try JSONSerialization.jsonObject(with: Data(outbox.body.utf8))) as? [[String: Any]] ?? []
        return try #require(entries.first?["code"] as? String, "a code in the outbox for \(contact)")
    }

    /// How many times the sandbox served `path`.
    func calls(_ path: String) async throws -> Int {
        let counters = try await control(.GET, "counters").json
        return counters[path] as? Int ?? 0
    }
}
