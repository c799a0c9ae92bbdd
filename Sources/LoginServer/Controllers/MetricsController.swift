import Fluent
import Vapor
import WeChatVapor

/// `/metrics`: Prometheus text format. Requires `Authorization: Bearer <METRICS_TOKEN>` when that is set.
///
/// Counters and histograms are this process's; the queue's depth and today's token fetches are read from the
/// database at each scrape, so they describe the whole deployment whichever instance is scraped.
struct MetricsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("metrics", use: metrics)
    }

    func metrics(req: Request) async throws -> Response {
        if let expected = req.login.configuration.metricsToken {
            try req.requireBearer(expected, for: "metrics")
        }
        if req.login.messaging != nil {
            ServerMetrics.queueDepth(try await req.templateQueue.counts())
        }
        if let provider = req.wechat.storage.accessTokens {
            let store = req.serverTokenStore
            ServerMetrics.tokenFetchesToday(appID: provider.appID, count: try await store.status(appID: provider.appID).fetchesToday)
        }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/plain; version=0.0.4; charset=utf-8")
        return Response(status: .ok, headers: headers,
                        body: .init(buffer: ByteBuffer(bytes: LoginServerMetrics.registry.emitToBuffer())))
    }
}
