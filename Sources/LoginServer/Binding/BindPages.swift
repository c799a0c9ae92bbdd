import Vapor

/// The binding pages.
enum BindPages {
    static func contactForm(_ req: Request, nickname: String?, error: String?, status: HTTPResponseStatus) -> Response {
        let language = req.language
        let greeting = nickname.map { language.pick("\($0)，你好！", "Hello, \($0)!") } ?? ""
        let errorHTML: HTML = error.map { "<p class=\"error\" role=\"alert\">\($0)</p>" } ?? ""
        let body: HTML = """
        <p>\(greeting)\(language.pick("首次使用微信登录，请绑定你的手机号或邮箱。已有账号的将直接关联，没有账号的将自动注册。",
            "First time signing in with WeChat: link your phone number or email. An existing account is linked; otherwise one is created."))</p>
        \(errorHTML)
        <form method="post" action="/bind/code">
        <input type="hidden" name="csrf" value="\(BrowserSession.csrfToken(req))">
        <label for="contact">\(language.pick("手机号或邮箱", "Phone number or email"))</label>
        <input id="contact" name="contact" autocomplete="email tel" required maxlength="254" placeholder="13800138000 / you@example.com">
        <button type="submit">\(language.pick("获取验证码", "Send code"))</button>
        </form>
        """
        return Page(req, title: language.pick("绑定账号", "Link your account"), body: body).response(req, status: status)
    }

    static func codeForm(_ req: Request, challenge: BindChallenge, error: String?, status: HTTPResponseStatus) -> Response {
        let language = req.language
        let destination = challenge.contact?.masked ?? ""
        return codeEntry(req, challenge: challenge, error: error, status: status,
                         sent: language.pick("验证码已发送至 \(destination)。", "A code was sent to \(destination)."),
                         action: "/bind/verify", submit: language.pick("确认绑定", "Link account"),
                         link: (href: "/bind", text: language.pick("重新获取验证码", "Send a new code")))
    }

    /// The one-time-code form binding and a contact change share: what was sent where, the error of the last try,
    /// the CSRF-protected form posting `challenge` and `code` to `action`, and a way back.
    static func codeEntry(_ req: Request, challenge: BindChallenge, error: String?, status: HTTPResponseStatus,
                          sent: String, action: String, submit: String, link: (href: String, text: String)) -> Response {
        let language = req.language
        let errorHTML: HTML = error.map { "<p class=\"error\" role=\"alert\">\($0)</p>" } ?? ""
        let body: HTML = """
        <p>\(sent)</p>
        \(errorHTML)
        <form method="post" action="\(action)">
        <input type="hidden" name="csrf" value="\(BrowserSession.csrfToken(req))">
        <input type="hidden" name="challenge" value="\(challenge.id?.uuidString ?? "")">
        <label for="code">\(language.pick("6 位验证码", "6-digit code"))</label>
        <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="12" required>
        <button type="submit">\(submit)</button>
        </form>
        <p class="muted"><a href="\(link.href)">\(link.text)</a></p>
        """
        return Page(req, title: language.pick("输入验证码", "Enter the code"), body: body).response(req, status: status)
    }

    /// A wait of `seconds`, in words: seconds under a minute, minutes under two hours, hours beyond (rounded up).
    static func wait(_ seconds: Int, _ language: Language) -> (zh: String, en: String) {
        switch seconds {
        case ..<60: return ("\(seconds) 秒", "\(seconds) seconds")
        case ..<7200:
            let minutes = (seconds + 59) / 60
            return ("\(minutes) 分钟", minutes == 1 ? "1 minute" : "\(minutes) minutes")
        default: return ("\((seconds + 3599) / 3600) 小时", "\((seconds + 3599) / 3600) hours")
        }
    }

    static func restart(_ req: Request, message: String, status: HTTPResponseStatus) -> Response {
        let language = req.language
        return MessagePage(
            title: language.pick("验证码不可用", "Code not usable"), message: message,
            action: (language.pick("重新获取验证码", "Send a new code"), "/bind")
        ).response(req, status: status)
    }
}

extension Response {
    /// This response with `Retry-After` set, as every rate-limited (429) answer carries.
    func retrying(after seconds: Int) -> Response {
        headers.replaceOrAdd(name: .retryAfter, value: "\(max(0, seconds))")
        return self
    }
}
