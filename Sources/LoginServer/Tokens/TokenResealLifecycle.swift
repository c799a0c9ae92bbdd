import Logging
import Vapor

/// Runs the ``TokenResealer`` on every instance while older token keys are configured: once at start, then every
/// hour (an instance still sealing with the older key during a rotation may have written more meanwhile).
final class TokenResealLifecycle: LifecycleHandler, @unchecked Sendable {
    // @unchecked: `task` is set in didBoot and read in shutdown, which Vapor calls in that order on one thread.
    private let resealer: TokenResealer
    private let interval: Duration
    private var task: Task<Void, Never>?

    init(resealer: TokenResealer, interval: Duration = .seconds(3600)) {
        self.resealer = resealer
        self.interval = interval
    }

    func didBoot(_ application: Application) throws {
        let resealer = self.resealer
        let interval = self.interval
        let logger = application.logger
        task = Task {
            while !Task.isCancelled {
                do {
                    let report = try await resealer.resealAll()
                    if report.resealed > 0 || report.changedMeanwhile > 0 {
                        logger.info("stored tokens resealed under the current key", metadata: [
                            "resealed": "\(report.resealed)", "changed_meanwhile": "\(report.changedMeanwhile)",
                            "key_id": "\(resealer.cipher.sealingKeyID)",
                        ])
                    }
                    for (keyID, count) in report.unopenable.sorted(by: { $0.key < $1.key }) {
                        logger.warning("stored tokens no configured key opens", metadata: [
                            "key_id": "\(keyID)", "count": "\(count)",
                        ])
                    }
                } catch {
                    logger.warning("token reseal failed", metadata: ["error": "\(String(reflecting: type(of: error)))"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    func shutdownAsync(_ application: Application) async {
        task?.cancel()
        await task?.value
    }
}
