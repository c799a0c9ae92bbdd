import CoreMetrics
import Foundation
import Prometheus
import Synchronization

/// The process's Prometheus registry, behind swift-metrics: WeChatKit's and the server's metrics land here once
/// ``bootstrap()`` ran, and `/metrics` prints it.
public enum LoginServerMetrics {
    /// The registry `/metrics` emits.
    public static let registry = PrometheusCollectorRegistry()
    private static let bootstrapped = Mutex(false)

    /// Makes swift-metrics report into ``registry``; safe to call more than once (the first call wins).
    public static func bootstrap() {
        bootstrapped.withLock { done in
            guard !done else { return }
            done = true
            var factory = PrometheusMetricsFactory(registry: registry)
            factory.defaultDurationHistogramBuckets = [
                .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
                .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
                .milliseconds(2500), .seconds(5), .seconds(10),
            ]
            MetricsSystem.bootstrap(factory)
        }
    }
}

/// The login server's own metrics (names and labels are documented in docs/DEPLOYMENT.md):
///
/// - `wechat_login_logins_total{flow, outcome}` and `wechat_login_login_duration_seconds{flow}` (callback time);
/// - `wechat_login_template_sends_total{outcome, errcode}` and `wechat_login_template_send_duration_seconds`;
/// - `wechat_login_template_queue_messages{status}` and `wechat_login_access_token_fetches_today{appid}`, read from the
///   database when `/metrics` is scraped (so every instance reports the deployment's queue);
/// - `wechat_login_rate_limited_total{route}`: requests refused by this instance's rate limits;
/// - `wechat_login_webhook_deliveries_total{outcome}` (`delivered`, `retry`, `dead`): this instance's attempts, and
///   `wechat_login_webhook_queue_deliveries{status}`, read from the database at each scrape.
enum ServerMetrics {
    /// One webhook delivery attempt's outcome.
    static func webhookDelivery(_ outcome: WebhookDeliveryStore.Outcome) {
        let name = switch outcome {
        case .delivered: "delivered"
        case .retry: "retry"
        case .dead: "dead"
        }
        Counter(label: "wechat_login_webhook_deliveries_total", dimensions: [("outcome", name)]).increment()
    }

    static func webhookQueueDepth(_ counts: [WebhookDeliveryStore.Status: Int]) {
        for status in WebhookDeliveryStore.Status.allCases {
            Gauge(label: "wechat_login_webhook_queue_deliveries", dimensions: [("status", status.rawValue)])
                .record(counts[status] ?? 0)
        }
    }

    /// One request refused by the rate limits.
    static func rateLimited(_ route: RateLimitedRoute) {
        Counter(label: "wechat_login_rate_limited_total", dimensions: [("route", route.rawValue)]).increment()
    }

    /// One statement written by a `StatementBatcher` for `items` callers.
    static func batchedWrite(writer: String, items: Int) {
        Counter(label: "wechat_login_batched_statements_total", dimensions: [("writer", writer)]).increment()
        Counter(label: "wechat_login_batched_items_total", dimensions: [("writer", writer)]).increment(by: items)
    }

    static func login(flow: LoginFlowName, outcome: LoginOutcome, duration: Duration? = nil) {
        Counter(label: "wechat_login_logins_total", dimensions: [("flow", flow.rawValue), ("outcome", outcome.rawValue)])
            .increment()
        if let duration {
            Timer(label: "wechat_login_login_duration_seconds", dimensions: [("flow", flow.rawValue)])
                .recordNanoseconds(duration.nanosecondsSaturating)
        }
    }

    static func templateSend(_ outcome: TemplateMessageQueue.Outcome, duration: Duration) {
        let (name, errcode): (String, Int?) = switch outcome {
        case .sent: ("sent", nil)
        case .retry(_, let errcode, _): ("retry", errcode)
        case .failed(let errcode, _): ("failed", errcode)
        }
        Counter(label: "wechat_login_template_sends_total",
                dimensions: [("outcome", name), ("errcode", errcode.map(String.init) ?? "none")]).increment()
        Timer(label: "wechat_login_template_send_duration_seconds").recordNanoseconds(duration.nanosecondsSaturating)
    }

    static func queueDepth(_ counts: [TemplateMessageStatus: Int]) {
        for status in TemplateMessageStatus.allCases {
            Gauge(label: "wechat_login_template_queue_messages", dimensions: [("status", status.rawValue)])
                .record(counts[status] ?? 0)
        }
    }

    static func tokenFetchesToday(appID: String, count: Int) {
        Gauge(label: "wechat_login_access_token_fetches_today", dimensions: [("appid", appID)]).record(count)
    }
}

/// The login flows, as metric labels.
enum LoginFlowName: String, Sendable {
    case pcQR = "pc_qr"
    case inWeChat = "in_wechat"
    /// Follow-to-sign-in: the official account's QR code on a PC page.
    case officialAccountQR = "official_account_qr"
    /// A callback whose state named no flow (unknown, forged or from another browser).
    case unknown

    init(_ flow: LoginFlow) {
        self = flow == .officialAccount ? .inWeChat : .pcQR
    }
}

/// How a login ended, as a metric label.
enum LoginOutcome: String, Sendable {
    /// Signed in to an existing (bound) account.
    case signedIn = "signed_in"
    /// A new identity, sent on to binding.
    case needsBinding = "needs_binding"
    /// The person declined consent, or is a snapshot (virtual) user of the in-WeChat page.
    case refused
    /// A bad, stale or replayed callback.
    case rejected
    /// WeChat refused or failed the code exchange or the profile.
    case failed
}

extension Duration {
    var nanosecondsSaturating: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, overflow2) = product.addingReportingOverflow(attoseconds / 1_000_000_000)
        return overflow2 ? .max : sum
    }
}
