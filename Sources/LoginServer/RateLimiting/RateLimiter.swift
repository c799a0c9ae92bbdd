import Foundation

/// Counts requests per (route class, client) in this instance's memory, with token buckets.
///
/// In memory rather than in the database: counting in the database would cost a write per request, the very load
/// a flood brings. With N instances a client may get N times the limit (docs/DEPLOYMENT.md).
actor RateLimiter {
    /// What to do with one request.
    enum Decision: Equatable, Sendable {
        case allowed
        /// Refused; `retryAfter` whole seconds until the next request would be allowed. `first` is true for the
        /// first refusal after allowed requests, so a flood logs one line rather than one per request.
        case refused(retryAfter: Int, first: Bool)
    }

    private struct Key: Hashable {
        let route: RateLimitedRoute
        let client: ClientKey
    }

    private struct Bucket {
        var tokens: Double
        var updated: Date
        var refusing = false
    }

    private let limits: RateLimits
    private let clock: any ServerClock
    private var buckets: [Key: Bucket] = [:]
    private var lastSweep: Date

    init(limits: RateLimits, clock: any ServerClock) {
        self.limits = limits
        self.clock = clock
        self.lastSweep = clock.now()
    }

    /// Buckets held now (tests check the table stays bounded).
    var trackedCount: Int { buckets.count }

    /// Takes one request of `client` on `route` from its bucket, or refuses it.
    func check(_ route: RateLimitedRoute, client: ClientKey) -> Decision {
        let now = clock.now()
        if now.timeIntervalSince(lastSweep) >= 60 { sweep(now: now) }
        let key = Key(route: route, client: client)
        let capacity = Double(limits[route])
        var bucket: Bucket
        if let existing = buckets[key] {
            bucket = existing
            bucket.tokens = level(existing, capacity: capacity, now: now)
        } else {
            if buckets.count >= limits.maxTrackedClients { evict(now: now) }
            bucket = Bucket(tokens: capacity, updated: now)
        }
        bucket.updated = now
        defer { buckets[key] = bucket }
        if bucket.tokens >= 1 {
            bucket.tokens -= 1
            bucket.refusing = false
            return .allowed
        }
        let first = !bucket.refusing
        bucket.refusing = true
        let seconds = (1 - bucket.tokens) / (capacity / 60)
        return .refused(retryAfter: max(1, Int(seconds.rounded(.up))), first: first)
    }

    /// The bucket's tokens at `now`: what it held, plus the refill since, up to the capacity.
    private func level(_ bucket: Bucket, capacity: Double, now: Date) -> Double {
        let elapsed = max(0, now.timeIntervalSince(bucket.updated))
        return min(capacity, bucket.tokens + elapsed * capacity / 60)
    }

    /// Forgets full buckets: a client that comes back gets a full one anyway.
    private func sweep(now: Date) {
        lastSweep = now
        buckets = buckets.filter { key, bucket in
            level(bucket, capacity: Double(limits[key.route]), now: now) < Double(limits[key.route])
        }
    }

    /// At the cap: forgets full buckets, then the least recently used down to three quarters of the cap, so the
    /// cost of sorting is shared by the many new clients that may come before the next eviction.
    private func evict(now: Date) {
        sweep(now: now)
        let target = limits.maxTrackedClients * 3 / 4
        guard buckets.count > target else { return }
        let oldest = buckets.sorted { $0.value.updated < $1.value.updated }.prefix(buckets.count - target)
        for (key, _) in oldest { buckets[key] = nil }
    }
}
