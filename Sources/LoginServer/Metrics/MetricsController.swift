import Fluent
import Vapor
import WeChatVapor

/// `/metrics`: Prometheus text format. Requires `Authorization: Bearer <METRICS_TOKEN>` when that is set; without
/// it, open only in sandbox mode and closed (404, as the admin API without its token) with real WeChat
/// credentials, where a forgotten proxy rule would otherwise show the deployment's traffic to anyone.
///
/// Counters and histograms are this process's; the queue's depth and today's token fetches are read from the
/// database at each scrape, so they describe the whole deployment whichever instance is scraped.
struct MetricsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("metrics", use: metrics)
    }

    func metrics(req: Request) async throws -> Response {
        let configuration = req.login.configuration
        if let expected = configuration.metricsToken {
            try req.requireBearer(expected, for: "metrics")
        } else if !configuration.sandboxMode {
            throw Abort(.notFound)
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
