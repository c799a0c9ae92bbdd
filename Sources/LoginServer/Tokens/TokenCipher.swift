import Crypto
import Foundation

/// Encrypts WeChat user tokens (and the shared access_token) before they are stored.
///
/// AES-256-GCM under a key ring: every sealed value names the key that sealed it (`v1.<key id>.<base64>`), new
/// values are sealed with the current key, and values sealed with an older key still open, so a key can be rotated
/// without rewriting every row at once. The associated data binds a value to its purpose (e.g. the identity it
/// belongs to), so a sealed token copied into another row does not open there.
struct TokenCipher: Sendable {
    /// Why a sealed value could not be opened. Never carries the value or the key.
    struct Failure: Error, CustomStringConvertible, Equatable {
        let description: String
    }

    private let keys: [String: SymmetricKey]
    private let currentKeyID: String

    /// A key ring whose first key seals; every key opens. Key ids are short names such as `k1`, `2026-11`.
    init(current: (id: String, key: SymmetricKey), previous: [(id: String, key: SymmetricKey)] = []) {
        var ring: [String: SymmetricKey] = [current.id: current.key]
        for entry in previous where ring[entry.id] == nil { ring[entry.id] = entry.key }
        self.keys = ring
        self.currentKeyID = current.id
    }

    /// The id of the key that seals new values.
    var sealingKeyID: String { currentKeyID }

    /// The ids of the older keys that still open values.
    var previousKeyIDs: [String] { keys.keys.filter { $0 != currentKeyID }.sorted() }

    /// How every value sealed by the current key begins (`v1.<key id>.`).
    var sealingPrefix: String { "v1.\(currentKeyID)." }

    /// The id of the key a sealed value names, if it is one.
    static func keyID(of sealed: String) -> String? {
        let parts = sealed.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        return parts.count == 3 && parts[0] == "v1" ? String(parts[1]) : nil
    }

    /// Seals `plaintext`, bound to `context` (which must be given again to open it).
    func seal(_ plaintext: String, context: String) throws -> String {
        let key = keys[currentKeyID]!  // present by construction
        let box = try AES.GCM.seal(Data(plaintext.utf8), using: key, authenticating: Data(context.utf8))
        guard let combined = box.combined else { throw Failure(description: "AES-GCM produced no combined form") }
        return "v1.\(currentKeyID).\(combined.base64EncodedString())"
    }

    /// Opens a value sealed by ``seal(_:context:)`` with any key of the ring.
    func open(_ sealed: String, context: String) throws -> String {
        let parts = sealed.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "v1" else { throw Failure(description: "not a sealed token") }
        guard let key = keys[String(parts[1])] else {
            throw Failure(description: "sealed with key '\(parts[1])', which is not configured")
        }
        guard let combined = Data(base64Encoded: String(parts[2])) else {
            throw Failure(description: "sealed token is not base64")
        }
        do {
            let box = try AES.GCM.SealedBox(combined: combined)
            let plaintext = try AES.GCM.open(box, using: key, authenticating: Data(context.utf8))
            guard let text = String(data: plaintext, encoding: .utf8) else {
                throw Failure(description: "sealed token is not UTF-8")
            }
            return text
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "sealed token failed authentication")
        }
    }

    /// Whether a sealed value was sealed with an older key and should be sealed again.
    func needsResealing(_ sealed: String) -> Bool {
        let parts = sealed.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        return parts.count == 3 && String(parts[1]) != currentKeyID
    }
}
