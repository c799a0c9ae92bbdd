import Foundation

extension AccessTokenProvider {
    /// Which WeChat endpoint mints the token.
    public struct Mode: Sendable, Hashable {
        enum Kind: Hashable {
            case classic
            case stable
        }

        let kind: Kind
        /// In stable mode: whether the refetch that follows a token-invalid errcode sends `force_refresh: true`.
        public let forceRefreshAfterInvalidation: Bool

        /// `GET cgi-bin/token`: every fetch mints a new token and retires the previous one after 5 minutes;
        /// 2,000 fetches a day.
        public static let classic = Mode(kind: .classic, forceRefreshAfterInvalidation: false)

        /// `POST cgi-bin/stable_token` with `force_refresh: false`: the same token until its last 5 minutes;
        /// isolated from `cgi-bin/token`.
        public static let stable = Mode(kind: .stable, forceRefreshAfterInvalidation: false)

        /// `POST cgi-bin/stable_token`; with `forceRefreshAfterInvalidation`, the refetch that follows a
        /// token-invalid errcode sends `force_refresh: true` (WeChat allows 20 a day, at least 30 s apart).
        public static func stable(forceRefreshAfterInvalidation: Bool) -> Mode {
            Mode(kind: .stable, forceRefreshAfterInvalidation: forceRefreshAfterInvalidation)
        }
    }

    /// How the provider fetches, caches and shares the token.
    public struct Configuration: Sendable, Hashable {
        /// WeChat's hosts (default ``Endpoint/production``).
        public var endpoint: Endpoint
        /// Timeouts, size cap and retries of the token fetch.
        public var http: WeChatHTTPConfiguration
        /// `cgi-bin/token` or `cgi-bin/stable_token`. Default ``Mode/classic``.
        public var mode: Mode
        /// Refresh this long before expiry (never earlier than half the lifetime). Default 5 minutes.
        public var refreshMargin: Duration
        /// How long a refresh lease lasts. It must outlast a whole fetch, retries included
        /// (`(maxRetries + 1) × totalTimeout` plus back-off: about 31 s with the defaults). Default 60 s.
        public var leaseDuration: Duration
        /// How long to wait for another holder's refresh before giving up with a timeout. Default 75 s
        /// (longer than ``leaseDuration``, so a crashed holder's lease expires and this provider takes over).
        /// Callers wait only when there is no still-valid token at all; otherwise they get the old one at once.
        public var leaseWaitTimeout: Duration
        /// How often to re-read the store while another holder refreshes. Default 250 ms.
        public var leasePollInterval: Duration
        /// This provider's lease-holder name; unique per instance by default.
        public var holderID: String

        /// Creates a configuration; every parameter has the documented default.
        public init(
            endpoint: Endpoint = .production,
            http: WeChatHTTPConfiguration = WeChatHTTPConfiguration(),
            mode: Mode = .classic,
            refreshMargin: Duration = .seconds(300),
            leaseDuration: Duration = .seconds(60),
            leaseWaitTimeout: Duration = .seconds(75),
            leasePollInterval: Duration = .milliseconds(250),
            holderID: String = "wechatkit-" + UUID().uuidString
        ) {
            self.endpoint = endpoint
            self.http = http
            self.mode = mode
            self.refreshMargin = refreshMargin
            self.leaseDuration = leaseDuration
            self.leaseWaitTimeout = leaseWaitTimeout
            self.leasePollInterval = leasePollInterval
            self.holderID = holderID
        }
    }
}
