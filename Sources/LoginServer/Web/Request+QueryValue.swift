import Vapor
import WeChatKit

extension Request {
    /// The first value of the query parameter `name`, percent-decoded (`+` is a space), or `nil` when it is
    /// absent or not valid percent-encoding.
    ///
    /// The same answer as `query[String.self, at: name]` for the flat parameters our routes read, without a
    /// `Decoder` per lookup (Vapor's URL-encoded form decoder was a few percent of a login's CPU).
    func queryValue(_ name: String) -> String? {
        guard let query = url.query else { return nil }
        return QueryString.value(of: name, in: query)
    }
}
