import Foundation

/// An error from a WeChatKit client: a WeChat API error (`errcode` ≠ 0), a transport failure, a timeout,
/// an undecodable or oversized response, or an invalid argument.
///
/// Equality compares the kind (and, for API errors, the code), so tests and callers can write
/// `catch let error as WeChatError where error == .timeout` or `error.code == .codeBeenUsed`.
/// Its `description` never contains secrets, tokens, codes or query strings.
public struct WeChatError: Error, Sendable {
    enum Kind: Hashable, Sendable {
        case api(WeChatErrorCode)
        case transport
        case timeout
        case decoding
        case responseTooLarge
        case invalidArgument
    }

    let kind: Kind
    /// WeChat's `errmsg`, verbatim (including its `rid:` trace suffix); `nil` unless this is an API error.
    /// For logs only: never branch on it.
    public let errmsg: String?
    /// The API path that failed (`/sns/oauth2/access_token`), without host or query; `nil` for local errors.
    public let endpoint: String?
    /// The HTTP status of the response, when one arrived.
    public let httpStatus: Int?
    /// A safe human-readable detail (never secrets).
    public let detail: String?
    /// The underlying error of a transport failure or timeout, for debugging. It is not part of
    /// ``description``; its own description may name hosts, so log it with care.
    public let underlyingError: (any Error)?

    init(
        _ kind: Kind,
        errmsg: String? = nil,
        endpoint: String? = nil,
        httpStatus: Int? = nil,
        detail: String? = nil,
        underlyingError: (any Error)? = nil
    ) {
        self.kind = kind
        self.errmsg = errmsg
        self.endpoint = endpoint
        self.httpStatus = httpStatus
        self.detail = detail
        self.underlyingError = underlyingError
    }

    /// The `errcode` of an API error; `nil` for every other kind.
    public var code: WeChatErrorCode? {
        if case .api(let code) = kind { return code }
        return nil
    }

    /// The request trace id parsed out of `errmsg` (`rid: 62246a80-00401253-0f5aa6b3`, older `hint: [...]`
    /// and `req_id: ...` forms), for support tickets.
    public var rid: String? { errmsg.flatMap(RequestID.parse) }

    /// What to do about this error. Transport failures and timeouts are ``WeChatErrorCode/Category/retryable``;
    /// decoding, size and argument errors are ``WeChatErrorCode/Category/permanent``.
    public var category: WeChatErrorCode.Category {
        switch kind {
        case .api(let code): code.category
        case .transport, .timeout: .retryable
        case .decoding, .responseTooLarge, .invalidArgument: .permanent
        }
    }

    /// True when WeChat answered with a non-zero `errcode`.
    public var isAPIError: Bool { code != nil }
}

extension WeChatError {
    /// Compares against any API error with this code: `error == .api(.codeBeenUsed)`.
    public static func api(_ code: WeChatErrorCode) -> WeChatError { WeChatError(.api(code)) }
    /// Any transport failure (connection error, non-2xx status without an `errcode` body).
    public static let transport = WeChatError(.transport)
    /// Any timeout (connect or total).
    public static let timeout = WeChatError(.timeout)
    /// Any response that is not the expected JSON.
    public static let decoding = WeChatError(.decoding)
    /// Any response body over the configured size cap.
    public static let responseTooLarge = WeChatError(.responseTooLarge)
    /// Any argument rejected before a request was made (e.g. a malformed `state`).
    public static let invalidArgument = WeChatError(.invalidArgument)
}

extension WeChatError: Equatable {
    /// Two errors are equal when their kinds (and API codes) are equal; details are ignored.
    public static func == (lhs: WeChatError, rhs: WeChatError) -> Bool { lhs.kind == rhs.kind }
}

extension WeChatError: CustomStringConvertible, CustomDebugStringConvertible {
    /// A one-line summary without secrets, e.g. `WeChat API error 40163 (code been used) at /sns/oauth2/access_token: code been used, rid: …`.
    public var description: String {
        var text: String
        switch kind {
        case .api(let code): text = "WeChat API error \(code)"
        case .transport: text = "WeChat transport failure"
        case .timeout: text = "WeChat request timed out"
        case .decoding: text = "WeChat response could not be decoded"
        case .responseTooLarge: text = "WeChat response too large"
        case .invalidArgument: text = "Invalid argument"
        }
        if let endpoint { text += " at \(endpoint)" }
        if let httpStatus { text += " (HTTP \(httpStatus))" }
        if let errmsg { text += ": \(errmsg)" }
        if let detail { text += errmsg == nil ? ": \(detail)" : " (\(detail))" }
        return text
    }

    /// Same as ``description``.
    public var debugDescription: String { description }
}

/// Parses WeChat's per-request trace suffixes out of `errmsg`.
enum RequestID {
    static func parse(_ errmsg: String) -> String? {
        if let range = errmsg.range(of: "rid:") {
            return token(after: errmsg[range.upperBound...])
        }
        if let range = errmsg.range(of: "req_id:") {
            return token(after: errmsg[range.upperBound...])
        }
        if let range = errmsg.range(of: "hint: [") {
            let rest = errmsg[range.upperBound...]
            guard let end = rest.firstIndex(of: "]") else { return nil }
            let value = rest[..<end].trimmingSpaces()
            return value.isEmpty ? nil : value
        }
        return nil
    }

    private static func token(after rest: Substring) -> String? {
        let trimmed = rest.drop(while: { $0 == " " })
        let value = trimmed.prefix(while: { !$0.isWhitespace && $0 != "]" && $0 != "," })
        return value.isEmpty ? nil : String(value)
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}

extension WeChatError: LocalizedError {
    /// Same as ``description`` (no secrets), so `localizedDescription` is informative.
    public var errorDescription: String? { description }
}
