import Foundation

/// Wakes this instance's waiting follow-login status requests the moment a scan of their scene is recorded here,
/// so a waiting page re-reads its scene at the scan instead of on a short timer. A scan pushed to another instance
/// wakes nothing here: the waiting request's next timed re-read (`FollowLoginConfiguration.pollInterval`) finds it.
actor FollowLoginSignals {
    private var waiters: [String: [UUID: CheckedContinuation<Void, Never>]] = [:]
    /// When each scene was last signalled, for a request that read its scene just before the scan and starts to
    /// wait just after it; kept for `memory`.
    private var signalled: [String: ContinuousClock.Instant] = [:]
    private let memory: Duration = .seconds(30)

    /// Returns at once when `scene` was signalled since `since` (the instant before the caller read the scene);
    /// otherwise when it is signalled, after `limit`, or when the calling task is cancelled, whichever is first.
    func wait(for scene: String, since: ContinuousClock.Instant, upTo limit: Duration) async {
        if let at = signalled[scene], at >= since { return }
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                guard !Task.isCancelled else { return continuation.resume() }
                waiters[scene, default: [:]][id] = continuation
                Task { [weak self] in
                    try? await Task.sleep(for: limit)
                    await self?.resume(scene, id)
                }
            }
        } onCancel: {
            Task { await self.resume(scene, id) }
        }
    }

    /// Wakes every request waiting on `scene`.
    func signal(_ scene: String) {
        let now = ContinuousClock.now
        signalled = signalled.filter { now - $0.value < memory }
        signalled[scene] = now
        for continuation in (waiters.removeValue(forKey: scene) ?? [:]).values { continuation.resume() }
    }

    /// How many requests wait (tests).
    var waiting: Int { waiters.values.reduce(0) { $0 + $1.count } }

    private func resume(_ scene: String, _ id: UUID) {
        guard let continuation = waiters[scene]?.removeValue(forKey: id) else { return }
        if waiters[scene]?.isEmpty == true { waiters[scene] = nil }
        continuation.resume()
    }
}
