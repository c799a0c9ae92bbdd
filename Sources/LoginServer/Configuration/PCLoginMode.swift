/// Which sign-in a PC browser gets at `/login` (`PC_LOGIN`).
public enum PCLoginMode: String, Sendable, CaseIterable {
    /// The Open Platform website app's QR login (WeChat's page, or framed with `mode=inline`): today's default.
    case website
    /// Follow-to-sign-in: the official account's temporary QR code on our page; needs only a verified service
    /// account whose server URL is `/wechat/events`.
    case officialAccount = "official-account"
    /// A page offering both.
    case both

    /// Whether the official account's QR code is offered.
    var offersFollowLogin: Bool { self != .website }
    /// Whether the website app's QR login is offered.
    var offersWebsite: Bool { self != .officialAccount }
}
