import Crypto
import Foundation

/// An issued OAuth code.
struct CodeRecord: Sendable {
    let appID: String
    let userID: String
    let scope: String
    let expiresAt: Date
    var used: Bool
}

/// A user grant: the sns access_token and refresh_token pair.
struct SnsGrant: Sendable {
    var accessToken: String
    var accessExpiresAt: Date
    let refreshToken: String
    let refreshExpiresAt: Date
    let appID: String
    let userID: String
    let scope: String
    let issuedAt: Date
}

/// Which family a server token belongs to; the two are isolated.
enum ServerTokenFamily: String, Sendable {
    case ordinary
    case stable
}

/// An issued `cgi-bin` access token.
struct ServerTokenRecord: Sendable {
    let appID: String
    let family: ServerTokenFamily
    let issuedAt: Date
    let expiresAt: Date
    var validUntil: Date
    var superseded: Bool
}

/// A user's relation with one official account.
struct FollowRecord: Sendable {
    var subscribed: Bool
    var subscribeTime: Date
    var blocked: Bool
    var refusesMessages: Bool
    /// Injected fault: template messages to this follower fail (`failed: system failed`).
    var systemFails = false
    /// The parametric code's scene of the latest follow, when it came from one (`user/info`'s `qr_scene`).
    var qrScene: ParametricQRCode.Scene? = nil
}

/// A template message a user received, as their phone shows it.
struct ReceivedMessage: Sendable, Codable {
    let msgid: Int64
    let appid: String
    let templateID: String
    let title: String
    let text: String
    let url: String?
    let receivedAt: Int
    let status: String
}

/// A message in a phone's inbox, numbered in the order of every inbox's messages (see `SandboxState.trimInboxes`).
struct InboxEntry: Sendable {
    let sequence: Int
    let message: ReceivedMessage
}

/// The msgid a client_msg_id was first sent as, and when WeChat forgets it.
struct DedupEntry: Sendable {
    let msgID: Int64
    let expiresAt: Date
}

/// The key of a (app, openid, client_msg_id) dedup entry: the first 128 bits of the triple's SHA-256.
///
/// A fixed-size value, so an entry holds no memory of its own: a campaign of a million messages left a million
/// joined strings, freed a window at a time among the inbox's messages, and the allocator's free lists slowed every
/// later request (the benchmark's sandbox spent 20 % of its time in glibc's allocator at sign-ins after such a
/// campaign, 9 % before). Two triples share a key with probability about n² / 2¹²⁹: for a billion entries, 10⁻²¹.
struct DedupKey: Hashable, Sendable {
    let high: UInt64
    let low: UInt64

    init(appID: String, openID: String, clientMsgID: String) {
        var hash = SHA256()
        for var part in [appID, openID, clientMsgID] {
            // Each part after its length, so no two triples give the same bytes.
            part.withUTF8 { utf8 in
                var count = UInt64(utf8.count).bigEndian
                withUnsafeBytes(of: &count) { hash.update(bufferPointer: $0) }
                hash.update(bufferPointer: UnsafeRawBufferPointer(utf8))
            }
        }
        var words = (UInt64(0), UInt64(0))
        hash.finalize().withUnsafeBytes { digest in
            words = (digest.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
                     digest.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        }
        (high, low) = words
    }
}
