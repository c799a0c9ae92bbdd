import Crypto
import _CryptoExtras
import Foundation

extension PushCrypto {
    /// The 32-byte AES key: Base64 of `encodingAESKey + "="`, decoded leniently (spare bits ignored).
    static func decodeKey(_ encodingAESKey: String) throws -> [UInt8] {
        let characters = Array(encodingAESKey.utf8)
        guard characters.count == 43 else { throw PushCryptoError.invalidKey }
        var accumulator: UInt32 = 0
        var bitCount = 0
        var key: [UInt8] = []
        for character in characters {
            guard let value = base64Value(character) else { throw PushCryptoError.invalidKey }
            accumulator = (accumulator << 6 | value) & 0xFFFF
            bitCount += 6
            if bitCount >= 8 {
                bitCount -= 8
                key.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bitCount)))
            }
        }
        return key
    }

    /// Encrypts `random(16) ‖ UInt32BE(len) ‖ msg ‖ appid`, PKCS#7-padded to 32, AES-256-CBC (IV = key[0..<16]), Base64.
    static func encrypt(_ plaintext: String, appID: String, encodingAESKey: String, random: [UInt8]) throws -> String {
        guard random.count == 16 else { throw PushCryptoError.invalidRandom }
        let message = Array(plaintext.utf8)
        guard message.count <= maximumMessageBytes else { throw PushCryptoError.tooLarge }
        let key = try decodeKey(encodingAESKey)
        let layout = paddedLayout(message, appID: appID, random: random)
        do {
            let iv = try AES._CBC.IV(ivBytes: key[0..<16])
            let ciphertext = try AES._CBC.encrypt(layout, using: SymmetricKey(data: key), iv: iv, noPadding: true)
            return ciphertext.base64EncodedString()
        } catch {
            throw PushCryptoError.invalidCiphertext
        }
    }

    /// `random ‖ UInt32BE(message.count) ‖ message ‖ appID`, then PKCS#7 padding to a multiple of 32 (1…32 bytes).
    static func paddedLayout(_ message: [UInt8], appID: String, random: [UInt8]) -> [UInt8] {
        var layout = random
        layout.appendUInt32BigEndian(UInt32(truncatingIfNeeded: message.count))
        layout.append(contentsOf: message)
        layout.append(contentsOf: Array(appID.utf8))
        let padding = 32 - layout.count % 32
        layout.append(contentsOf: [UInt8](repeating: UInt8(padding), count: padding))
        return layout
    }

    /// Decrypts an `Encrypt` field, checks the 32-byte PKCS#7 padding and that the trailing AppID is `appID`.
    static func decrypt(_ encrypt: String, appID: String, encodingAESKey: String) throws -> String {
        guard encrypt.utf8.count <= maximumMessageBytes * 2 else { throw PushCryptoError.tooLarge }
        let key = try decodeKey(encodingAESKey)
        guard let ciphertext = Data(base64Encoded: encrypt) else { throw PushCryptoError.invalidBase64 }
        guard !ciphertext.isEmpty, ciphertext.count % 16 == 0 else { throw PushCryptoError.invalidCiphertext }
        let decrypted: [UInt8]
        do {
            let iv = try AES._CBC.IV(ivBytes: key[0..<16])
            decrypted = Array(try AES._CBC.decrypt(ciphertext, using: SymmetricKey(data: key), iv: iv, noPadding: true))
        } catch {
            throw PushCryptoError.invalidCiphertext
        }
        let content = try removePadding(decrypted)
        guard content.count >= 20 else { throw PushCryptoError.invalidLength }
        let length = content[16..<20].reduce(0) { $0 << 8 | Int($1) }
        guard length <= content.count - 20 else { throw PushCryptoError.invalidLength }
        let message = content[20..<(20 + length)]
        let trailer = content[(20 + length)...]
        guard Array(trailer) == Array(appID.utf8) else { throw PushCryptoError.appIDMismatch }
        let text = String(decoding: message, as: UTF8.self)
        guard text.utf8.elementsEqual(message) else { throw PushCryptoError.invalidUTF8 }
        return text
    }

    /// Strips PKCS#7 padding whose pad length is 1…32 and whose pad bytes all equal that length.
    private static func removePadding(_ bytes: [UInt8]) throws -> [UInt8] {
        guard let last = bytes.last, (1...32).contains(last), Int(last) <= bytes.count else {
            throw PushCryptoError.invalidPadding
        }
        let count = Int(last)
        guard bytes[(bytes.count - count)...].allSatisfy({ $0 == last }) else { throw PushCryptoError.invalidPadding }
        return Array(bytes[..<(bytes.count - count)])
    }

    private static func base64Value(_ character: UInt8) -> UInt32? {
        switch character {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): UInt32(character - UInt8(ascii: "A"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): UInt32(character - UInt8(ascii: "a") + 26)
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(character - UInt8(ascii: "0") + 52)
        default: nil
        }
    }
}

extension [UInt8] {
    fileprivate mutating func appendUInt32BigEndian(_ value: UInt32) {
        append(contentsOf: [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)])
    }
}
