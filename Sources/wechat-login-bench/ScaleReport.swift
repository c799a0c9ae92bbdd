import Foundation

/// The scale mode's tables: what each step held, then server, sandbox (and PostgreSQL) CPU per operation at each
/// step with its ratio to the first step's, then the rates.
struct ScaleReport: CustomStringConvertible {
    let users: Int
    let duration: Double
    let build: String
    let database: String
    let results: [ScaleRun.StepResult]

    /// One column per operation: the three sign-in scenarios, the template message of the step's campaign, and of a
    /// campaign of the first step's size on the step's full tables.
    private var columns: [String] {
        (results.first?.operations.map(\.name) ?? []) + ["template message", "first step's campaign"]
    }

    /// CPU seconds, and how many operations they were spent on, for each column of one step.
    private func figures(_ result: ScaleRun.StepResult, _ cpu: (LoadResult) -> Double,
                         _ pushCPU: (PushScenario.Result) -> Double) -> [Double] {
        func perMessage(_ push: PushScenario.Result) -> Double { pushCPU(push) * 1000 / Double(max(push.messages, 1)) }
        return result.operations.map { $0.completed > 0 ? cpu($0) * 1000 / Double($0.completed) : 0 }
            + [perMessage(result.push), perMessage(result.probe ?? result.push)]
    }

    var description: String {
        var lines = [
            "",
            "wechat-login-bench --scale — \(users) virtual users, \(format(duration, 0)) s per sign-in scenario, build: \(build), "
                + "\(ProcessInfo.processInfo.activeProcessorCount) cores, server database: \(database)",
            "",
            "What each step held (a new world per step; row counts after the step):",
            pad("step", 6) + pad("imported users", 16) + pad("import lines/s", 16) + pad("messages", 10) + pad("reports stored", 16)
                + ScaleRun.tables.map { pad($0, $0.count + 2) }.joined(),
        ]
        for (number, result) in results.enumerated() {
            let importRate = result.seed.importSeconds > 0 ? format(Double(result.seed.users) / result.seed.importSeconds, 0) : "-"
            lines.append(pad("\(number + 1)", 6) + pad("\(result.step.users)", 16) + pad(importRate, 16)
                + pad("\(result.step.messages)", 10) + pad("\(result.push.deliveryReports ?? 0)", 16)
                + zip(ScaleRun.tables, result.rows).map { pad("\($1)", $0.count + 2) }.joined())
        }
        table(&lines, "Server CPU ms per operation (ratio to step 1)", { $0.serverCPUSeconds }, { $0.serverCPUSeconds })
        table(&lines, "Sandbox CPU ms per operation (ratio to step 1)", { $0.sandboxCPUSeconds }, { $0.sandboxCPUSeconds })
        if results.contains(where: { $0.push.databaseCPUSeconds > 0 }) {
            table(&lines, "PostgreSQL CPU ms per operation (ratio to step 1)", { $0.databaseCPUSeconds }, { $0.databaseCPUSeconds })
        }
        lines.append("")
        lines.append("Rates (operations/s; p99 ms of the sign-ins):")
        lines.append(pad("step", 6) + columns.map { pad($0, 26) }.joined())
        for (number, result) in results.enumerated() {
            lines.append(pad("\(number + 1)", 6)
                + result.operations.map { pad("\(format($0.rate, 0))/s, p99 \(format($0.percentile(99), 1))", 26) }.joined()
                + pad("\(format(result.push.rate, 0))/s", 26) + pad("\(format((result.probe ?? result.push).rate, 0))/s", 26))
        }
        lines.append("")
        return lines.joined(separator: "\n")
    }

    private func table(_ lines: inout [String], _ title: String, _ cpu: (LoadResult) -> Double,
                       _ pushCPU: (PushScenario.Result) -> Double) {
        lines.append("")
        lines.append(title + ":")
        lines.append(pad("step", 6) + columns.map { pad($0, 26) }.joined())
        guard let first = results.first.map({ figures($0, cpu, pushCPU) }) else { return }
        for (number, result) in results.enumerated() {
            let values = figures(result, cpu, pushCPU)
            lines.append(pad("\(number + 1)", 6) + zip(values, first).map { value, base in
                pad("\(format(value, 3)) (\(base > 0 ? format(value / base, 2) : "-")×)", 26)
            }.joined())
        }
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
