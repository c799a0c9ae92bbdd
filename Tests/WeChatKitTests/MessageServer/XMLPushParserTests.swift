import Foundation
import Testing
import WeChatKit

@Suite struct XMLPushParserTests {
    let parser = XMLPushParser()

    @Test func parsesFlatPushWithTextAndCDATA() throws {
        let root = try parser.parse("""
        <?xml version="1.0" encoding="UTF-8"?>
        <xml>
          <ToUserName><![CDATA[gh_7f083739789a]]></ToUserName>
          <CreateTime>1395658920</CreateTime>
          <Content><![CDATA[a]]]]><![CDATA[>b]]> &amp; &lt;&gt;&quot;&apos;&#20013;&#x6587;</Content>
          <Empty/>
          <Blank></Blank>
        </xml>
        """)
        #expect(root.name == "xml")
        #expect(root.children.map(\.name) == ["ToUserName", "CreateTime", "Content", "Empty", "Blank"])
        #expect(root["ToUserName"]?.text == "gh_7f083739789a")
        #expect(root["CreateTime"]?.text == "1395658920")
        #expect(root["Content"]?.text == "a]]>b & <>\"'中文")
        #expect(root["Empty"] == XMLPushElement(name: "Empty"))
        #expect(root["Blank"]?.text == "")
        #expect(root["Missing"] == nil)
    }

    @Test func parsesOneLevelOfNesting() throws {
        let root = try parser.parse("<xml><Event><![CDATA[scancode_push]]></Event><ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType><ScanResult><![CDATA[1]]></ScanResult></ScanCodeInfo></xml>")
        let info = try #require(root["ScanCodeInfo"])
        #expect(info.text == "")
        #expect(info["ScanType"]?.text == "qrcode")
        #expect(info["ScanResult"]?.text == "1")
        #expect(root.children(named: "Event").count == 1)
    }

    @Test func acceptsBOMAndUTF8Declaration() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("<?xml version='1.0' encoding='utf-8' ?><xml><A>1</A></xml>\n".utf8)
        #expect(try parser.parse(bytes)["A"]?.text == "1")
    }

    static let billionLaughs = """
    <?xml version="1.0"?>
    <!DOCTYPE lolz [
     <!ENTITY lol "lol">
     <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
     <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
    ]>
    <xml><Content>&lol3;</Content></xml>
    """

    @Test(arguments: [
        billionLaughs,
        "<!DOCTYPE xml SYSTEM \"file:///etc/passwd\"><xml><A>1</A></xml>",
        "<!ENTITY x \"y\"><xml><A>1</A></xml>",
        "<xml><A>&xxe;</A></xml>",
        "<xml><A>&lol3;</A></xml>",
        "<xml><!ENTITY x \"y\"><A>1</A></xml>",
        "<xml><A>1</A></xml><!DOCTYPE x>",
        "<?xml-stylesheet href=\"a\"?><xml><A>1</A></xml>",
        "<xml><?php echo 1; ?><A>1</A></xml>",
        "<xml><A>1</A></xml><?pi?>",
        "<xml><A><!ELEMENT a ANY></A></xml>",
    ])
    func rejectsEntitiesDoctypesAndProcessingInstructions(_ xml: String) {
        #expect(throws: MessageServerError.forbiddenXML) { try parser.parse(xml) }
    }

    @Test(arguments: [
        "",
        "   ",
        "just text",
        "<xml>",
        "<xml><A>1</A>",
        "<xml><A>1</B></xml>",
        "<xml><A>1</A></xml><xml/>",
        "<xml><A>1</A></xml>trailing",
        "<xml><A><![CDATA[unterminated</A></xml>",
        "<xml><A><![CDATA[x]]</A></xml>",
        "<xml><A>a & b</A></xml>",
        "<xml><A>&#;</A></xml>",
        "<xml><A>&#x110000;</A></xml>",
        "<xml><A>&#0;</A></xml>",
        "<xml><A>&#xD800;</A></xml>",
        "<xml><A>&#+65;</A></xml>",
        "<xml><A>&amp</A></xml>",
        "<xml><A attr=\"1\">1</A></xml>",
        "<xml><1A>1</1A></xml>",
        "<xml><A>text<B>1</B></A></xml>",
        "<xml><A>]]></A></xml>",
        "<xml><A>\u{1}</A></xml>",
        "<xml><!-- comment --><A>1</A></xml>",
        "<xml><A>1</A></xml",
        "<xml><A>1</A></ xml>",
        "<?xml version=\"1.0\"",
    ])
    func rejectsMalformedInput(_ xml: String) {
        #expect(throws: MessageServerError.malformedXML) { try parser.parse(xml) }
    }

    @Test func rejectsInvalidUTF8AndOtherEncodings() {
        let invalid: [UInt8] = Array("<xml><A>".utf8) + [0xC3, 0x28] + Array("</A></xml>".utf8)
        #expect(throws: MessageServerError.invalidEncoding) { try parser.parse(invalid) }
        #expect(throws: MessageServerError.invalidEncoding) { try parser.parse("<?xml version=\"1.0\" encoding=\"GBK\"?><xml/>") }
    }

    @Test func enforcesTheSizeLimit() throws {
        let small = XMLPushParser(configuration: .init(maxBytes: 32))
        #expect(try small.parse("<xml><A>1</A></xml>")["A"]?.text == "1")
        #expect(throws: MessageServerError.oversized) { try small.parse("<xml><A>\(String(repeating: "x", count: 32))</A></xml>") }
        let big = "<xml><A>" + String(repeating: "x", count: 64 * 1024) + "</A></xml>"
        #expect(throws: MessageServerError.oversized) { try parser.parse(big) }
    }

    @Test func enforcesTheDepthLimit() throws {
        func nested(_ depth: Int) -> String {
            String(repeating: "<a>", count: depth) + "x" + String(repeating: "</a>", count: depth)
        }
        #expect(try parser.parse(nested(8)).name == "a")
        #expect(throws: MessageServerError.oversized) { try parser.parse(nested(9)) }
        // Far deeper than any stack would allow with recursion: still a clean error.
        #expect(throws: MessageServerError.oversized) { try parser.parse(nested(10_000)) }
        // The parser is iterative: a raised limit parses deep input without recursion.
        let unlimited = XMLPushParser(configuration: .init(maxBytes: 1 << 20, maxDepth: .max, maxElements: .max))
        #expect(try unlimited.parse(nested(1_000)).name == "a")
    }

    @Test func enforcesTheElementLimit() throws {
        let limited = XMLPushParser(configuration: .init(maxElements: 4))
        #expect(try limited.parse("<xml><A/><B/><C/></xml>").children.count == 3)
        #expect(throws: MessageServerError.oversized) { try limited.parse("<xml><A/><B/><C/><D/></xml>") }
    }
}
