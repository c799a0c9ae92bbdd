import Foundation

/// The figures of one run, printed as a table.
struct BenchReport: CustomStringConvertible {
    let users: Int
    let duration: Double
    let build: String
    let database: String
    var logins: [LoadResult] = []
    /// The OpenID Connect sign-ins, one per flow, in the order of `logins`.
    var oidc: [LoadResult] = []
    var ceiling: LoadResult?
    var peer: [LoadResult] = []
    var push: PushScenario.Result?
    var sandboxCPUSeconds: Double = 0

    private var cores: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// Each flow's plain logins followed by its OpenID Connect sign-ins.
    private var signIns: [LoadResult] {
        logins.indices.flatMap { index in [logins[index]] + (index < oidc.count ? [oidc[index]] : []) }
    }

    var description: String {
        var lines = [
            "",
            "wechat-login-bench — \(users) virtual users, \(format(duration, 0)) s per scenario, build: \(build), \(ProcessInfo.processInfo.activeProcessorCount) cores, server database: \(database)",
            "",
            pad("scenario", 48) + pad("done", 8) + pad("/s", 9) + pad("p50 ms", 9) + pad("p90 ms", 9) + pad("p99 ms", 9)
                + pad("max ms", 9) + pad("errors", 8) + pad("CPU ms/op", 11) + "peak RSS MiB",
        ]
        for result in signIns + (ceiling.map { [$0] } ?? []) + peer {
            lines.append(pad(result.name, 48) + pad("\(result.completed)", 8) + pad(format(result.rate, 0), 9)
                + pad(format(result.percentile(50), 1), 9) + pad(format(result.percentile(90), 1), 9)
                + pad(format(result.percentile(99), 1), 9) + pad(format(result.percentile(100), 1), 9)
                + pad("\(result.errors)", 8) + pad(format(result.cpuPerOperationMilliseconds, 2), 11)
                + format(result.serverPeakRSSMiB, 0))
            for error in result.firstErrors { lines.append("    error: \(error.prefix(160))") }
        }
        lines.append("")
        let withDatabase = (signIns + peer).contains { $0.databaseCPUSeconds > 0 }
        lines.append("CPU per operation across the machine (server + sandbox + this harness\(withDatabase ? " + database server" : ""); "
            + "\(cores) cores = \(cores * 1000) CPU ms/s):")
        for result in signIns + (ceiling.map { [$0] } ?? []) + peer where result.completed > 0 {
            let machine = result.machineCPUPerOperationMilliseconds
            let database = withDatabase ? " + \(format(result.databaseCPUPerOperationMilliseconds, 2))" : ""
            lines.append("  \(result.name): \(format(result.cpuPerOperationMilliseconds, 2)) + "
                + "\(format(result.sandboxCPUPerOperationMilliseconds, 2)) + \(format(result.harnessCPUPerOperationMilliseconds, 2))\(database) = "
                + "\(format(machine, 2)) ms → at most \(format(Double(cores) * 1000 / max(machine, 0.001), 0))/s on this machine")
        }
        if let ceiling, ceiling.rate > 0 {
            lines.append("")
            for result in logins {
                let flow: LoginFlows.Flow = result.name.contains("PC") ? .pcQR
                    : result.name.contains(LoginFlows.Flow.followLogin.rawValue) ? .followLogin : .inWeChat
                let exchanges = LoginFlows.exchanges(flow).server
                let limit = ceiling.rate / Double(exchanges)
                lines.append("\(result.name): \(format(result.rate, 0))/s = \(format(100 * result.rate / limit, 0))% of the ceiling "
                    + "(\(format(ceiling.rate, 0)) plain requests/s ÷ \(exchanges) server exchanges per login = \(format(limit, 0)) logins/s)")
            }
        }
        if !oidc.isEmpty {
            lines.append("")
            for (plain, signIn) in zip(logins, oidc) where plain.completed > 0 && signIn.completed > 0 {
                let (ours, theirs) = (signIn.cpuPerOperationMilliseconds, plain.cpuPerOperationMilliseconds)
                lines.append("\(signIn.name) vs \(plain.name): server CPU per sign-in \(format(ours, 2)) ms vs \(format(theirs, 2)) ms "
                    + "(+\(format(ours - theirs, 2)) ms, \(format(ours / max(theirs, 0.001), 2))×); "
                    + "\(format(signIn.rate, 0))/s vs \(format(plain.rate, 0))/s; p99 \(format(signIn.percentile(99), 1)) ms vs \(format(plain.percentile(99), 1)) ms")
            }
        }
        if !peer.isEmpty {
            lines.append("")
            for (ours, theirs) in zip(logins, peer) where theirs.rate > 0 {
                lines.append("\(ours.name) vs the peer: \(format(ours.rate / theirs.rate, 1))× the logins/s; server CPU per login "
                    + "\(format(ours.cpuPerOperationMilliseconds, 2)) ms vs \(format(theirs.cpuPerOperationMilliseconds, 2)) ms; "
                    + "p99 \(format(ours.percentile(99), 1)) ms vs \(format(theirs.percentile(99), 1)) ms")
            }
        }
        if let push {
            lines.append("")
            lines.append("template push: \(push.messages) messages drained in \(format(push.seconds, 2)) s = \(format(push.rate, 0)) messages/s, "
                + "\(push.tokenFetches) access_token fetch\(push.tokenFetches == 1 ? "" : "es"), "
                + "peak RSS \(format(push.serverPeakRSSMiB, 0)) MiB")
            let perMessage = { (seconds: Double) in seconds * 1000 / Double(max(push.messages, 1)) }
            let machine = perMessage(push.serverCPUSeconds + push.sandboxCPUSeconds + push.harnessCPUSeconds
                                     + push.databaseCPUSeconds)
            let database = push.databaseCPUSeconds > 0 ? " + \(format(perMessage(push.databaseCPUSeconds), 3))" : ""
            lines.append("  CPU per message (server + sandbox + this harness\(database.isEmpty ? "" : " + database server")): "
                + "\(format(perMessage(push.serverCPUSeconds), 3)) + "
                + "\(format(perMessage(push.sandboxCPUSeconds), 3)) + \(format(perMessage(push.harnessCPUSeconds), 3))\(database) = "
                + "\(format(machine, 3)) ms → at most \(format(Double(cores) * 1000 / max(machine, 0.001), 0))/s on this machine")
        }
        lines.append("")
        return lines.joined(separator: "\n")
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}

func format(_ value: Double, _ decimals: Int) -> String {
    String(format: "%.\(decimals)f", value)
}
