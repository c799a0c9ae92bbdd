import Testing
@testable import WeChatKit

@Suite struct EncodingAESKeyTests {
    @Test(arguments: [
        (MessageServerFixtures.Official.encodingAESKey, MessageServerFixtures.Official.keyHex),
        (MessageServerFixtures.Wechatpy.encodingAESKey, MessageServerFixtures.Wechatpy.keyHex),
        (MessageServerFixtures.Rotation.encodingAESKey, MessageServerFixtures.Rotation.keyHex),
    ])
    func decodesTheSampleKeys(_ encoded: String, _ keyHex: String) throws {
        let key = try EncodingAESKey(encoded)
        #expect(MessageServerFixtures.hex(key.keyBytes) == keyHex)
        #expect(MessageServerFixtures.hex(key.iv) == String(keyHex.prefix(32)))
    }

    @Test(arguments: [
        "",
        "abcdefghijklmnopqrstuvwxyz0123456789ABCDEF", // 42
        "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH", // 44
        "abcdefghijklmnopqrstuvwxyz0123456789ABCDEF+", // base64 but not [A-Za-z0-9]
        "abcdefghijklmnopqrstuvwxyz0123456789ABCDEF=",
        "abcdefghijklmnopqrstuvwxyz0123456789ABCDEé", // non-ASCII
    ])
    func rejectsInvalidKeys(_ encoded: String) {
        #expect(throws: MessageServerError.invalidEncodingAESKey) { try EncodingAESKey(encoded) }
    }

    @Test func descriptionsAreRedacted() throws {
        let encoded = MessageServerFixtures.Official.encodingAESKey
        let key = try EncodingAESKey(encoded)
        #expect(!String(describing: key).contains(encoded))
        #expect(!String(reflecting: key).contains(encoded))
        #expect(String(describing: key).contains("redacted"))
        let error = #expect(throws: MessageServerError.self) { try EncodingAESKey(String(encoded.dropLast()) + "+") }
        #expect(error.map { !String(describing: $0).contains(String(encoded.prefix(20))) } == true)
    }
}
