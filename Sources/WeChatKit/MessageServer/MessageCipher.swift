import Crypto
import Foundation
import _CryptoExtras

/// The AES safe-mode block format: `random(16) ‖ UInt32 big-endian length ‖ msg ‖ appid`, PKCS#7-padded to
/// 32 bytes, AES-256-CBC without cipher padding, base64.
enum MessageCipher {
    static let blockSize = 32
    static let randomCount = 16

    /// Encrypts `message` for `appID`, returning the base64 `Encrypt` text.
    static func seal(_ message: [UInt8], appID: [UInt8], random: [UInt8], key: EncodingAESKey) throws -> String {
        guard random.count == randomCount else {
            throw MessageServerError.invalidArgument("the random prefix must be 16 bytes")
        }
        guard let length = UInt32(exactly: message.count) else {
            throw MessageServerError.invalidArgument("the message is too long")
        }
        var plain = random
        plain.reserveCapacity(random.count + 4 + message.count + appID.count + blockSize)
        plain.append(contentsOf: [UInt8(length >> 24), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF)])
        plain.append(contentsOf: message)
        plain.append(contentsOf: appID)
        return Data(try encryptBlocks(pad(plain), key: key)).base64EncodedString()
    }

    /// Raw AES-256-CBC over whole blocks with the key's IV (no padding added); tests use it to craft inputs.
    static func encryptBlocks(_ blocks: [UInt8], key: EncodingAESKey) throws -> [UInt8] {
        Array(try AES._CBC.encrypt(blocks, using: key.key, iv: key.iv, noPadding: true))
    }

    /// Decodes and decrypts `ciphertext`, returning the message bytes and the trailing AppID bytes.
    static func open(_ ciphertext: [UInt8], key: EncodingAESKey) throws -> (message: [UInt8], appID: [UInt8]) {
        guard !ciphertext.isEmpty, ciphertext.count % blockSize == 0 else {
            throw MessageServerError.badCiphertext("not a whole number of 32-byte blocks")
        }
        let body = try unpad(decryptBlocks(ciphertext, key: key))
        guard body.count >= randomCount + 4 else { throw MessageServerError.badLength("shorter than the header") }
        let lengthBytes = body[randomCount..<randomCount + 4]
        let length = lengthBytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let start = randomCount + 4
        guard length <= UInt64(body.count - start) else {
            throw MessageServerError.badLength("the length field exceeds the data")
        }
        let end = start + Int(length)
        return (Array(body[start..<end]), Array(body[end...]))
    }

    /// Raw AES-256-CBC decryption of whole blocks with the key's IV (no padding removed).
    static func decryptBlocks(_ blocks: [UInt8], key: EncodingAESKey) throws -> [UInt8] {
        Array(try AES._CBC.decrypt(blocks, using: key.key, iv: key.iv, noPadding: true))
    }

    /// Decodes standard base64 (with padding), rejecting anything else.
    static func decodeBase64(_ text: String) throws -> [UInt8] {
        guard let data = Data(base64Encoded: text) else {
            throw MessageServerError.badCiphertext("not base64")
        }
        return Array(data)
    }

    /// Appends PKCS#7 padding to a multiple of 32: `n ∈ 1…32` bytes of value `n`.
    static func pad(_ bytes: [UInt8]) -> [UInt8] {
        let count = blockSize - bytes.count % blockSize
        return bytes + Array(repeating: UInt8(count), count: count)
    }

    /// Removes and strictly checks PKCS#7 padding to a multiple of 32.
    static func unpad(_ bytes: [UInt8]) throws -> [UInt8] {
        guard let last = bytes.last else { throw MessageServerError.badPadding("empty") }
        let count = Int(last)
        guard (1...blockSize).contains(count), count <= bytes.count else {
            throw MessageServerError.badPadding("the pad length is outside 1...32")
        }
        guard bytes.suffix(count).allSatisfy({ $0 == last }) else {
            throw MessageServerError.badPadding("inconsistent pad bytes")
        }
        return Array(bytes.dropLast(count))
    }
}
