import Foundation
import Testing
@testable import WeChatKit

@Suite struct MessageCryptoTests {
    typealias Official = MessageServerFixtures.Official
    typealias Wechatpy = MessageServerFixtures.Wechatpy

    static func official(previousKey: String? = nil) throws -> MessageCrypto {
        MessageCrypto(
            token: Official.token, appID: Official.appID, key: try EncodingAESKey(Official.encodingAESKey),
            previousKey: try previousKey.map(EncodingAESKey.init)
        )
    }

    static func wechatpy() throws -> MessageCrypto {
        MessageCrypto(token: Wechatpy.token, appID: Wechatpy.appID, key: try EncodingAESKey(Wechatpy.encodingAESKey))
    }

    @Test(arguments: [
        (Official.messageA, Official.encryptA, Official.signatureA),
        (Official.messageB, Official.encryptB, Official.signatureB),
    ])
    func officialVectorsEncryptAndDecrypt(_ message: String, _ encrypt: String, _ signature: String) throws {
        let crypto = try Self.official()
        let reply = try crypto.encrypt(message, timestamp: Official.timestamp, nonce: Official.nonce, random: Official.random)
        #expect(reply.encrypt == encrypt)
        #expect(reply.msgSignature == signature)
        let decrypted = try crypto.decrypt(encrypt: encrypt, msgSignature: signature, timestamp: Official.timestamp, nonce: Official.nonce)
        #expect(String(decoding: decrypted.message, as: UTF8.self) == message)
        #expect(decrypted.keySlot == .current)
        #expect(throws: MessageServerError.badMessageSignature) {
            try crypto.decrypt(encrypt: encrypt, msgSignature: "12345", timestamp: Official.timestamp, nonce: Official.nonce)
        }
    }

    @Test func vectorALayoutBeforePadding() throws {
        let key = try EncodingAESKey(Official.encodingAESKey)
        let plain = try MessageCipher.decryptBlocks(Array(try #require(Data(base64Encoded: Official.encryptA))), key: key)
        #expect(plain.count == 64)
        #expect(MessageServerFixtures.hex(plain.prefix(57)) == Official.layoutA)
        #expect(plain.suffix(7).allSatisfy { $0 == 7 })
    }

    @Test func paddingEdgeCaseAddsAFullBlockOf0x20() throws {
        let crypto = try Self.official()
        let reply = try crypto.encrypt(String(repeating: "x", count: 26), timestamp: Official.timestamp, nonce: Official.nonce, random: Official.random)
        #expect(reply.encrypt == Official.encryptEdge)
        let plain = try MessageCipher.decryptBlocks(Array(try #require(Data(base64Encoded: reply.encrypt))), key: try EncodingAESKey(Official.encodingAESKey))
        #expect(plain.count == 96)
        #expect(plain.suffix(32) == ArraySlice(repeating: 0x20, count: 32))
        #expect(MessageCipher.pad(Array(repeating: 1, count: 64)).suffix(32) == ArraySlice(repeating: 0x20, count: 32))
        let decrypted = try crypto.decrypt(encrypt: reply.encrypt, msgSignature: reply.msgSignature, timestamp: Official.timestamp, nonce: Official.nonce)
        #expect(decrypted.message == Data(repeating: UInt8(ascii: "x"), count: 26))
    }

    @Test func wechatpyEchoVector() throws {
        let crypto = try Self.wechatpy()
        let decrypted = try crypto.decrypt(encrypt: Wechatpy.encrypt1, msgSignature: Wechatpy.signature1, timestamp: "1411443780", nonce: "437374425")
        #expect(String(decoding: decrypted.message, as: UTF8.self) == "5927782489442352469")
        #expect(throws: MessageServerError.badMessageSignature) {
            try crypto.decrypt(encrypt: Wechatpy.encrypt1, msgSignature: Wechatpy.signature1, timestamp: "1411443780", nonce: "437374424")
        }
    }

    @Test func wechatpyInboundVectorIsATextMessage() throws {
        let crypto = try Self.wechatpy()
        let decrypted = try crypto.decrypt(encrypt: Wechatpy.encrypt2, msgSignature: Wechatpy.signature2, timestamp: Wechatpy.timestamp2, nonce: Wechatpy.nonce2)
        let message = try InboundMessage(parsing: decrypted.message)
        #expect(message.fromUserName == "messense")
        #expect(message.kind == .text(content: "test", msgID: 4_363_689_963_896_700_987))
        #expect(message.fields["AgentID"] == "1")
    }

    @Test func wechatpyOutboundReplyVector() throws {
        let reply = try Self.wechatpy().encrypt(Wechatpy.reply, timestamp: Wechatpy.timestamp2, nonce: Wechatpy.nonce2, random: Wechatpy.replyRandom)
        #expect(reply.encrypt == Wechatpy.replyEncrypt)
        #expect(reply.msgSignature == Wechatpy.replySignature)
        #expect(reply.xml == "<xml><Encrypt><![CDATA[\(Wechatpy.replyEncrypt)]]></Encrypt><MsgSignature><![CDATA[\(Wechatpy.replySignature)]]></MsgSignature><TimeStamp>1411525903</TimeStamp><Nonce><![CDATA[461056294]]></Nonce></xml>")
        let envelope = try XMLPushParser().parse(reply.xml)
        #expect(envelope["Encrypt"]?.text == Wechatpy.replyEncrypt)
        #expect(envelope["MsgSignature"]?.text == Wechatpy.replySignature)
    }

    @Test func randomPrefixIsDrawnWhenNotGiven() throws {
        let crypto = try Self.official()
        let first = try crypto.encrypt("hi", timestamp: "1", nonce: "n")
        let second = try crypto.encrypt("hi", timestamp: "1", nonce: "n")
        #expect(first.encrypt != second.encrypt)
        #expect(try crypto.decrypt(encrypt: first.encrypt, msgSignature: first.msgSignature, timestamp: "1", nonce: "n").message == Data("hi".utf8))
        #expect(throws: MessageServerError.invalidArgument) { try crypto.encrypt("hi", timestamp: "1", nonce: "n", random: [1, 2, 3]) }
    }

    @Test func descriptionIsRedacted() throws {
        let text = String(describing: try Self.official())
        #expect(!text.contains(Official.token))
        #expect(!text.contains(Official.encodingAESKey))
    }
}
