import Foundation
import Vapor

/// `POST /sandbox/api/browser/open`: "open this URL in WeChat's in-app browser", including the
/// `#wechat_redirect` fragment that real HTTP never carries (spec §1.1 caveat).
struct ControlBrowserController: RouteCollection {
    let sandbox: Sandbox

    struct OpenRequest: Codable {
        var url: String
        var user: String
        var consent: String?
        /// Where the phone opened it: `link` (default), `chat` or `menu` (the account's own chat session or menu).
        var from: String?
    }

    struct OpenResult: Codable {
        let status: Int
        let location: String?
        let page: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.post("browser", "open", use: open)
    }

    func open(_ req: Request) async throws -> Response {
        let body = try req.controlBody(OpenRequest.self)
        guard let components = URLComponents(string: body.url), components.path == "/connect/oauth2/authorize" else {
            return ControlReply.error(.badRequest, "url must be a /connect/oauth2/authorize link")
        }
        guard let from = AuthorizeEntry(rawValue: body.from ?? "link") else {
            return ControlReply.error(.badRequest, "from must be link, chat or menu")
        }
        let identity: BrowserIdentity = await sandbox.state.users[body.user].map { .user($0) } ?? .unknown(body.user)
        let page: Response
        if components.fragment != "wechat_redirect" {
            page = HTML.cannotAccess("链接缺少 #wechat_redirect")
        } else {
            page = await AuthorizePageController(sandbox: sandbox).respond(
                to: RawQuery(components.percentEncodedQuery), identity: identity, consent: body.consent,
                entry: BrowserEntry(entry: from, appID: nil),
                whoami: HTML.cannotAccess("未知的沙盒用户"))
        }
        let location = page.headers.first(name: .location)
        let html = location == nil ? page.body.string : nil
        return ControlReply.json(OpenResult(status: Int(page.status.code), location: location, page: html))
    }
}
