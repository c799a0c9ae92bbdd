/// A WeChat API `errcode`, with a ``Category`` telling callers what to do about it.
///
/// Branch on codes, never on `errmsg` text (its wording and trace suffix change over the years).
/// The known codes are static constants (``invalidCredential``, ``codeBeenUsed`` …) in
/// `WeChatErrorCode+Catalogue.swift`; unknown codes are ``Category/permanent``.
public struct WeChatErrorCode: RawRepresentable, Hashable, Sendable, ExpressibleByIntegerLiteral {
    /// The numeric `errcode`.
    public let rawValue: Int

    /// Wraps a numeric `errcode`.
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Wraps a numeric `errcode`.
    public init(_ rawValue: Int) { self.rawValue = rawValue }

    /// Wraps an integer literal, e.g. `let code: WeChatErrorCode = 40001`.
    public init(integerLiteral value: Int) { self.rawValue = value }

    /// What a caller should do about an error.
    public enum Category: String, Sendable, Hashable, CaseIterable {
        /// Transient on WeChat's side (`-1` system busy, `45011` per-minute limit): retry later with back-off.
        case retryable
        /// The ordinary access_token is invalid or expired (40001, 40014, 42001): drop it, refetch once, retry once.
        case tokenInvalid
        /// A daily quota is exhausted (45009, 45047): do not retry today; alert an operator.
        case quota
        /// The app or account lacks a permission, is banned, or its server IP is not whitelisted
        /// (48001, 48004, 50001, 40164 …): fix the account configuration; retrying will not help.
        case permission
        /// A person must act before this can succeed: the user must log in again (40029, 40163, 42003,
        /// 40030, 42002, 42007), follow the account (43004, 50005), or be removed from its blacklist (43019).
        case userActionRequired
        /// Everything else, including unknown codes: a bug or bad input; retrying will not help.
        case permanent
    }

    /// The category of this code; see ``Category``.
    public var category: Category {
        Self.categories[rawValue] ?? .permanent
    }

    /// A short English name from the catalogue (`"invalid credential"`), or `nil` for an unknown code.
    public var name: String? { Self.names[rawValue] }
}

extension WeChatErrorCode: CustomStringConvertible {
    /// `40001 (invalid credential)`, or just the number for an unknown code.
    public var description: String {
        if let name { return "\(rawValue) (\(name))" }
        return String(rawValue)
    }
}
