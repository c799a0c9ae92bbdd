import Foundation
import Vapor

/// Where WeChat's browser opened an authorization link from. Only the account's own chat session and custom
/// menu make `snsapi_userinfo` silent for a follower (spec §1.3, seeds 000/001 "特殊场景下的静默授权").
enum AuthorizeEntry: String, Sendable, CaseIterable {
    /// An ordinary link: a shared link, a QR code, another account's chat, the address bar.
    case link
    /// A link in the official account's chat session (a message the account sent).
    case chat
    /// A `view` button of the official account's custom menu.
    case menu
}

/// Where a browser request came from, as far as the sandbox can tell.
struct BrowserEntry: Sendable, Equatable {
    /// How the link was opened.
    var entry: AuthorizeEntry
    /// The account whose chat or menu it came from; nil: the account the link authorizes (automation's header).
    var appID: String?

    static let ordinary = BrowserEntry(entry: .link, appID: nil)

    /// Whether a follower of `appID` authorizing `appID` skips consent: entered from that account's chat or menu.
    func isFromAccount(_ appID: String) -> Bool {
        entry != .link && (self.appID == nil || self.appID == appID)
    }

    /// The cookie form, `menu:wx…`: set by the phone page when it opens a link, so that a business page reached
    /// from the menu and redirecting to the authorize link still counts (WeChat's web view knows where it opened).
    var cookieValue: String { "\(entry.rawValue):\(appID ?? "")" }

    init(entry: AuthorizeEntry, appID: String?) {
        self.entry = entry
        self.appID = appID
    }

    init?(cookieValue: String) {
        let parts = cookieValue.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let entry = AuthorizeEntry(rawValue: String(parts[0])) else { return nil }
        self.init(entry: entry, appID: parts[1].isEmpty ? nil : String(parts[1]))
    }
}

extension Sandbox {
    static let entryHeader = "X-Sandbox-Entry"
    static let entryCookie = "sandbox_entry"

    /// The entry point of a browser request: header `X-Sandbox-Entry: chat|menu|link` (automation: the account the
    /// link authorizes), else the cookie the phone page set, else an ordinary link. Nil: a header naming no entry.
    static func entry(of req: Request) -> BrowserEntry? {
        if let header = req.headers.first(name: entryHeader) {
            return AuthorizeEntry(rawValue: header.lowercased()).map { BrowserEntry(entry: $0, appID: nil) }
        }
        return req.cookies[entryCookie].flatMap { BrowserEntry(cookieValue: $0.string) } ?? .ordinary
    }

    /// Whether the request comes from WeChat's in-app browser: WeChat's user agent (`MicroMessenger`), or a page
    /// the simulated phone opened (its entry cookie or the automation's entry header say so).
    static func isInsideWeChat(_ req: Request) -> Bool {
        if req.headers.first(name: .userAgent)?.contains("MicroMessenger") == true { return true }
        return req.headers.first(name: entryHeader) != nil || req.cookies[entryCookie] != nil
    }

    /// Whether an authorize request for `appID` must come from inside WeChat: the sandbox's strict setting, or the
    /// app's own switch.
    func requiresWeChatBrowser(appID: String?) async -> Bool {
        if configuration.choices.requireWeChatBrowser { return true }
        guard let appID, let app = await state.apps[appID] else { return false }
        return app.requiresWeChatBrowser
    }
}
