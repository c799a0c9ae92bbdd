import Vapor

extension Page {
    /// The page as an HTML response with the given status, remembering an explicit language choice in a cookie.
    ///
    /// No page may be framed by another site (clickjacking a sign-in or a binding): `X-Frame-Options` for old
    /// browsers, `frame-ancestors` for the rest. Framing WeChat's QR inside a page is unaffected.
    func response(_ req: Request, status: HTTPResponseStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .html
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        headers.replaceOrAdd(name: "Content-Security-Policy", value: "frame-ancestors 'none'")
        headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
        let response = Response(status: status, headers: headers, body: .init(string: render()))
        if let chosen = req.queryValue("lang"), Language(code: chosen) != nil {
            response.cookies[Language.cookieName] = HTTPCookies.Value(
                string: language.rawValue, maxAge: 365 * 24 * 3600, path: "/", isHTTPOnly: true, sameSite: .lax)
        }
        return response
    }

    /// A page for this request, in its language, at its path.
    init(_ req: Request, title: String, body: HTML) {
        let path = req.url.query.map { req.url.path + "?" + $0 } ?? req.url.path
        self.init(title: title, body: body, language: req.language, path: path)
    }
}
