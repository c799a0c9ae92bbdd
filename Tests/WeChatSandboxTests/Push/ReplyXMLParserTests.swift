@testable import WeChatSandbox
import Testing

@Suite("The bounded reply XML parser")
struct ReplyXMLParserTests {
    @Test("declaration, comments, nesting, CDATA and entities")
    func wellFormed() throws {
        let root = try ReplyXMLElement.parse("""
            \u{FEFF}<?xml version="1.0" encoding="utf-8"?>
            <!-- reply -->
            <xml><A>x &lt;&amp;&#65;&#x42; <![CDATA[<raw>]]></A><Image><MediaId>m</MediaId></Image><Empty/></xml>
            """)
        #expect(root.name == "xml")
        #expect(root.child("A")?.text == "x <&AB <raw>")
        #expect(root.child("Image")?.child("MediaId")?.text == "m")
        #expect(root.child("Empty")?.text == "")
    }

    @Test("malformed documents are rejected", arguments: [
        "", "<xml>", "<xml></XML>", "<xml><a></xml>", "<xml>&bogus;</xml>", "<xml></xml><xml></xml>",
        "text", "<xml><![CDATA[x</xml>", "<xml>&#xZZ;</xml>", "<xml a=\"1\"></xml>",
    ])
    func malformed(document: String) {
        #expect(throws: ReplyXMLError.self) { try ReplyXMLElement.parse(document) }
        #expect(throws: ReplyXMLError.malformed(offset: 0)) { try ReplyXMLElement.parse(document) }
    }

    @Test("nesting deeper than the limit and oversized input are rejected")
    func limits() {
        let deep = String(repeating: "<a>", count: 17) + String(repeating: "</a>", count: 17)
        #expect(throws: ReplyXMLError.tooDeep) { try ReplyXMLElement.parse(deep) }
        let shallow = String(repeating: "<a>", count: 16) + String(repeating: "</a>", count: 16)
        #expect((try? ReplyXMLElement.parse(shallow)) != nil)
        let big = "<xml>" + String(repeating: "x", count: ReplyXMLElement.maximumBytes) + "</xml>"
        #expect(throws: ReplyXMLError.tooLarge) { try ReplyXMLElement.parse(big) }
    }
}
