import Logging

extension TokenResealer {
    /// Re-sealing on every instance while older token keys are configured: once at start, then every hour (an
    /// instance still sealing with the older key during a rotation may have written more meanwhile).
    func lifecycle(every interval: Duration = .seconds(3600)) -> PeriodicTask {
        PeriodicTask(every: interval) { logger in
            do {
                let report = try await resealAll()
                if report.resealed > 0 || report.changedMeanwhile > 0 {
                    logger.info("stored tokens resealed under the current key", metadata: [
                        "resealed": "\(report.resealed)", "changed_meanwhile": "\(report.changedMeanwhile)",
                        "key_id": "\(cipher.sealingKeyID)",
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
        }
    }
}
