/// One test at a time on a shared database: PostgreSQL runs share one database, while SQLite-in-memory tests
/// each have their own and need no gate.
actor ExclusiveGate {
    static let shared = ExclusiveGate()

    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty { busy = false } else { waiters.removeFirst().resume() }
    }
}
