import Testing
import WeChatKit

@Suite struct MessageReplyTests {
    @Test func textReplySwapsSenderAndRecipient() throws {
        let push = try InboundMessageTests.parse(InboundMessageTests.push("<Content>hi</Content><MsgId>1</MsgId>", msgType: "text"))
        let xml = MessageReply.text("hello", to: push, createTime: 12_345_678)
        #expect(xml == "<xml><ToUserName><![CDATA[oia2TjuEGTNoeX76QEjQNrcURxG8]]></ToUserName><FromUserName><![CDATA[gh_7f083739789a]]></FromUserName><CreateTime>12345678</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello]]></Content></xml>")
    }

    @Test(arguments: ["a]]>b", "]]>", "]]]]>>", "x]]>y]]>z", "<![CDATA[nested]]>", "plain & <tags>", ""])
    func cdataEscapingRoundTrips(_ content: String) throws {
        let xml = MessageReply.text(content, toUser: "o", fromAccount: "gh", createTime: 1)
        let root = try XMLPushParser().parse(xml)
        #expect(root["Content"]?.text == content)
        #expect(root.children.count == 5)
    }

    @Test func cdataSplitsTheTerminator() {
        #expect(MessageReply.cdata("a]]>b") == "<![CDATA[a]]]]><![CDATA[>b]]>")
    }

    @Test func escapeTextEscapesTheFiveCharacters() throws {
        let text = "<a href=\"x\">'&'</a>"
        #expect(MessageReply.escapeText(text) == "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;")
        #expect(try XMLPushParser().parse("<xml>\(MessageReply.escapeText(text))</xml>").text == text)
    }

    @Test func successIsTheLiteral() {
        #expect(MessageReply.success == "success")
    }
}
