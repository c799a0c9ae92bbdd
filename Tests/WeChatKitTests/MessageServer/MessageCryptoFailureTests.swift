import Foundation
import Testing
@testable import WeChatKit

/// Hostile or broken ciphertexts: every one must give a classified error, never a crash.
@Suite struct MessageCryptoFailureTests {
    typealias Official = MessageServerFixtures.Official

    let crypto: MessageCrypto
    let key: EncodingAESKey

    init() throws {
        key = try EncodingAESKey(Official.encodingAESKey)
        crypto = try MessageCryptoTests.official()
    }

    /// Decrypts `encrypt` with a correct msg_signature, so only the decryption itself can fail.
    func decrypt(_ encrypt: String) throws -> MessageCrypto.Decrypted {
        let signature = MessageSignature.message(token: Official.token, timestamp: Official.timestamp, nonce: Official.nonce, encrypt: encrypt)
        return try crypto.decrypt(encrypt: encrypt, msgSignature: signature, timestamp: Official.timestamp, nonce: Official.nonce)
    }

    /// Encrypts raw blocks (no padding added) and base64-encodes them.
    func seal(_ blocks: [UInt8]) throws -> String {
        Data(try MessageCipher.encryptBlocks(blocks, key: key)).base64EncodedString()
    }

    /// A well-formed layout for `message`, before padding.
    func layout(_ message: String, length: UInt32? = nil, appID: String = Official.appID) -> [UInt8] {
        let count = length ?? UInt32(message.utf8.count)
        return Official.random + [UInt8(count >> 24), UInt8((count >> 16) & 0xFF), UInt8((count >> 8) & 0xFF), UInt8(count & 0xFF)]
            + Array(message.utf8) + Array(appID.utf8)
    }

    @Test func wrongAppIDIsRejected() {
        #expect(throws: MessageServerError.wrongAppID) {
            try crypto.decrypt(encrypt: Official.encryptWrongAppID, msgSignature: Official.signatureWrongAppID, timestamp: Official.timestamp, nonce: Official.nonce)
        }
        #expect(throws: MessageServerError.wrongAppID) { try decrypt(seal(MessageCipher.pad(layout("hello", appID: "")))) }
    }

    enum PaddingFault: CaseIterable, Sendable {
        case lastByteZero, lastByte33, inconsistentBytes

        func pad(_ unpadded: [UInt8]) -> [UInt8] {
            let count = 32 - unpadded.count % 32
            switch self {
            case .lastByteZero: return unpadded + [UInt8](repeating: 0, count: count)
            case .lastByte33: return unpadded + [UInt8](repeating: 33, count: count)
            case .inconsistentBytes: return unpadded + [UInt8](repeating: UInt8(count + 1), count: count - 1) + [UInt8(count)]
            }
        }
    }

    @Test(arguments: PaddingFault.allCases)
    func badPaddingIsRejected(_ fault: PaddingFault) throws {
        let unpadded = layout("hello")
        #expect(unpadded.count % 32 > 1)
        #expect(throws: MessageServerError.badPadding) { try decrypt(seal(fault.pad(unpadded))) }
    }

    @Test func padOf33WithAFullBlockIsRejected() throws {
        // 64 bytes whose last byte claims 33 bytes of padding (more than the 32 allowed).
        let blocks = [UInt8](repeating: 33, count: 64)
        #expect(throws: MessageServerError.badPadding) { try decrypt(seal(blocks)) }
    }

    @Test(arguments: [UInt32.max, 0x8000_0000, 6])
    func hugeLengthFieldIsRejected(_ length: UInt32) throws {
        // "hello" + appid leaves 5 + 18 bytes after the header, so 6 still fits; make it exceed the data instead.
        let claimed = length == 6 ? UInt32(5 + Official.appID.utf8.count + 1) : length
        let encrypt = try seal(MessageCipher.pad(layout("hello", length: claimed)))
        #expect(throws: MessageServerError.badLength) { try decrypt(encrypt) }
    }

    @Test func shortPlaintextWithoutHeaderIsRejected() throws {
        // 32 bytes of which 20 are padding: 12 bytes left, less than random(16) + length(4).
        let encrypt = try seal([UInt8](repeating: 0x41, count: 12) + [UInt8](repeating: 20, count: 20))
        #expect(throws: MessageServerError.badLength) { try decrypt(encrypt) }
    }

    @Test(arguments: [16, 1, 31])
    func truncatedCiphertextIsRejected(_ dropped: Int) throws {
        let ciphertext = try #require(Data(base64Encoded: Official.encryptB))
        let truncated = ciphertext.dropLast(dropped).base64EncodedString()
        #expect(throws: MessageServerError.badCiphertext) { try decrypt(truncated) }
    }

    @Test(arguments: ["", "not base64!", "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg=", "====", "jn1L\u{0}23DB"])
    func nonBase64IsRejected(_ encrypt: String) {
        #expect(throws: MessageServerError.badCiphertext) { try decrypt(encrypt) }
    }

    @Test func signatureIsCheckedBeforeDecoding() {
        #expect(throws: MessageServerError.badMessageSignature) {
            try crypto.decrypt(encrypt: "not base64!", msgSignature: Official.signatureA, timestamp: Official.timestamp, nonce: Official.nonce)
        }
    }

    @Test func keyRotationFallsBackToThePreviousKeyAndReportsIt() throws {
        let rotation = MessageServerFixtures.Rotation.self
        let crypto = try MessageCryptoTests.official(previousKey: rotation.encodingAESKey)
        let decrypted = try crypto.decrypt(encrypt: rotation.encryptC, msgSignature: rotation.signatureC, timestamp: Official.timestamp, nonce: Official.nonce)
        #expect(decrypted.keySlot == .previous)
        #expect(String(decoding: decrypted.message, as: UTF8.self) == Official.messageC)
        // The current key still wins for current messages.
        let current = try crypto.decrypt(encrypt: Official.encryptC, msgSignature: "374855fbb139c5077209c09e52eb5babb199aee5", timestamp: Official.timestamp, nonce: Official.nonce)
        #expect(current.keySlot == .current)
        // A reply encrypted with the previous key opens with that key only.
        let reply = try crypto.encrypt("ok", timestamp: "1", nonce: "n", keySlot: .previous)
        let previousOnly = MessageCrypto(token: Official.token, appID: Official.appID, key: try EncodingAESKey(rotation.encodingAESKey))
        #expect(try previousOnly.decrypt(encrypt: reply.encrypt, msgSignature: reply.msgSignature, timestamp: "1", nonce: "n").message == Data("ok".utf8))
        #expect(throws: MessageServerError.self) {
            try MessageCryptoTests.official().decrypt(encrypt: reply.encrypt, msgSignature: reply.msgSignature, timestamp: "1", nonce: "n")
        }
    }

    @Test func withoutThePreviousKeyARotatedMessageFails() throws {
        let rotation = MessageServerFixtures.Rotation.self
        #expect(throws: MessageServerError.self) {
            try crypto.decrypt(encrypt: rotation.encryptC, msgSignature: rotation.signatureC, timestamp: Official.timestamp, nonce: Official.nonce)
        }
        #expect(throws: MessageServerError.invalidArgument) { try crypto.encrypt("ok", timestamp: "1", nonce: "n", keySlot: .previous) }
    }
}
