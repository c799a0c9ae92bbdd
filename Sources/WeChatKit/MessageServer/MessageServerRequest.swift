import Foundation

/// What the callback endpoint received: the method, the query parameters and the body bytes.
public struct MessageServerRequest: Sendable {
    /// The HTTP method: `GET` is URL verification, `POST` a push.
    public enum Method: Sendable, Hashable {
        /// URL verification (`echostr`).
        case get
        /// A message or event push.
        case post
    }

    /// The largest accepted raw query string, in bytes.
    public static let maxQueryBytes = 4096

    /// The HTTP method.
    public var method: Method
    /// The decoded query parameters (`signature`, `timestamp`, `nonce`, `openid`, `encrypt_type`,
    /// `msg_signature`, `echostr`).
    public var query: [String: String]
    /// The raw body.
    public var body: Data

    /// Creates a request from already-decoded query parameters.
    public init(method: Method, query: [String: String], body: Data = Data()) {
        self.method = method
        self.query = query
        self.body = body
    }

    /// Creates a request from a raw query string (`a=1&b=2`, percent-encoded, `+` as space).
    ///
    /// - Throws: `MessageServerError.oversized` beyond `maxQueryBytes`, `.invalidParameter` for a repeated name
    ///   or bad percent-encoding.
    public init(method: Method, queryString: String, body: Data = Data()) throws {
        guard queryString.utf8.count <= Self.maxQueryBytes else {
            throw MessageServerError.oversized("the query string exceeds \(Self.maxQueryBytes) bytes")
        }
        var query: [String: String] = [:]
        for pair in queryString.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = QueryString.decode(parts[0]),
                  let value = QueryString.decode(parts.count > 1 ? parts[1] : "")
            else { throw MessageServerError.invalidParameter("percent-encoding") }
            guard query.updateValue(value, forKey: name) == nil else {
                throw MessageServerError.invalidParameter("repeated query parameter")
            }
        }
        self.init(method: method, query: query, body: body)
    }
}
