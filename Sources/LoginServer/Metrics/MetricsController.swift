import Fluent
import Vapor

/// `/metrics`: Prometheus text format. Requires `Authorization: Bearer <METRICS_TOKEN>` when that is set; without
/// it, open only in sandbox mode and closed (404, as the admin API without its token) with real WeChat
/// credentials, where a forgotten proxy rule would otherwise show the deployment's traffic to anyone.
///
/// Counters and histograms are this process's; the queue's depth and today's token fetches are read from the
/// database at each scrape (settled statuses at most once a minute), so they describe the whole deployment
/// whichever instance is scraped.
struct MetricsController: RouteCollection {
    let configuration: LoginServerConfiguration
    let messaging: TemplateMessaging?
    let sharedToken: SharedAccessToken?
    /// The queue-depth counts, settled statuses cached (see ``QueueDepthGauges``).
    let depths: QueueDepthGauges

    func boot(routes: any RoutesBuilder) throws {
        routes.get("metrics", use: metrics)
    }

    func metrics(req: Request) async throws -> Response {
        if let expected = configuration.metricsToken {
            try req.requireBearer(expected, for: "metrics")
        } else if !configuration.sandboxMode {
            throw Abort(.notFound)
        }
        if let messaging {
            ServerMetrics.queueDepth(try await depths.messages(messaging.queue(on: req.db)))
        }
        ServerMetrics.webhookQueueDepth(try await depths.deliveries(WebhookDeliveryStore(database: req.db)))
        if let sharedToken {
            let provider = sharedToken.provider
            let store = sharedToken.store(on: req.db, logger: req.logger)
            ServerMetrics.tokenFetchesToday(appID: provider.appID, count: try await store.status(appID: provider.appID).fetchesToday)
        }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/plain; version=0.0.4; charset=utf-8")
        return Response(status: .ok, headers: headers,
                        body: .init(buffer: ByteBuffer(bytes: LoginServerMetrics.registry.emitToBuffer())))
    }
}
