import Foundation

/// What the import has done so far, and how its progress is drawn: pure functions, so the text is tested as text.
public struct ImportProgress: Sendable, Equatable {
    /// Bytes of the file read (the position of the last committed batch), of `totalBytes`.
    public var bytesDone: Int
    public var totalBytes: Int
    /// Bytes and lines read by this run (a resumed run starts past the checkpoint): the rate's numerators.
    public var bytesThisRun: Int
    public var linesThisRun: Int
    /// Seconds since this run started.
    public var elapsed: Double

    var fraction: Double { totalBytes > 0 ? min(1, max(0, Double(bytesDone) / Double(totalBytes))) : 1 }
    var linesPerSecond: Double { elapsed > 0 ? Double(linesThisRun) / elapsed : 0 }

    /// Seconds left at this run's byte rate, or `nil` before there is a rate.
    var secondsLeft: Double? {
        guard elapsed > 0, bytesThisRun > 0 else { return nil }
        return Double(max(0, totalBytes - bytesDone)) / (Double(bytesThisRun) / elapsed)
    }

    /// The terminal's line, redrawn in place: `[#######---------]  42%  12000 lines/s  ETA 0:07`.
    public func bar(width: Int = 30) -> String {
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let percent = String(Int((fraction * 100).rounded(.down)))
        return "[\(bar)] \(String(repeating: " ", count: 3 - percent.count))\(percent)%  "
            + "\(Int(linesPerSecond.rounded())) lines/s  ETA \(Self.duration(secondsLeft))"
    }

    /// A line for a log or a pipe, written every few seconds.
    public func plain() -> String {
        "import: \(Int((fraction * 100).rounded(.down)))% (\(bytesDone) of \(totalBytes) bytes), "
            + "\(linesThisRun) lines this run, \(Int(linesPerSecond.rounded())) lines/s, ETA \(Self.duration(secondsLeft))"
    }

    /// `m:ss`, or `h:mm:ss` past an hour; `--:--` when unknown.
    static func duration(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite else { return "--:--" }
        let total = Int(seconds.rounded(.up))
        let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60)
        let two = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
        return hours > 0 ? "\(hours):\(two(minutes)):\(two(secs))" : "\(minutes):\(two(secs))"
    }
}

/// Writes progress and rejected lines to the operator: on a terminal, one line redrawn in place at most ten times
/// a second; otherwise (a pipe, a log) a plain line every `plainInterval` seconds. Rejected lines go on lines of
/// their own in both cases.
struct ImportConsole {
    var isTerminal: Bool
    var plainInterval: Double = 5
    /// Writes text as it is (stderr in the command).
    var write: (String) -> Void
    private var lastDraw: Double?
    private var barShown = false

    init(isTerminal: Bool, plainInterval: Double = 5, write: @escaping (String) -> Void) {
        (self.isTerminal, self.plainInterval, self.write) = (isTerminal, plainInterval, write)
    }

    /// Draws `progress` unless the last drawing was too recent (`force` draws anyway: the first and the last).
    mutating func show(_ progress: ImportProgress, force: Bool = false) {
        let interval = isTerminal ? 0.1 : plainInterval
        if !force, let lastDraw, progress.elapsed - lastDraw < interval { return }
        lastDraw = progress.elapsed
        if isTerminal {
            write("\r" + progress.bar() + "\u{1B}[K")
            barShown = true
        } else {
            write(progress.plain() + "\n")
        }
    }

    /// A rejected line: `line 12: phone must be …`.
    mutating func rejected(line: Int, reason: String) {
        write((barShown ? "\r\u{1B}[K" : "") + "line \(line): \(reason)\n")
        barShown = false
    }

    /// Ends the bar's line, so what follows starts on a line of its own.
    mutating func finish() {
        if barShown { write("\n") }
        barShown = false
    }
}
