import Vapor

/// Headers every answer carries — pages, JSON, errors, redirects, `/metrics`, `/openapi.json` — so no browser
/// guesses a content type (`X-Content-Type-Options: nosniff`: a JSON or text answer holding someone's input is never
/// run as HTML or script).
///
/// Outermost, so the answers `PageErrorMiddleware` makes of errors (404s included) get them too.
struct ResponseHeadersMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        return response
    }
}
