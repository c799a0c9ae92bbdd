import Foundation
import Vapor

/// Turns every failure on an API route into WeChat's JSON error (HTTP 200), caps query values, never crashes.
struct WeChatAPIMiddleware: AsyncMiddleware {
    let limits: SandboxConfiguration.Limits

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let family = APIFamily(path: request.url.path)
        if (request.url.query?.utf8.count ?? 0) > limits.maxParameterBytes * 8
            || RawQuery(request.url.query).items.contains(where: { $0.value.utf8.count > limits.maxParameterBytes }) {
            return WeChatReply.error(.dataFormatError, family: family)
        }
        do {
            return try await next.respond(to: request)
        } catch let error as WeChatAPIError {
            return WeChatReply.error(error, family: family)
        } catch let abort as any AbortError {
            switch abort.status {
            case .payloadTooLarge, .badRequest, .unsupportedMediaType: return WeChatReply.error(.dataFormatError, family: family)
            case .notFound: throw abort
            default: return WeChatReply.error(.systemError, family: family)
            }
        } catch {
            return WeChatReply.error(.systemError, family: family)
        }
    }
}
