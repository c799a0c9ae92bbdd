import Foundation

/// A fault to inject on a path (control API `POST /sandbox/api/faults`).
struct FaultRule: Sendable, Codable {
    /// Request path the fault applies to, e.g. `/cgi-bin/token`.
    var path: String
    /// Answer this WeChat errcode (HTTP 200, WeChat's JSON error body).
    var errcode: Int?
    /// Answer this HTTP status with an empty body.
    var httpStatus: Int?
    /// Wait this long before handling (milliseconds, real time).
    var delayMilliseconds: Int?
    /// Close the connection without a complete response.
    var drop: Bool?
    /// Answer a truncated JSON body.
    var malformedJSON: Bool?
    /// Apply to the next N matching calls (nil: until cleared).
    var count: Int?
    /// Apply to this fraction of matching calls (0...1; nil: every call).
    var rate: Double?
    /// Calls this fault has affected.
    var hits: Int?
}

extension SandboxState {
    func addFault(_ rule: FaultRule) {
        faults.append(rule)
    }

    func clearFaults() {
        faults = []
    }

    func listFaults() -> [FaultRule] {
        faults
    }

    /// The fault to apply to this call, consuming one of its uses.
    func takeFault(path: String) -> FaultRule? {
        guard let index = faults.firstIndex(where: { $0.path == path }) else { return nil }
        var rule = faults[index]
        if let rate = rule.rate, Double.random(in: 0..<1) >= rate { return nil }
        rule.hits = (rule.hits ?? 0) + 1
        if let count = rule.count {
            if count <= 1 { faults.remove(at: index) } else { rule.count = count - 1; faults[index] = rule }
        } else {
            faults[index] = rule
        }
        return rule
    }
}
