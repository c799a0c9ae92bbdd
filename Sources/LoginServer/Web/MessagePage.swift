import Vapor

/// A page that explains what happened and offers one way on: the page every failure ends on.
struct MessagePage {
    var title: String
    var message: String
    var action: (label: String, href: String)?

    func response(_ req: Request, status: HTTPResponseStatus) -> Response {
        var body: HTML = "<p>\(message)</p>"
        if let action {
            body = "\(body)<p><a class=\"button\" href=\"\(action.href)\">\(action.label)</a></p>"
        }
        return Page(req, title: title, body: body).response(req, status: status)
    }

    /// "Try signing in again", back to the same place.
    static func retry(_ req: Request, returnTo: String = "/") -> (label: String, href: String) {
        (req.language.pick("重新登录", "Sign in again"), LoginLinks.login(returnTo: returnTo))
    }
}

/// Links into the login flow.
enum LoginLinks {
    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/")

    /// `/login` with `return_to` encoded.
    static func login(returnTo: String) -> String {
        "/login?return_to=" + encode(returnTo)
    }

    /// Percent-encodes a query value (everything but ASCII unreserved characters and `/`).
    static func encode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "/"
    }
}
