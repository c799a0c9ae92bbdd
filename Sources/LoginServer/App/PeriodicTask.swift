import Logging
import Vapor

/// Runs a job at start and then every `interval` while the application runs; stopped (and awaited) at shutdown.
/// The job reports its own results and failures; the retention sweep and the token re-sealer both run on it.
final class PeriodicTask: LifecycleHandler, @unchecked Sendable {
    // @unchecked: `task` is set in didBoot and read in shutdown, which Vapor calls in that order on one thread.
    private let interval: Duration
    private let job: @Sendable (Logger) async -> Void
    private var task: Task<Void, Never>?

    init(every interval: Duration, _ job: @escaping @Sendable (Logger) async -> Void) {
        self.interval = interval
        self.job = job
    }

    func didBoot(_ application: Application) throws {
        let (interval, job, logger) = (self.interval, self.job, application.logger)
        task = Task {
            while !Task.isCancelled {
                await job(logger)
                try? await Task.sleep(for: interval)
            }
        }
    }

    func shutdownAsync(_ application: Application) async {
        task?.cancel()
        await task?.value
    }
}
