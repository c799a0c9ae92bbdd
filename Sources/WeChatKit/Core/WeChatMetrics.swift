import CoreMetrics
import Foundation

/// What WeChatKit reports through swift-metrics (a no-op until the application bootstraps a metrics backend).
///
/// - `wechat_api_calls_total{endpoint, errcode}`: every HTTP exchange with WeChat; `errcode` is `0` on success,
///   WeChat's errcode on an API error, or `transport` / `timeout` / `decoding` / `too_large`.
/// - `wechat_api_call_duration_seconds{endpoint}`: the exchange's latency.
/// - `wechat_access_token_fetches_total{appid, mode}`: upstream fetches of the ordinary access_token.
///
/// Labels never carry tokens, codes or openids: `endpoint` is the path without its query.
enum WeChatMetrics {
    static func recordCall(endpoint: String, outcome: String, duration: Duration) {
        Counter(label: "wechat_api_calls_total", dimensions: [("endpoint", endpoint), ("errcode", outcome)]).increment()
        Timer(label: "wechat_api_call_duration_seconds", dimensions: [("endpoint", endpoint)])
            .recordNanoseconds(duration.nanoseconds)
    }

    static func outcome(of error: WeChatError) -> String {
        switch error.kind {
        case .api(let code): String(code.rawValue)
        case .transport: "transport"
        case .timeout: "timeout"
        case .decoding: "decoding"
        case .responseTooLarge: "too_large"
        case .invalidArgument: "invalid_argument"
        }
    }

    static func recordTokenFetch(appID: String, mode: String) {
        Counter(label: "wechat_access_token_fetches_total", dimensions: [("appid", appID), ("mode", mode)]).increment()
    }
}
