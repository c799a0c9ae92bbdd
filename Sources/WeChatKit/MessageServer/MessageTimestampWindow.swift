import Foundation

/// The replay window for push timestamps: a `timestamp` query value must lie within `tolerance` of now.
public struct MessageTimestampWindow: Sendable, Hashable {
    /// How far the timestamp may be from now, in either direction (default 300 seconds).
    public var tolerance: Duration

    /// Creates a window; negative tolerances are treated as zero.
    public init(tolerance: Duration = .seconds(300)) {
        self.tolerance = tolerance
    }

    /// Parses `timestamp` (decimal Unix seconds, at most 12 digits) and checks it against `now`.
    ///
    /// - Returns: the parsed timestamp.
    /// - Throws: `MessageServerError.invalidParameter` when it is not a number, `.staleTimestamp` when it is
    ///   outside the window.
    @discardableResult
    public func check(_ timestamp: String, now: Date) throws -> Int64 {
        let parsed = try Self.parse(timestamp)
        let seconds = now.timeIntervalSince1970
        guard seconds.isFinite, abs(seconds) < 1e15 else { throw MessageServerError.staleTimestamp }
        let nowSeconds = Int64(seconds.rounded(.down))
        let allowed = max(0, tolerance.components.seconds)
        // Both sides are below 1e15, so the subtraction cannot overflow.
        guard abs(parsed - nowSeconds) <= allowed else { throw MessageServerError.staleTimestamp }
        return parsed
    }

    /// Parses a decimal timestamp of 1 to 12 ASCII digits.
    static func parse(_ timestamp: String) throws -> Int64 {
        let bytes = Array(timestamp.utf8)
        guard (1...12).contains(bytes.count), bytes.allSatisfy({ (0x30...0x39).contains($0) }),
              let value = Int64(timestamp)
        else { throw MessageServerError.invalidParameter("timestamp") }
        return value
    }
}
