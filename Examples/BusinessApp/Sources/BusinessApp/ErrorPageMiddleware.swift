import Vapor

/// Turns every error into a page in both languages, and logs why (never a token or a secret).
struct ErrorPageMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch let error as SignInError {
            request.logger.notice("sign-in failed", metadata: ["reason": "\(error.reason)"])
            let page = error.page
            return HTML.page(page.title, body: """
                <p>\(page.message.html)</p>
                <p><a class="button" href="/signin">\(Bilingual("重新登录", "Sign in again").html)</a> <a href="/">\(Bilingual("首页", "Home").html)</a></p>
                """, status: error.status)
        } catch {
            let status = (error as? any AbortError)?.status ?? .internalServerError
            request.logger.log(level: status.code >= 500 ? .error : .notice, "request failed",
                               metadata: ["status": "\(status.code)", "reason": "\(String(reflecting: error))"])
            let title = status == .notFound ? Bilingual("页面不存在", "Page not found") : Bilingual("出错了", "Something went wrong")
            return HTML.page(title, body: "<p><a href=\"/\">\(Bilingual("首页", "Home").html)</a></p>", status: status)
        }
    }
}
