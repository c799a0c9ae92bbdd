import Vapor

/// Turns every error into a page a person can read (Chinese first), under `/api` into JSON, and on the provider's
/// machine endpoints into OAuth's error shape (`ErrorAudience` decides by path) — and logs why.
///
/// Redirects thrown as errors (`Abort.redirect`) pass through as redirects. Reasons of unexpected errors are
/// logged, never shown: they may carry internals.
struct PageErrorMiddleware: AsyncMiddleware {
    private struct APIError: Content {
        var error: Bool
        var reason: String
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            return try await response(for: error, request: request)
        }
    }

    private func response(for error: any Error, request: Request) async throws -> Response {
        let status: HTTPResponseStatus
        let reason: String
        var headers = HTTPHeaders()
        if let abort = error as? any AbortError {
            status = abort.status
            reason = abort.reason
            headers = abort.headers
        } else {
            status = .internalServerError
            reason = request.language.pick("服务器出了点问题，请稍后重试。", "Something went wrong on our side. Please try again.")
        }
        if status.code >= 500 {
            request.logger.error("request failed", metadata: ["status": "\(status.code)", "error": "\(String(reflecting: error))"])
        } else {
            request.logger.notice("request refused", metadata: ["status": "\(status.code)", "reason": "\(reason)"])
        }
        if (300..<400).contains(status.code) {
            let response = Response(status: status, headers: headers)
            return response
        }
        switch ErrorAudience(path: request.url.path) {
        case .api:
            let response = Response(status: status, headers: headers)
            try response.content.encode(APIError(error: true, reason: reason), as: .json)
            return response
        case .oauth(let endpoint):
            // An unexpected error's reason is never shown: the answer says only that something went wrong.
            let shown = error is any AbortError ? reason : nil
            return try await OAuthErrorAnswer(status: status, reason: shown, endpoint: endpoint)
                .response(for: request, headers: headers)
        case .person:
            break
        }
        let language = request.language
        let title = status.code >= 500 ? language.pick("出错了", "Something went wrong") : language.pick("无法完成请求", "Request not completed")
        return MessagePage(title: title, message: Self.pageMessage(status, reason: reason, language: language),
                           action: (language.pick("返回首页", "Back to home"), "/"))
            .response(request, status: status)
    }

    private static func pageMessage(_ status: HTTPResponseStatus, reason: String, language: Language) -> String {
        switch status {
        case .notFound: language.pick("页面不存在。", "This page does not exist.")
        case .forbidden: language.pick("表单已过期，请刷新页面后重试。", "The form has expired. Reload the page and try again.")
        case .badRequest, .unprocessableEntity: language.pick("请求无效：", "Invalid request: ") + reason
        case .payloadTooLarge: language.pick("提交的内容过大。", "What was sent is too large.")
        default: status.code >= 500 ? language.pick("服务器出了点问题，请稍后重试。", "Something went wrong on our side. Please try again.") : reason
        }
    }
}
