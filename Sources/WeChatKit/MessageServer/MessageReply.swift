import Foundation

/// Passive replies to a push: the HTTP response body is the reply.
public enum MessageReply {
    /// The acknowledgement that asks WeChat to do nothing (and not retry).
    public static let success = "success"

    /// A text reply to `push` (To and From swapped), as the plaintext XML body.
    public static func text(_ content: String, to push: InboundMessage, createTime: Int64) -> String {
        text(content, toUser: push.fromUserName, fromAccount: push.toUserName, createTime: createTime)
    }

    /// A text reply: `toUser` is the follower's openid, `fromAccount` the account's original id (`gh_…`).
    public static func text(_ content: String, toUser: String, fromAccount: String, createTime: Int64) -> String {
        "<xml><ToUserName>\(cdata(toUser))</ToUserName>"
            + "<FromUserName>\(cdata(fromAccount))</FromUserName>"
            + "<CreateTime>\(createTime)</CreateTime>"
            + "<MsgType><![CDATA[text]]></MsgType>"
            + "<Content>\(cdata(content))</Content></xml>"
    }

    /// Wraps `text` in CDATA, splitting any `]]>` so that it cannot close the section early.
    public static func cdata(_ text: String) -> String {
        "<![CDATA[" + text.replacingOccurrences(of: "]]>", with: "]]]]><![CDATA[>") + "]]>"
    }

    /// Escapes `&`, `<`, `>`, `"` and `'` for use as XML character data.
    public static func escapeText(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            default: result.append(character)
            }
        }
        return result
    }
}
