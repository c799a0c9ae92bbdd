import Vapor
import WeChatKit

extension Request {
    /// Refuses the request (401, `WWW-Authenticate: Bearer`) unless it carries `Authorization: Bearer <expected>`,
    /// compared in constant time; `what` names the guarded API in the log line and the reason.
    func requireBearer(_ expected: String, for what: String) throws {
        guard let presented = headers.bearerAuthorization?.token, ConstantTime.equals(presented, expected) else {
            logger.warning("\(what) refused: missing or wrong bearer token")
            throw Abort(.unauthorized, headers: ["WWW-Authenticate": "Bearer"], reason: "A valid \(what) bearer token is required.")
        }
    }
}
