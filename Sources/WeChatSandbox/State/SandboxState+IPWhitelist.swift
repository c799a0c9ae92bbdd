import Foundation

extension SandboxState {
    /// The IP whitelist check of the token endpoints (spec §7.1), made before any parameter check: 40164 when the
    /// named app has a whitelist that does not hold the caller. An unknown or missing app id passes through to
    /// the ordinary parameter checks.
    func checkIPWhitelist(appID: String?, caller: String?) throws(WeChatAPIError) {
        guard let appID, let whitelist = apps[appID]?.ipWhitelist else { return }
        let address = CallerAddress(caller ?? "0.0.0.0")
        guard address.isListed(in: whitelist) else { throw .ipNotWhitelisted(address) }
    }
}
