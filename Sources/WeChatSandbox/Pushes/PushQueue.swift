import NIOCore

/// Delivery attempts waiting for one of `limit` slots, in two first-in-first-out lanes: what a person just did
/// (a follow, a scan, a menu click) goes before the delivery reports of a campaign.
///
/// WeChat's 5-second timeout measures the developer's server. An attempt started at once for every push would
/// instead wait its turn for one of the HTTP client's few connections, and at a campaign's pace the timeout would
/// expire in that queue: the report lost to the sandbox's own backlog, not to the server under test. So attempts
/// wait here for a slot first, and only then start their clock. Waiting attempts are small values, not suspended
/// tasks, so a million queued reports cost little memory.
actor PushQueue {
    /// One attempt of one push.
    typealias Job = @Sendable () async -> Void

    /// How many jobs are queued, running, and how many pushes are not yet settled (queued, running or pausing
    /// before a retry).
    struct Depth: Sendable, Equatable, Codable {
        var queued: Int
        var inFlight: Int
        var outstanding: Int
    }

    let limit: Int
    private var urgent = CircularBuffer<Job>()
    private var background = CircularBuffer<Job>()
    private var running = 0
    private var outstanding = 0
    private var settledWaiters: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    var depth: Depth { Depth(queued: urgent.count + background.count, inFlight: running, outstanding: outstanding) }

    /// A push begins: it stays outstanding until `finish()`.
    func begin() { outstanding += 1 }

    /// A push is settled (acknowledged, or failed after its last attempt).
    func finish() {
        outstanding = max(0, outstanding - 1)
        guard outstanding == 0 else { return }
        let waiters = settledWaiters
        settledWaiters = []
        for waiter in waiters { waiter.resume() }
    }

    /// Queues an attempt; it runs when a slot is free, urgent ones first.
    func enqueue(urgent isUrgent: Bool, _ run: @escaping Job) {
        if isUrgent { urgent.append(run) } else { background.append(run) }
        guard running < limit else { return }
        running += 1
        Task { await self.work() }
    }

    /// Returns once no push is outstanding.
    func settled() async {
        guard outstanding > 0 else { return }
        await withCheckedContinuation { settledWaiters.append($0) }
    }

    /// One slot's loop: runs jobs until both lanes are empty, then gives the slot back.
    private func work() async {
        while let job = next() {
            await job()
        }
    }

    private func next() -> Job? {
        if let job = urgent.popFirst() { return job }
        if let job = background.popFirst() { return job }
        running -= 1
        return nil
    }
}
