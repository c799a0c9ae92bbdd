/// WeChatKit: the WeChat web-login, access-token, template-message and message-server protocol as a
/// framework-free Swift library. See the DocC catalog for a getting-started article.
public enum WeChatKit {
    /// The library's version, reported in the `User-Agent` of its requests.
    public static let version = "0.1.0"
}
