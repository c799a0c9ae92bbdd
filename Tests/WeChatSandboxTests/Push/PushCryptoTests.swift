@testable import WeChatSandbox
import Testing
import Foundation

@Suite("Push AES encryption (spec §10.4, §12.2, §12.3)")
struct PushCryptoTests {
    let v = PushVectors.self

    @Test("EncodingAESKey decodes to the AES keys of §12.2 and §12.3")
    func decodeKey() throws {
        #expect(PushCrypto.hex(try PushCrypto.decodeKey(v.key))
            == "69b71d79f8218a39259a7a29aabb2dbafc31cb3d35db7e39ebbf3d0010831051")
        #expect(PushCrypto.hex(try PushCrypto.decodeKey(v.wechatpyKey))
            == "916c4f115d94103cb15a998f74a0b71787603c398ebdf297d471a71140d2d5a4")
        #expect(PushCrypto.hex(try PushCrypto.decodeKey("yguy3495y79o34vod7843933902h9gb2834hgpB90rg"))
            == "ca0bb2df8f79cbbf68df8be877bf38dfddf7f74da1f606f6f37e2182907dd2b8")
    }

    @Test("keys of the wrong length or alphabet are rejected",
          arguments: ["", String(PushVectors.key.dropLast()), PushVectors.key + "A", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEF+"])
    func invalidKey(key: String) {
        #expect(throws: PushCryptoError.invalidKey) { try PushCrypto.decodeKey(key) }
    }

    @Test("vectors A and B: encrypting with random aaaabbbbccccdddd reproduces Encrypt, and decrypting inverts it")
    func vectorsAB() throws {
        for (plaintext, expected) in [(v.plaintextA, v.encryptA), (v.plaintextB, v.encryptB)] {
            let encrypt = try PushCrypto.encrypt(plaintext, appID: v.appID, encodingAESKey: v.key, random: v.random)
            #expect(encrypt == expected)
            #expect(try PushCrypto.decrypt(expected, appID: v.appID, encodingAESKey: v.key) == plaintext)
        }
    }

    @Test("vector C: the subscribe push encrypts to the published Encrypt")
    func vectorC() throws {
        let encrypt = try PushCrypto.encrypt(v.plaintextC, appID: v.appID, encodingAESKey: v.key, random: v.random)
        #expect(encrypt == v.encryptC)
    }

    @Test("§12.3: E1 and E2 decrypt with the wechatpy key")
    func wechatpyInbound() throws {
        #expect(try PushCrypto.decrypt(v.encrypt1, appID: v.wechatpyAppID, encodingAESKey: v.wechatpyKey)
            == "5927782489442352469")
        let message = try PushCrypto.decrypt(v.encrypt2, appID: v.wechatpyAppID, encodingAESKey: v.wechatpyKey)
        #expect(message.contains("<Content><![CDATA[test]]></Content>"))
        #expect(message.contains("<FromUserName><![CDATA[messense]]></FromUserName>"))
        #expect(message.contains("<MsgId>4363689963896700987</MsgId>"))
    }

    @Test("§12.3 item 3: the outbound reply encrypts and decrypts exactly")
    func wechatpyOutbound() throws {
        let random = Array("1234567890123456".utf8)
        let encrypt = try PushCrypto.encrypt(
            v.replyPlaintext, appID: v.wechatpyAppID, encodingAESKey: v.wechatpyKey, random: random)
        #expect(encrypt == v.replyEncrypt)
        #expect(try PushCrypto.decrypt(v.replyEncrypt, appID: v.wechatpyAppID, encodingAESKey: v.wechatpyKey)
            == v.replyPlaintext)
        #expect(PushCrypto.msgSignature(
            token: v.wechatpyToken, timestamp: v.replyTimestamp, nonce: v.replyNonce, encrypt: v.replyEncrypt)
            == v.replyMsgSignature)
    }

    @Test("a 64-byte layout pads with a full block of thirty-two 0x20 bytes to 96 bytes")
    func paddingEdgeCase() throws {
        // 16 random + 4 length + 26 message + 18 appid = 64 bytes.
        let message = String(repeating: "m", count: 26)
        let layout = PushCrypto.paddedLayout(Array(message.utf8), appID: v.appID, random: v.random)
        #expect(layout.count == 96)
        #expect(Array(layout.suffix(33)) == [UInt8(ascii: "6")] + [UInt8](repeating: 0x20, count: 32))
        #expect(Array(layout[16..<20]) == [0, 0, 0, 26])
        let encrypt = try PushCrypto.encrypt(message, appID: v.appID, encodingAESKey: v.key, random: v.random)
        let ciphertext = try #require(decodeBase64(encrypt))
        #expect(ciphertext.count == 96)
        #expect(try PushCrypto.decrypt(encrypt, appID: v.appID, encodingAESKey: v.key) == message)
        // One byte shorter pads with a single 0x01 byte to 64.
        let shorter = try PushCrypto.encrypt(String(message.dropLast()), appID: v.appID, encodingAESKey: v.key, random: v.random)
        #expect(try #require(decodeBase64(shorter)).count == 64)
    }

    @Test("a wrong AppID is rejected")
    func wrongAppID() {
        #expect(throws: PushCryptoError.appIDMismatch) {
            try PushCrypto.decrypt(v.encryptA, appID: "wxb11529c136998cb7", encodingAESKey: v.key)
        }
        #expect(throws: PushCryptoError.appIDMismatch) {
            try PushCrypto.decrypt(v.encryptA, appID: "wxb11529c136998cb", encodingAESKey: v.key)
        }
    }

    @Test("bad padding (wrong key), bad Base64 and truncated ciphertext are rejected")
    func malformedCiphertext() throws {
        #expect(throws: PushCryptoError.invalidPadding) {
            try PushCrypto.decrypt(v.encryptA, appID: v.appID, encodingAESKey: v.wechatpyKey)
        }
        #expect(throws: PushCryptoError.invalidBase64) {
            try PushCrypto.decrypt("not base64!", appID: v.appID, encodingAESKey: v.key)
        }
        #expect(throws: PushCryptoError.invalidCiphertext) {
            try PushCrypto.decrypt("", appID: v.appID, encodingAESKey: v.key)
        }
        #expect(throws: PushCryptoError.invalidCiphertext) {
            try PushCrypto.decrypt("AAAAAAAAAAAAAAAAAAAA", appID: v.appID, encodingAESKey: v.key)
        }
    }

    @Test("the random prefix must be 16 bytes, and errors never reveal the key")
    func randomLength() {
        #expect(throws: PushCryptoError.invalidRandom) {
            try PushCrypto.encrypt("x", appID: v.appID, encodingAESKey: v.key, random: [1, 2, 3])
        }
        do {
            _ = try PushCrypto.decrypt(v.encryptA, appID: "other", encodingAESKey: v.key)
            Issue.record("decrypt with a wrong AppID succeeded")
        } catch {
            #expect(!"\(error)".contains(v.key))
            #expect(!"\(error)".contains(v.plaintextA))
        }
    }

    private func decodeBase64(_ text: String) -> [UInt8]? {
        Data(base64Encoded: text).map(Array.init)
    }
}
