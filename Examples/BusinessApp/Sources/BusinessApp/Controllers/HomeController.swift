import Vapor

/// `/`: who is signed in (name, `sub`, the claims this app got), or a sign-in button.
struct HomeController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(use: home)
    }

    func home(req: Request) async throws -> Response {
        guard let person = req.session.person else {
            return HTML.page(Bilingual("欢迎", "Welcome"), body: """
                <p>\(Bilingual("请先登录。", "Please sign in.").html)</p>
                <p><a id="sign-in" class="button" href="/signin">\(Bilingual("用微信登录", "Sign in with WeChat").html)</a></p>
                """)
        }
        let name = person.name ?? person.sub
        return HTML.page(Bilingual("你好，\(name)", "Hello, \(name)"), body: """
            <p>\(Bilingual("你已通过微信登录。", "You are signed in with WeChat.").html)</p>
            <p>sub: <code id="sub">\(HTML.escape(person.sub))</code></p>
            <form method="post" action="/signout"><input type="hidden" name="csrf" value="\(HTML.escape(person.csrf))">
            <button id="sign-out" class="button" type="submit">\(Bilingual("退出登录", "Sign out").html)</button></form>
            <h2>\(Bilingual("ID 令牌中的声明", "ID token claims").html)</h2>
            \(HTML.claims(person.idTokenClaims))
            <h2>\(Bilingual("用户信息（userinfo）", "UserInfo claims").html)</h2>
            \(HTML.claims(person.userInfoClaims))
            """)
    }
}
