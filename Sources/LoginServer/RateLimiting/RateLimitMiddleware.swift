import Vapor

/// Refuses requests over the client's rate limit with 429 and `Retry-After`, before any database work (it runs
/// before the sessions middleware, so a refused request reads no session).
struct RateLimitMiddleware: AsyncMiddleware {
    let limiter: RateLimiter

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let route = RateLimitedRoute(path: request.url.path) else { return try await next.respond(to: request) }
        let client = ClientKey(address: request.clientAddress)
        switch await limiter.check(route, client: client) {
        case .allowed:
            return try await next.respond(to: request)
        case .refused(let retryAfter, let first):
            ServerMetrics.rateLimited(route)
            if first {
                // The path without its query: queries carry codes and states.
                request.logger.notice("rate limit reached", metadata: [
                    "route": .string(route.rawValue), "client": .string(client.value),
                    "path": .string(request.url.path), "retry_after": .stringConvertible(retryAfter),
                ])
            }
            return try await Self.response(request, retryAfter: retryAfter)
        }
    }

    /// 429 with `Retry-After`: JSON under `/api/`, OAuth's error shape (`no-store`) on the provider's machine
    /// endpoints, a page in the request's language otherwise (`ErrorAudience` decides).
    static func response(_ request: Request, retryAfter: Int) async throws -> Response {
        let language = request.language
        let seconds = retryAfter == 1 ? "1 second" : "\(retryAfter) seconds"
        let response: Response
        switch ErrorAudience(path: request.url.path) {
        case .api:
            response = Response(status: .tooManyRequests)
            try response.content.encode(RateLimitedBody(
                error: true, reason: "Too many requests; retry after \(seconds)."), as: .json)
        case .oauth(let endpoint):
            response = try await OAuthErrorAnswer(status: .tooManyRequests, reason: nil, endpoint: endpoint,
                                                  retryAfter: retryAfter).response(for: request)
        case .person:
            response = MessagePage(
                title: language.pick("请求过于频繁", "Too many requests"),
                message: language.pick("请求过于频繁，请 \(retryAfter) 秒后重试。",
                                       "Too many requests. Please try again in \(seconds)."),
                action: (language.pick("返回首页", "Back to home"), "/"))
                .response(request, status: .tooManyRequests)
        }
        response.headers.replaceOrAdd(name: .retryAfter, value: String(retryAfter))
        return response
    }

    private struct RateLimitedBody: Content {
        var error: Bool
        var reason: String
    }
}
