import Foundation
import Logging

/// The provider's signing keys as every instance sees them: read from ``SigningKeyStore`` (shared by every
/// instance), cached for at most ``SigningKeyConfiguration/cacheLifetime``, reloaded early when a token names a `kid`
/// this instance has not seen. Signs claims with the current key of an algorithm and verifies the provider's own
/// tokens against the published keys. The cryptography runs outside the actor: it only hands out snapshots.
actor SigningKeyRing {
    /// The keys as read at one moment.
    struct Snapshot: Sendable {
        let loadedAt: Date
        /// The current private key of each algorithm.
        let current: [SigningAlgorithm: SigningKey]
        /// Every published public key by `kid`, parsed.
        let verifiers: [String: (jwk: PublicJWK, verifier: PublicJWK.Verifier)]
        /// The JWKS document: current keys first, then retired ones still published, newest first.
        let jwks: JWKSet
    }

    private let store: SigningKeyStore
    private let configuration: SigningKeyConfiguration
    private let clock: any ServerClock
    private let logger: Logger
    private var snapshot: Snapshot?
    private var loading: Task<Snapshot, any Error>?

    init(store: SigningKeyStore, configuration: SigningKeyConfiguration, clock: any ServerClock, logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    /// At start: makes the first key of each algorithm when there is none (the first instance to start on an empty
    /// database; concurrent starters end with one key each) and loads them. Throws when a current key cannot be
    /// opened (another token key sealed it) unless `replaceUnopenable` (sandbox mode, whose token key is new at
    /// every start), which rotates such a key out instead.
    func prepare(replaceUnopenable: Bool = false) async throws {
        let existing = try await store.published(now: clock.now(),
                                                 retiredPublishedFor: configuration.retiredKeyPublishedFor)
        for algorithm in SigningAlgorithm.allCases {
            guard let row = existing.first(where: { $0.algorithm == algorithm && $0.retiredAt == nil }) else {
                if try await store.insertIfNoCurrent(try SigningKey.generate(algorithm), now: clock.now()) {
                    logger.notice("generated the first OpenID Connect signing key", metadata: ["alg": "\(algorithm.rawValue)"])
                }
                continue
            }
            do {
                _ = try store.open(row)
            } catch where replaceUnopenable {
                logger.warning("the current signing key is sealed under another token key; rotating it out",
                               metadata: ["alg": "\(algorithm.rawValue)", "kid": "\(row.kid)"])
                _ = try await store.rotate(to: try SigningKey.generate(algorithm), now: clock.now())
            } catch {
                throw UnopenableKey(kid: row.kid, algorithm: algorithm, sealedWith: TokenCipher.keyID(of: row.privateKeySealed))
            }
        }
        _ = try await reload()
    }

    /// The keys, read again when the cached ones are older than the cache lifetime.
    func current() async throws -> Snapshot {
        if let snapshot, clock.now().timeIntervalSince(snapshot.loadedAt) < configuration.cacheLifetime {
            return snapshot
        }
        return try await reload()
    }

    /// Reads the keys now (one read at a time: callers arriving meanwhile share it).
    func reload() async throws -> Snapshot {
        if let loading { return try await loading.value }
        let task = Task { [store, configuration, clock] in
            try Self.load(store: store, rows: try await store.published(
                now: clock.now(), retiredPublishedFor: configuration.retiredKeyPublishedFor), at: clock.now())
        }
        loading = task
        defer { loading = nil }
        let loaded = try await task.value
        snapshot = loaded
        return loaded
    }

    /// A snapshot that knows `kid`, reloading once when the cached one does not and is older than the reload interval.
    func snapshot(knowing kid: String) async throws -> Snapshot {
        let cached = try await current()
        if cached.verifiers[kid] != nil
            || clock.now().timeIntervalSince(cached.loadedAt) < configuration.unknownKeyReloadInterval {
            return cached
        }
        return try await reload()
    }

    /// The JWKS document to publish.
    func jwks() async throws -> JWKSet { try await current().jwks }

    /// `claims` as a compact JWS signed with the current key of `algorithm`, `kid` and `typ` in its header (`JWT`
    /// for ID tokens, `at+jwt` for RFC 9068 access tokens).
    nonisolated func sign<Claims: Encodable & Sendable>(_ claims: Claims, algorithm: SigningAlgorithm = .rs256,
                                                         type: String = "JWT") async throws -> String {
        guard let key = try await current().current[algorithm] else { throw JWSError.noKey }
        return try JWS.sign(claims, with: key, type: type)
    }

    /// Checks that `token` was signed by one of the published keys (the signature and the algorithm only: the
    /// caller checks `iss`, `aud`, `exp` and the rest for its purpose).
    nonisolated func verify(_ token: String) async throws -> JWS.Verified {
        let header = try JWS.parse(token).header
        guard let kid = header.kid else { throw JWSError.unknownKey }
        guard let key = try await snapshot(knowing: kid).verifiers[kid] else { throw JWSError.unknownKey }
        return try JWS.verify(token, with: key.jwk, verifier: key.verifier)
    }

    private static func load(store: SigningKeyStore, rows: [SigningKeyStore.Row], at now: Date) throws -> Snapshot {
        var current: [SigningAlgorithm: SigningKey] = [:]
        var verifiers: [String: (jwk: PublicJWK, verifier: PublicJWK.Verifier)] = [:]
        var published: [PublicJWK] = []
        for row in rows.sorted(by: { ($0.retiredAt == nil ? 0 : 1, $1.createdAt) < ($1.retiredAt == nil ? 0 : 1, $0.createdAt) }) {
            // A key this instance cannot open still verifies and is published; signing with it fails (`noKey`).
            if row.retiredAt == nil, current[row.algorithm] == nil { current[row.algorithm] = try? store.open(row) }
            verifiers[row.kid] = (row.publicJWK, try row.publicJWK.verifier())
            published.append(row.publicJWK)
        }
        return Snapshot(loadedAt: now, current: current, verifiers: verifiers, jwks: JWKSet(keys: published))
    }

    /// A current key that no configured token key opens: this instance cannot sign.
    struct UnopenableKey: Error, CustomStringConvertible {
        let kid: String
        let algorithm: SigningAlgorithm
        let sealedWith: String?
        var description: String {
            "the current \(algorithm.rawValue) signing key \(kid) is sealed under token key '\(sealedWith ?? "?")', which "
                + "is not configured: give this instance the same TOKEN_ENCRYPTION_KEY (or TOKEN_ENCRYPTION_PREVIOUS_KEYS) "
                + "as the others, or run `wechat-login rotate-signing-keys` with the right key"
        }
    }
}
