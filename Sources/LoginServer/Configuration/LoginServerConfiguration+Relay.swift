import Foundation
import WeChatKit

extension LoginServerConfiguration.Variable {
    /// The business's own message handler that gets every push the server does not consume (unset: no relay).
    public static let relayURL = "WECHAT_RELAY_URL"
    /// The handler's Token (default: `WECHAT_SERVER_TOKEN`).
    public static let relayToken = "WECHAT_RELAY_TOKEN"
    /// The handler's EncodingAESKey (default: `WECHAT_ENCODING_AES_KEY`).
    public static let relayEncodingAESKey = "WECHAT_RELAY_ENCODING_AES_KEY"
    /// `plaintext`, `compatible` or `safe` (default: the account's mode; safe when only a relay key is set).
    public static let relayMessageMode = "WECHAT_RELAY_MESSAGE_MODE"
    /// `off` (default) or `on`: also pass on the pushes the server consumes.
    public static let relayConsumed = "WECHAT_RELAY_CONSUMED"
    /// Milliseconds the handler has from the push's arrival, 100…4500 (default 4000).
    public static let relayTimeout = "WECHAT_RELAY_TIMEOUT_MS"
}

extension LoginServerConfiguration {
    /// The relay's settings; `nil` without `WECHAT_RELAY_URL`. Needs the account's message server (`account`).
    static func pushRelay(_ value: (String) -> String?,
                          account: MessageServer.Configuration?) throws -> PushRelayConfiguration? {
        let others = [Variable.relayToken, Variable.relayEncodingAESKey, Variable.relayMessageMode,
                      Variable.relayConsumed, Variable.relayTimeout]
        guard let url = value(Variable.relayURL) else {
            if let set = others.first(where: { value($0) != nil }) {
                throw EnvironmentError(description: "\(set) is set but \(Variable.relayURL) is not")
            }
            return nil
        }
        guard let account else {
            throw EnvironmentError(description: "\(Variable.relayURL) needs \(Variable.serverToken): the relay passes on the pushes that arrive at /wechat/events")
        }
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme),
              parsed.host?.isEmpty == false, parsed.user == nil, parsed.fragment == nil
        else {
            throw EnvironmentError(description: "\(Variable.relayURL) must be an http(s) URL, such as https://bot.example.com/wechat")
        }
        var relay = PushRelayConfiguration(handlerURL: url)
        relay.token = value(Variable.relayToken)
        if let raw = value(Variable.relayEncodingAESKey) {
            do { relay.encodingAESKey = try EncodingAESKey(raw) } catch {
                throw EnvironmentError(description: "\(Variable.relayEncodingAESKey) must be the handler's 43-character EncodingAESKey")
            }
        }
        switch value(Variable.relayMessageMode)?.lowercased() {
        case nil: relay.mode = nil
        case "plaintext": relay.mode = .plaintext
        case "compatible": relay.mode = .compatible
        case "safe": relay.mode = .safe
        default: throw EnvironmentError(description: "\(Variable.relayMessageMode) must be plaintext, compatible or safe")
        }
        let handler = relay.handlerServer(account: account)
        if handler.mode != .plaintext, handler.encodingAESKey == nil {
            throw EnvironmentError(description: "\(Variable.relayMessageMode)=\(handler.mode) needs \(Variable.relayEncodingAESKey) (or the account's \(Variable.encodingAESKey))")
        }
        switch value(Variable.relayConsumed)?.lowercased() {
        case nil, "off", "false", "0": relay.forwardConsumed = false
        case "on", "true", "1": relay.forwardConsumed = true
        default: throw EnvironmentError(description: "\(Variable.relayConsumed) must be on or off")
        }
        if let raw = value(Variable.relayTimeout) {
            // Past 4.5 s the answer may reach WeChat after its five seconds: the person would see "cannot provide
            // service" and WeChat would retry.
            guard let milliseconds = Int(raw), (100...4500).contains(milliseconds) else {
                throw EnvironmentError(description: "\(Variable.relayTimeout) must be a whole number of milliseconds in 100…4500 (default 4000)")
            }
            relay.timeout = .milliseconds(milliseconds)
        }
        return relay
    }
}
