import Foundation

/// A process whose CPU time the benchmark adds to a scenario's budget.
protocol CPUWatched: Sendable {
    /// User plus system CPU seconds so far, children included.
    func cpuSeconds() -> Double
}

/// A process the benchmark did not start but whose CPU counts (the PostgreSQL server, by its postmaster's pid).
struct WatchedPID: CPUWatched {
    let pid: Int32

    func cpuSeconds() -> Double {
        BenchProcess.cpuSeconds(pid: pid) + BenchProcess.children(of: pid).reduce(0) { $0 + BenchProcess.cpuSeconds(pid: $1) }
    }
}

/// A child process the benchmark started (the server, the sandbox, the peer), with its CPU time and memory read
/// from `/proc`.
final class BenchProcess: CPUWatched, @unchecked Sendable {
    // @unchecked: `Process` is not Sendable; this wrapper only starts it once and then reads /proc.
    let name: String
    let process: Process
    let logURL: URL

    init(name: String, executable: String, arguments: [String], environment: [String: String], logDirectory: URL) throws {
        self.name = name
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        logURL = logDirectory.appendingPathComponent("\(name).log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        Self.running.add(self)
    }

    /// Every child started so far, for the signal handler: a benchmark stopped with Ctrl-C or SIGTERM must not
    /// leave its sandbox and servers running.
    private static let running = Children<BenchProcess>()

    /// Stops every child this process started (on SIGINT/SIGTERM), then exits with the signal's conventional code.
    static func stopAllOnSignals() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                for child in running.all() { child.stop() }
                exit(128 + signalNumber)
            }
            source.resume()
            signalSources.add(source)
        }
    }

    private static let signalSources = Children<any DispatchSourceSignal>()

    /// A locked list (children started from several tasks; read by the signal handler).
    private final class Children<Element>: @unchecked Sendable {
        // @unchecked: every access goes through `lock`.
        private let lock = NSLock()
        private var items: [Element] = []

        func add(_ item: Element) { lock.withLock { items.append(item) } }
        func all() -> [Element] { lock.withLock { items } }
    }

    var pid: Int32 { process.processIdentifier }

    /// User plus system CPU seconds of the process and its threads so far (children too, e.g. gunicorn's workers).
    func cpuSeconds() -> Double {
        Self.cpuSeconds(pid: pid) + Self.children(of: pid).reduce(0) { $0 + Self.cpuSeconds(pid: $1) }
    }

    /// Peak resident memory (VmHWM) in MiB, summed over the process and its children.
    func peakRSSMiB() -> Double {
        ([pid] + Self.children(of: pid)).reduce(0) { $0 + Self.statusKiB(pid: $1, field: "VmHWM:") } / 1024
    }

    /// Current resident memory (VmRSS) in MiB, summed over the process and its children.
    func rssMiB() -> Double {
        ([pid] + Self.children(of: pid)).reduce(0) { $0 + Self.statusKiB(pid: $1, field: "VmRSS:") } / 1024
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning, Date() < deadline { usleep(50_000) }
        if process.isRunning { kill(pid, SIGKILL) }
    }

    static func cpuSeconds(pid: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        // Fields after the command name: state is field 3; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    static func statusKiB(pid: Int32, field: String) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) }) else { return 0 }
        return Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }

    static func children(of pid: Int32) -> [Int32] {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8) else { return [] }
        return text.split(separator: " ").compactMap { Int32($0) }
    }

    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
