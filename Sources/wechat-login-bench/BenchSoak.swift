import Foundation

/// A long run of PC logins, sampling the server's resident memory every ten seconds, to show whether it grows.
struct BenchSoak: Sendable {
    let environment: BenchEnvironment
    let target: String
    let users: Int
    let seconds: Double

    func run(server: BenchProcess) async throws -> String {
        let scenario = LoginScenario(environment: environment, flow: .pcQR, target: target, users: users, duration: seconds)
        let sampler = Task {
            var samples: [(Double, Double)] = []
            let start = Date()
            while !Task.isCancelled {
                samples.append((Date().timeIntervalSince(start), server.rssMiB()))
                try? await Task.sleep(for: .seconds(10))
            }
            return samples
        }
        let result = try await scenario.run(name: "soak, PC QR logins", against: server)
        sampler.cancel()
        let samples = await sampler.value
        var lines = ["", "soak: \(result.completed) PC QR logins in \(format(result.seconds, 0)) s (\(format(result.rate, 0))/s), \(result.errors) errors",
                     "seconds  RSS MiB"]
        lines += samples.map { "\(format($0.0, 0).padding(toLength: 9, withPad: " ", startingAt: 0))\(format($0.1, 1))" }
        if samples.count >= 4 {
            let half = samples.count / 2
            let early = samples[1..<half].map(\.1).reduce(0, +) / Double(max(half - 1, 1))
            let late = samples[half...].map(\.1).reduce(0, +) / Double(samples.count - half)
            lines.append("mean RSS, first half (after warm-up) \(format(early, 1)) MiB, second half \(format(late, 1)) MiB")
        }
        lines.append("peak RSS \(format(server.peakRSSMiB(), 1)) MiB")
        return lines.joined(separator: "\n")
    }
}
