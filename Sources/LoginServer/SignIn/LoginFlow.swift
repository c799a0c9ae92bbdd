import Foundation

/// Which WeChat login a state belongs to.
enum LoginFlow: String, Sendable {
    /// In-WeChat official-account web authorization.
    case officialAccount
    /// PC website QR login, full page.
    case website
    /// PC website QR login embedded in our own page (wxLogin.js iframe).
    case websiteInline

    /// The WeChat app whose client serves this flow.
    var appKind: AppKind { self == .officialAccount ? .officialAccount : .website }
}
