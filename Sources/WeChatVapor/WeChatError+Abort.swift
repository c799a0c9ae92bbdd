import Vapor
import WeChatKit

/// WeChatKit's errors become HTTP statuses here, and only here.
///
/// WeChat is an upstream of ours: its refusals and failures are `502 Bad Gateway` (or `504` on a timeout), except
/// for arguments we refused before calling it (`400`) and a spent quota (`503`, try later). The reason never
/// includes `errmsg` verbatim beyond its code: it can reach a browser.
extension WeChatError: AbortError {
    public var status: HTTPResponseStatus {
        switch self {
        case .timeout: .gatewayTimeout
        case .invalidArgument: .badRequest
        default:
            if code.map({ $0.category == .quota }) == true { .serviceUnavailable } else { .badGateway }
        }
    }

    public var reason: String {
        if let code { return "WeChat refused the request (errcode \(code.rawValue))." }
        switch self {
        case .timeout: return "WeChat did not answer in time."
        case .invalidArgument: return "The request to WeChat was invalid."
        default: return "WeChat could not be reached."
        }
    }
}
