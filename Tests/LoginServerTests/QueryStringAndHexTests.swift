import Foundation
import Testing
import WeChatKit
@testable import LoginServer

/// The two small parsers/encoders that took Foundation and Vapor's generic paths off the login route.
struct QueryStringAndHexTests {
    @Test(arguments: [
        ("state=abc&code=xyz", "code", "xyz"),
        ("state=abc&code=xyz", "state", "abc"),
        ("return_to=%2Faccount%3Fa%3D1", "return_to", "/account?a=1"),
        ("q=a+b%20c", "q", "a b c"),
        ("name=%E4%B8%AD%E6%96%87", "name", "中文"),
        ("x=1&x=2", "x", "1"),
        ("flag&x=1", "flag", ""),
        ("flag=&x=1", "flag", ""),
        ("re%74urn_to=%2F", "return_to", "/"),
        ("&&code=1&", "code", "1"),
    ] as [(String, String, String)])
    func readsTheFirstDecodedValue(query: String, name: String, expected: String) {
        #expect(QueryString.value(of: name, in: query) == expected)
    }

    @Test(arguments: [("code=%ZZ", "code"), ("code=1", "state"), ("", "code"), ("codes=1", "code")])
    func absentOrMalformedIsNil(query: String, name: String) {
        #expect(QueryString.value(of: name, in: query) == nil)
    }

    @Test func hexMatchesTheFormatterItReplaced() {
        let bytes: [UInt8] = [0x00, 0x0f, 0x10, 0x7f, 0x80, 0xab, 0xff]
        #expect(Hex.lowercase(bytes) == bytes.map { String(format: "%02x", $0) }.joined())
        #expect(Hex.lowercase([UInt8]()) == "")
    }
}
