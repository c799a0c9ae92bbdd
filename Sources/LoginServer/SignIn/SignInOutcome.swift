import Foundation
import WeChatKit

extension SignInFlow {
    /// What a login needs to start: which WeChat flow, where to go afterwards, and the browser's new binding.
    struct Start: Sendable {
        var flow: LoginFlow
        /// The official account's scope (`snsapi_base` or `snsapi_userinfo`); the website flows always use
        /// `snsapi_login`.
        var scope: OAuthScope = .snsapiUserinfo
        var returnTo: ReturnTo
        /// The QR page's language (website flow).
        var language: QRConnectLanguage = .chinese
        /// The binding minted for this login; the state is stored under its hash.
        var binding: BrowserBinding
    }

    /// Where a started login sends the browser.
    enum Started: Sendable, Equatable {
        /// Leave for WeChat (authorize or QR page).
        case redirect(String)
        /// Show our own page that frames WeChat's QR code at this URL.
        case inlineFrame(String)
    }

    /// One callback request, as far as the flow needs it: the untrusted query values and what the browser carries.
    struct Callback: Sendable {
        var state: String?
        var code: String?
        /// The bindings the browser's signed cookie carries.
        var bindings: [BrowserBinding]
        /// The login `state` whose callback created the browser's current session, if one did.
        var sessionOrigin: String?
        /// Whether the browser's session holds a signed-in user or an identity waiting to be bound.
        var sessionIsSignedIn: Bool
        /// The browser's address, for the events the sign-in writes.
        var clientAddress: String? = nil
    }

    /// How a callback ended.
    enum Outcome: Sendable, Equatable {
        /// The identity belongs to this user: sign them in and go to `returnTo`.
        case signedIn(userID: UUID, identityID: UUID, returnTo: ReturnTo, state: String)
        /// A new (or unbound) identity: remember it and go to the binding step.
        case needsBinding(identityID: UUID, returnTo: ReturnTo, state: String)
        /// Nothing signs in; the reason says which page to show.
        case refused(Refusal)
    }

    /// Why a callback signed no one in. Nothing is left claimed or half-written after any of them.
    enum Refusal: Sendable, Equatable {
        /// Malformed or unknown state, a used one from a browser without its binding, or a repeat that came too
        /// late or in another session.
        case invalidState
        /// A fresh state that another browser started (a forwarded link, login CSRF).
        case otherBrowser
        /// The state outlived its lifetime.
        case expired(returnTo: String)
        /// Another callback for the same state holds the claim and did not finish in time.
        case stillRunning(returnTo: String)
        /// The person declined at WeChat (no code).
        case denied(returnTo: String)
        /// WeChat's snapshot (virtual) user: the page must be opened in the full service.
        case snapshotUser(returnTo: String)
        /// WeChat refused or failed the code exchange or the profile.
        case weChatFailed(WeChatError, returnTo: String)
    }
}

extension SignInFlow.Outcome {
    /// The identity the callback resolved to; `nil` for a refusal.
    var identityID: UUID? {
        switch self {
        case .signedIn(_, let identityID, _, _), .needsBinding(let identityID, _, _): identityID
        case .refused: nil
        }
    }
}
