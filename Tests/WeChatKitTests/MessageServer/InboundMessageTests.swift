import Foundation
import Testing
import WeChatKit

@Suite struct InboundMessageTests {
    static func push(_ extra: String, msgType: String = "event") -> String {
        "<xml><ToUserName><![CDATA[gh_7f083739789a]]></ToUserName><FromUserName><![CDATA[oia2TjuEGTNoeX76QEjQNrcURxG8]]></FromUserName><CreateTime>1395658920</CreateTime><MsgType><![CDATA[\(msgType)]]></MsgType>\(extra)</xml>"
    }

    static func parse(_ xml: String) throws -> InboundMessage {
        try InboundMessage(parsing: Array(xml.utf8))
    }

    @Test func textMessage() throws {
        let message = try Self.parse(Self.push("<Content><![CDATA[你好 <b>]]></Content><MsgId>4363689963896700987</MsgId>", msgType: "text"))
        #expect(message.toUserName == "gh_7f083739789a")
        #expect(message.fromUserName == "oia2TjuEGTNoeX76QEjQNrcURxG8")
        #expect(message.createTime == 1_395_658_920)
        #expect(message.msgType == "text")
        #expect(message.kind == .text(content: "你好 <b>", msgID: 4_363_689_963_896_700_987))
        #expect(message.deduplicationKey == "msgid:4363689963896700987")
    }

    @Test(arguments: [
        ("<Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[]]></EventKey>", InboundMessage.Event.subscribe(eventKey: nil, scene: nil, ticket: nil)),
        ("<Event><![CDATA[subscribe]]></Event>", .subscribe(eventKey: nil, scene: nil, ticket: nil)),
        ("<Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[qrscene_123123]]></EventKey><Ticket><![CDATA[TICKET]]></Ticket>",
         .subscribe(eventKey: "qrscene_123123", scene: "123123", ticket: "TICKET")),
        ("<Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[qrscene_login:abc]]></EventKey><Ticket><![CDATA[T]]></Ticket>",
         .subscribe(eventKey: "qrscene_login:abc", scene: "login:abc", ticket: "T")),
        ("<Event><![CDATA[unsubscribe]]></Event><EventKey><![CDATA[]]></EventKey>", .unsubscribe),
        ("<Event><![CDATA[SCAN]]></Event><EventKey><![CDATA[123123]]></EventKey><Ticket><![CDATA[TICKET]]></Ticket>",
         .scan(eventKey: "123123", ticket: "TICKET")),
        ("<Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event><MsgID>3487542469355618313</MsgID><Status><![CDATA[success]]></Status>",
         .templateSendJobFinish(msgID: 3_487_542_469_355_618_313, status: .success)),
        ("<Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event><MsgID>200163836</MsgID><Status><![CDATA[failed:user block]]></Status>",
         .templateSendJobFinish(msgID: 200_163_836, status: .userBlock)),
        ("<Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event><MsgID>200163836</MsgID><Status><![CDATA[failed: system failed]]></Status>",
         .templateSendJobFinish(msgID: 200_163_836, status: .systemFailed)),
        ("<Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event><MsgID>200163836</MsgID><Status><![CDATA[failed: user block]]></Status>",
         .templateSendJobFinish(msgID: 200_163_836, status: .other("failed: user block"))),
        ("<Event><![CDATA[scan]]></Event><EventKey><![CDATA[1]]></EventKey>", .other(name: "scan")),
        ("<Event><![CDATA[CLICK]]></Event><EventKey><![CDATA[MENU_1]]></EventKey>", .other(name: "CLICK")),
    ])
    func events(_ fields: String, _ expected: InboundMessage.Event) throws {
        let message = try Self.parse(Self.push(fields))
        #expect(message.kind == .event(expected))
        // A delivery report also names its message: two reports to one follower in one second are two pushes.
        if case .templateSendJobFinish(let msgID, _) = expected {
            #expect(message.deduplicationKey == "event:oia2TjuEGTNoeX76QEjQNrcURxG8:1395658920:msgid:\(msgID)")
        } else {
            #expect(message.deduplicationKey == "event:oia2TjuEGTNoeX76QEjQNrcURxG8:1395658920")
        }
    }

    @Test func templateStatusRoundTripsItsRawValue() {
        for raw in ["success", "failed:user block", "failed: system failed", "block"] {
            #expect(InboundMessage.TemplateSendStatus(rawValue: raw).rawValue == raw)
        }
    }

    @Test func unknownMessageTypeIsKeptRaw() throws {
        let message = try Self.parse(Self.push("<PicUrl><![CDATA[http://x/y.jpg]]></PicUrl><MediaId><![CDATA[m]]></MediaId><MsgId>1234567890123456</MsgId>", msgType: "image"))
        #expect(message.kind == .other)
        #expect(message.fields["PicUrl"] == "http://x/y.jpg")
        #expect(message.fields["MediaId"] == "m")
        #expect(message.deduplicationKey == "msgid:1234567890123456")
    }

    @Test func unknownEventKeepsNestedFields() throws {
        let message = try Self.parse(Self.push("<Event><![CDATA[scancode_push]]></Event><EventKey><![CDATA[k]]></EventKey><ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType><ScanResult><![CDATA[1]]></ScanResult></ScanCodeInfo>"))
        #expect(message.kind == .event(.other(name: "scancode_push")))
        #expect(message.fields["EventKey"] == "k")
        #expect(message.fields["ScanCodeInfo"] == nil)
        #expect(message.xml["ScanCodeInfo"]?["ScanResult"]?.text == "1")
    }

    @Test(arguments: [
        ("<xml><FromUserName>a</FromUserName><CreateTime>1</CreateTime><MsgType>event</MsgType></xml>", MessageServerError.missingField),
        ("<xml><ToUserName>a</ToUserName><CreateTime>1</CreateTime><MsgType>event</MsgType></xml>", .missingField),
        ("<xml><ToUserName>a</ToUserName><FromUserName>a</FromUserName><MsgType>event</MsgType></xml>", .missingField),
        ("<xml><ToUserName>a</ToUserName><FromUserName>a</FromUserName><CreateTime>1</CreateTime></xml>", .missingField),
        ("<xml><ToUserName>a</ToUserName><FromUserName>a</FromUserName><CreateTime>x</CreateTime><MsgType>event</MsgType></xml>", .invalidField),
        ("<xml><ToUserName>a</ToUserName><FromUserName>a</FromUserName><CreateTime>1</CreateTime><MsgType>event</MsgType></xml>", .missingField),
        ("<xml><ToUserName>a</ToUserName><FromUserName>a</FromUserName><FromUserName>b</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType></xml>", .invalidField),
        ("<root><ToUserName>a</ToUserName></root>", .invalidField),
        (push("<Content>hi</Content>", msgType: "text"), .missingField),
        (push("<Content>hi</Content><MsgId>99999999999999999999</MsgId>", msgType: "text"), .invalidField),
        (push("<Content>hi</Content><MsgId>-1</MsgId>", msgType: "text"), .invalidField),
        (push("<Event>SCAN</Event>"), .missingField),
        (push("<Event>TEMPLATESENDJOBFINISH</Event><Status>success</Status>"), .missingField),
        (push("<Event>TEMPLATESENDJOBFINISH</Event><MsgID>1.5</MsgID><Status>success</Status>"), .invalidField),
        (push("<Event>TEMPLATESENDJOBFINISH</Event><MsgID>1</MsgID>"), .missingField),
    ])
    func invalidPushesAreRejected(_ xml: String, _ expected: MessageServerError) {
        #expect(throws: expected) { try Self.parse(xml) }
    }
}
