/// Remembers the `(timestamp, nonce)` pairs of accepted pushes so that a replayed request is noticed.
/// `MessageServer` passes ``MessageServer/replayKey(nonce:body:)`` as the nonce: the nonce with a digest of the
/// body, since two different pushes in one second may share a random nonce.
///
/// WeChat retries an unanswered push with the identical query, so a "seen" answer is also what a retry of an
/// already handled push gets: answer it with `success` rather than an HTTP error. A database-backed store
/// shares the memory between instances.
public protocol MessageNonceStore: Sendable {
    /// Records the pair and returns `true` when it is new, `false` when it was already seen and not yet expired.
    func insertIfNew(nonce: String, timestamp: Int64) async throws -> Bool
}
