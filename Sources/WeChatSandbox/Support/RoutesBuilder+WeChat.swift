import Foundation
import Vapor

extension RoutesBuilder {
    /// Registers an API route for `method`; the other of GET/POST answers 43001/43002 like WeChat.
    func wechat(
        _ method: HTTPMethod, _ path: PathComponent..., maxBody: Int,
        use handler: @escaping @Sendable (Request) async throws -> Response
    ) {
        on(method, path, body: .collect(maxSize: ByteCount(value: maxBody)), use: handler)
        let other: HTTPMethod = method == .GET ? .POST : .GET
        let wrong: WeChatAPIError = method == .GET ? .requireGET : .requirePOST
        on(other, path, body: .collect(maxSize: ByteCount(value: maxBody))) { _ async throws -> Response in throw wrong }
        for extra in [HTTPMethod.PUT, .DELETE, .PATCH] {
            on(extra, path, body: .collect(maxSize: ByteCount(value: maxBody))) { _ async throws -> Response in throw wrong }
        }
    }
}

extension Request {
    /// The query parameters (and, for form posts, the form fields after them), raw and in order.
    func apiParameters() throws -> RawQuery {
        var items = RawQuery(url.query).items
        if method == .POST, headers.contentType == .urlEncodedForm, let body = body.string {
            items += RawQuery(body).items
        }
        return RawQuery(items: items)
    }
}
