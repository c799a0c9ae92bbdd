import Foundation
import Logging

extension AccessTokenProvider {
    /// Reads the store; if it has no fresh token, takes the lease and fetches, or waits for the lease holder.
    func obtainFromStoreOrFetch() async throws -> AccessToken {
        let deadline = clock.now().addingTimeInterval(configuration.leaseWaitTimeout.timeInterval)
        let margin = configuration.refreshMargin
        let holder = configuration.holderID
        while true {
            let stored = try await store.load(appID: appID)
            if let stored, stored.isFresh(at: clock.now(), refreshMargin: margin) { return stored }
            if try await store.acquireRefreshLease(appID: appID, holder: holder, duration: configuration.leaseDuration) {
                do {
                    if let again = try await store.load(appID: appID), again.isFresh(at: clock.now(), refreshMargin: margin) {
                        try await store.releaseRefreshLease(appID: appID, holder: holder)
                        return again
                    }
                    let token = try await fetch()
                    await saveAndRelease(token, holder: holder)
                    return token
                } catch {
                    try? await store.releaseRefreshLease(appID: appID, holder: holder)
                    throw error
                }
            }
            let now = clock.now()
            if let stored, stored.isValid(at: now) { return stored }
            guard now < deadline else {
                throw WeChatError(.timeout, detail: "waited too long for another instance's token refresh")
            }
            try await clock.sleep(for: configuration.leasePollInterval)
        }
    }

    /// Stores a freshly fetched token and releases the lease. A store failure is logged, not thrown: the
    /// token is good, and this instance keeps serving it from its cache.
    private func saveAndRelease(_ token: AccessToken, holder: String) async {
        do {
            try await store.save(token, appID: appID)
        } catch {
            logger.warning(
                "wechat access token store failed to save", metadata: ["wechat.appid": "\(appID)", "wechat.error": "\(error)"])
        }
        do {
            try await store.releaseRefreshLease(appID: appID, holder: holder)
        } catch {
            logger.warning(
                "wechat access token store failed to release the lease",
                metadata: ["wechat.appid": "\(appID)", "wechat.error": "\(error)"])
        }
    }

    /// One upstream fetch (with the configured retries for transient failures).
    private func fetch() async throws -> AccessToken {
        fetches += 1
        WeChatMetrics.recordTokenFetch(appID: appID, mode: configuration.mode.kind == .classic ? "classic" : "stable")
        let force = forceNextFetch
        forceNextFetch = false
        let response: AccessTokenResponse
        switch configuration.mode.kind {
        case .classic:
            response = try await requester.get(
                AccessTokenResponse.self, path: "/cgi-bin/token",
                query: [("grant_type", "client_credential"), ("appid", credentials.appID), ("secret", credentials.secret)],
                retry: .safe)
        case .stable:
            let body = StableTokenRequest(
                appid: credentials.appID, secret: credentials.secret,
                forceRefresh: configuration.mode.forceRefreshAfterInvalidation && force)
            response = try await requester.postJSON(
                AccessTokenResponse.self, path: "/cgi-bin/stable_token", query: [],
                body: Array(try JSONEncoder().encode(body)), retry: .safe)
        }
        let token = response.accessToken(receivedAt: clock.now())
        logger.info(
            "wechat access token fetched",
            metadata: [
                "wechat.appid": "\(appID)", "wechat.expires_in": "\(response.expiresIn)",
                "wechat.fetch_count": "\(fetches)",
            ])
        return token
    }
}

/// The JSON body of `cgi-bin/stable_token`.
struct StableTokenRequest: Encodable {
    let grantType = "client_credential"
    let appid: String
    let secret: String
    let forceRefresh: Bool

    enum CodingKeys: String, CodingKey {
        case grantType = "grant_type", appid, secret, forceRefresh = "force_refresh"
    }
}
