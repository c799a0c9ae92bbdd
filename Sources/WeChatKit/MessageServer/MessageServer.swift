import Crypto
import Foundation

/// The callback endpoint's logic as pure functions: URL verification, push verification, decryption, parsing
/// and replies. The HTTP glue passes in the request and `now`, and writes out the answer.
///
/// ```swift
/// let server = try MessageServer(configuration: .init(token: token, appID: appID, mode: .safe,
///                                                     encodingAESKey: try EncodingAESKey(aesKey)))
/// let request = try MessageServerRequest(method: .post, queryString: rawQuery, body: body)
/// let now = Date()
/// switch try await server.handle(request, now: now, nonceStore: store) {
/// case .verification(let echostr):
///     return echostr                                   // the raw value, nothing else
/// case .push(let push):
///     // deduplicate on push.message.deduplicationKey, then answer within 5 seconds:
///     let text = MessageReply.text("hi", to: push.message, createTime: Int64(now.timeIntervalSince1970))
///     return try server.reply(text, to: push)
/// }
/// ```
public struct MessageServer: Sendable {
    /// The verified configuration.
    public let configuration: Configuration
    let crypto: MessageCrypto?
    let parser: XMLPushParser

    /// Creates the server logic.
    ///
    /// - Throws: `MessageServerError.invalidConfiguration` when compatible or safe mode has no EncodingAESKey.
    public init(configuration: Configuration) throws {
        self.configuration = configuration
        self.parser = XMLPushParser(configuration: configuration.xml)
        if let key = configuration.encodingAESKey {
            crypto = MessageCrypto(
                token: configuration.token, appID: configuration.appID,
                key: key, previousKey: configuration.previousEncodingAESKey
            )
        } else if configuration.mode != .plaintext {
            throw MessageServerError.invalidConfiguration("compatible and safe mode need an EncodingAESKey")
        } else {
            crypto = nil
        }
    }

    /// Handles one request: a `GET` is URL verification, a `POST` a push.
    ///
    /// Checks, in order: sizes, `signature` (constant time), the timestamp window, then for a push the
    /// encryption mode, `msg_signature`, decryption (current key, then previous), the AppID, and the XML.
    public func handle(_ request: MessageServerRequest, now: Date) throws -> MessageServerOutcome {
        switch request.method {
        case .get: .verification(echostr: try verify(request.query, now: now))
        case .post: .push(try receive(request, now: now))
        }
    }

    /// Handles one request like `handle(_:now:)`, then records the push's timestamp and ``replayKey(nonce:body:)``
    /// in `nonceStore`.
    ///
    /// - Throws: also `MessageServerError.replayedNonce` for a request already seen. WeChat retries an unanswered
    ///   push with the identical query, so answer that error with `success` rather than an HTTP failure.
    public func handle(
        _ request: MessageServerRequest, now: Date, nonceStore: some MessageNonceStore
    ) async throws -> MessageServerOutcome {
        let outcome = try handle(request, now: now)
        if case .push(let push) = outcome {
            let timestamp = try MessageTimestampWindow.parse(push.timestamp)
            guard try await nonceStore.insertIfNew(nonce: Self.replayKey(nonce: push.nonce, body: request.body),
                                                   timestamp: timestamp) else {
                throw MessageServerError.replayedNonce
            }
        }
        return outcome
    }

    /// What the replay guard remembers of a push besides its timestamp: the nonce and a digest of the body.
    ///
    /// WeChat's nonces are random 9–10-digit numbers, so two different pushes in the same second can share one: at
    /// a campaign's thousands of delivery reports a second, about once in a million pushes (a benchmark of a million
    /// messages lost one report that way, acknowledged as a replay). The query's signature does not tell them apart
    /// (it signs only the token, timestamp and nonce); the body does. A replayed request repeats both.
    public static func replayKey(nonce: String, body: Data) -> String {
        nonce + "." + Hex.lowercase(SHA256.hash(data: body).prefix(16))
    }

    /// The body answering `push` with the plaintext reply `xml`: the XML itself for a plaintext push, the
    /// encrypted envelope (same key, the push's timestamp and nonce) for an encrypted one.
    ///
    /// - Parameter random: the 16-byte random prefix for tests; `nil` draws it securely.
    public func reply(_ xml: String, to push: MessageServerPush, random: [UInt8]? = nil) throws -> String {
        guard let keySlot = push.keySlot else { return xml }
        guard let crypto else { throw MessageServerError.encryptionNotConfigured }
        return try crypto.encrypt(xml, timestamp: push.timestamp, nonce: push.nonce, keySlot: keySlot, random: random).xml
    }
}
