import Foundation
import WeChatKit

/// Passing the official account's pushes on to the business's own message handler (its auto-replies and menus),
/// since an account has one server URL and wechat-login holds it.
public struct PushRelayConfiguration: Sendable, CustomStringConvertible {
    /// The handler's URL, as it was set in WeChat's console before (`WECHAT_RELAY_URL`).
    public var handlerURL: String
    /// The handler's Token; `nil` (default) signs with the account's own Token (`WECHAT_RELAY_TOKEN`).
    public var token: String?
    /// The handler's encryption mode; `nil` (default) is the account's mode, or safe when only a key of its own is
    /// set (`WECHAT_RELAY_MESSAGE_MODE`).
    public var mode: MessageServer.Configuration.Mode?
    /// The handler's EncodingAESKey; `nil` (default) uses the account's (`WECHAT_RELAY_ENCODING_AES_KEY`).
    public var encodingAESKey: EncodingAESKey?
    /// Whether the pushes the server consumes itself (follow, unfollow, template delivery reports, follow-login
    /// scans) are passed on too (`WECHAT_RELAY_CONSUMED=on`); by default only those it does not consume.
    public var forwardConsumed = false
    /// How long the handler has, counted from the push's arrival (`WECHAT_RELAY_TIMEOUT_MS`, default 4000): inside
    /// WeChat's five seconds, so WeChat always gets an answer from the first arrival.
    public var timeout: Duration = .seconds(4)
    /// The largest handler answer accepted, in bytes (default 64 KiB); a larger one is dropped.
    public var maxReplyBytes = 64 * 1024
    /// How often a repeat of a push still being relayed (by this or another instance) looks at its row.
    public var pollInterval: Duration = .milliseconds(50)

    /// A relay to `handlerURL` with every other setting at its default.
    public init(handlerURL: String) {
        self.handlerURL = handlerURL
    }

    /// The handler's side of the message server: what to sign and encrypt the forwarded push with, and what its
    /// reply is checked against. Unset fields are the account's.
    public func handlerServer(account: MessageServer.Configuration) -> MessageServer.Configuration {
        var handler = account
        handler.token = token ?? account.token
        handler.encodingAESKey = encodingAESKey ?? account.encodingAESKey
        // The handler's reply is encrypted with its current key: a rotation on our side is not its business.
        handler.previousEncodingAESKey = encodingAESKey == nil ? account.previousEncodingAESKey : nil
        handler.mode = mode ?? (encodingAESKey != nil ? .safe : account.mode)
        return handler
    }

    /// A redacted description: the token and key never appear.
    public var description: String {
        "PushRelayConfiguration(handlerURL: \(handlerURL), mode: \(mode.map { "\($0)" } ?? "account's"), "
            + "token: <redacted>, forwardConsumed: \(forwardConsumed), timeout: \(timeout))"
    }
}
