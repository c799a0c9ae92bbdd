import Foundation
import Vapor

/// Counts calls per path and applies injected faults (control API) before the real handler.
struct TrafficMiddleware: AsyncMiddleware {
    let state: SandboxState

    struct DroppedConnection: Error {}

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let path = request.url.path
        await state.count(path)
        guard let fault = await state.takeFault(path: path) else {
            return try await next.respond(to: request)
        }
        if let delay = fault.delayMilliseconds, delay > 0 {
            try await Task.sleep(for: .milliseconds(min(delay, 120_000)))
        }
        let family = APIFamily(path: path)
        if fault.drop == true {
            return Response(status: .ok, body: .init(asyncStream: { writer in
                try await writer.write(.error(DroppedConnection()))
            }))
        }
        if let errcode = fault.errcode {
            let isAPI = path.hasPrefix("/sns/") || path.hasPrefix("/cgi-bin/")
            if !isAPI, (10000..<11000).contains(errcode) { return PageError.code(errcode).page }
            return WeChatReply.error(.forCode(errcode), family: family)
        }
        if let status = fault.httpStatus {
            return Response(status: HTTPResponseStatus(statusCode: status))
        }
        if fault.malformedJSON == true {
            return WeChatReply.raw(Data(#"{"errcode":0,"errmsg":"o"#.utf8), family: family)
        }
        return try await next.respond(to: request)
    }
}
