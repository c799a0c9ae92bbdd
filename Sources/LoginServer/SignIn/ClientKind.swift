/// Which browser a person is signing in from, which decides the login flow.
enum ClientKind: String, Sendable {
    /// WeChat's in-app browser: official-account web authorization (`connect/oauth2/authorize`).
    case weChat
    /// Any other browser: the website QR login (`connect/qrconnect`).
    case other

    /// Reads the `User-Agent` header; WeChat's browser always carries `MicroMessenger`.
    init(userAgent: String?) {
        self = (userAgent?.contains("MicroMessenger") ?? false) ? .weChat : .other
    }
}
