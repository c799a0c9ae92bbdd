import Foundation
import Histogram

/// What one scenario measured.
struct LoadResult: Sendable {
    var name: String
    var completed: Int
    var errors: Int
    var firstErrors: [String]
    var seconds: Double
    /// Latencies in microseconds.
    var latencies: [UInt64]
    var serverCPUSeconds: Double
    var serverPeakRSSMiB: Double
    /// The sandbox's CPU seconds over the run (zero when it was not watched).
    var sandboxCPUSeconds: Double = 0
    /// This harness's own CPU seconds over the run (the virtual users' HTTP clients).
    var harnessCPUSeconds: Double = 0
    /// The database server's CPU seconds over the run (PostgreSQL; zero for SQLite, which runs inside the server).
    var databaseCPUSeconds: Double = 0

    var rate: Double { seconds > 0 ? Double(completed) / seconds : 0 }

    func percentile(_ p: Double) -> Double {
        var histogram = Histogram<UInt64>(highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: .three)
        for value in latencies { _ = histogram.record(max(1, min(value, 120_000_000))) }
        return Double(p >= 100 ? histogram.maxRecorded : histogram.valueAtPercentile(p)) / 1000
    }

    var cpuPerOperationMilliseconds: Double { perOperation(serverCPUSeconds) }
    var sandboxCPUPerOperationMilliseconds: Double { perOperation(sandboxCPUSeconds) }
    var harnessCPUPerOperationMilliseconds: Double { perOperation(harnessCPUSeconds) }
    var databaseCPUPerOperationMilliseconds: Double { perOperation(databaseCPUSeconds) }

    /// CPU milliseconds per operation, summed over every process on the machine that took part.
    var machineCPUPerOperationMilliseconds: Double {
        perOperation(serverCPUSeconds + sandboxCPUSeconds + harnessCPUSeconds + databaseCPUSeconds)
    }

    private func perOperation(_ seconds: Double) -> Double { completed > 0 ? seconds * 1000 / Double(completed) : 0 }
}

/// CPU seconds (user + system) this process has used so far.
func ownCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// Runs `users` virtual users in a loop for `duration` seconds; each iteration is timed (its preparation is not).
enum LoadRunner {
    static func run(
        name: String, users: Int, duration: Double, server: BenchProcess, sandbox: BenchProcess? = nil,
        database: (any CPUWatched)? = nil,
        prepare: @escaping @Sendable (_ user: Int, _ index: Int) async throws -> String = { _, _ in "" },
        iteration: @escaping @Sendable (_ user: Int, _ index: Int, _ prepared: String) async throws -> Void
    ) async -> LoadResult {
        let cpuBefore = server.cpuSeconds()
        let sandboxBefore = sandbox?.cpuSeconds() ?? 0
        let harnessBefore = ownCPUSeconds()
        let databaseBefore = database?.cpuSeconds() ?? 0
        let start = ContinuousClock.now
        let deadline = start + .milliseconds(Int(duration * 1000))
        let perUser = await withTaskGroup(of: (latencies: [UInt64], errors: [String]).self) { group in
            for user in 0..<users {
                group.addTask {
                    var latencies: [UInt64] = []
                    var errors: [String] = []
                    var index = 0
                    while ContinuousClock.now < deadline {
                        do {
                            // Untimed: getting the iteration's input ready (e.g. a new WeChat user).
                            let prepared = try await prepare(user, index)
                            let began = ContinuousClock.now
                            try await iteration(user, index, prepared)
                            let elapsed = ContinuousClock.now - began
                            latencies.append(UInt64(elapsed.components.seconds) * 1_000_000
                                             + UInt64(elapsed.components.attoseconds / 1_000_000_000_000))
                        } catch {
                            errors.append(String(describing: error))
                        }
                        index += 1
                    }
                    return (latencies, errors)
                }
            }
            var all: [(latencies: [UInt64], errors: [String])] = []
            for await result in group { all.append(result) }
            return all
        }
        let elapsed = ContinuousClock.now - start
        let seconds = elapsed.inSeconds
        let errors = perUser.flatMap(\.errors)
        return LoadResult(
            name: name, completed: perUser.reduce(0) { $0 + $1.latencies.count }, errors: errors.count,
            firstErrors: Array(Set(errors).prefix(3)), seconds: seconds, latencies: perUser.flatMap(\.latencies),
            serverCPUSeconds: server.cpuSeconds() - cpuBefore, serverPeakRSSMiB: server.peakRSSMiB(),
            sandboxCPUSeconds: (sandbox?.cpuSeconds() ?? 0) - sandboxBefore, harnessCPUSeconds: ownCPUSeconds() - harnessBefore,
            databaseCPUSeconds: (database?.cpuSeconds() ?? 0) - databaseBefore)
    }
}
