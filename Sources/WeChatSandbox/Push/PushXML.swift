import Foundation

/// The inner XML of each push WeChat sends (spec §9.3, §10.2): one line, string fields in CDATA like WeChat's.
enum PushXML {
    /// A user followed the account; `eventKey` is `qrscene_<scene>` (with a `ticket`) when via a parametric QR code.
    static func subscribe(
        toUserName: String, fromOpenID: String, createTime: Int, eventKey: String = "", ticket: String? = nil
    ) -> String {
        var fields = header(toUserName, fromOpenID, createTime, msgType: "event")
        fields += element("Event", cdata: "subscribe") + element("EventKey", cdata: eventKey)
        if let ticket { fields += element("Ticket", cdata: ticket) }
        return "<xml>\(fields)</xml>"
    }

    /// A user unfollowed the account.
    static func unsubscribe(toUserName: String, fromOpenID: String, createTime: Int) -> String {
        let fields = header(toUserName, fromOpenID, createTime, msgType: "event") + element("Event", cdata: "unsubscribe")
        return "<xml>\(fields)</xml>"
    }

    /// An existing follower scanned a parametric QR code; `eventKey` is the scene without prefix.
    static func scan(toUserName: String, fromOpenID: String, createTime: Int, eventKey: String, ticket: String) -> String {
        var fields = header(toUserName, fromOpenID, createTime, msgType: "event")
        fields += element("Event", cdata: "SCAN") + element("EventKey", cdata: eventKey) + element("Ticket", cdata: ticket)
        return "<xml>\(fields)</xml>"
    }

    /// A template message finished: `status` is `success`, `failed:user block` or `failed: system failed`.
    static func templateSendJobFinish(
        toUserName: String, fromOpenID: String, createTime: Int, msgID: Int64, status: String
    ) -> String {
        var fields = header(toUserName, fromOpenID, createTime, msgType: "event")
        fields += element("Event", cdata: "TEMPLATESENDJOBFINISH") + "<MsgID>\(msgID)</MsgID>"
        fields += element("Status", cdata: status)
        return "<xml>\(fields)</xml>"
    }

    /// The user pressed a `click` button of the account's custom menu.
    static func click(toUserName: String, fromOpenID: String, createTime: Int, key: String) -> String {
        var fields = header(toUserName, fromOpenID, createTime, msgType: "event")
        fields += element("Event", cdata: "CLICK") + element("EventKey", cdata: key)
        return "<xml>\(fields)</xml>"
    }

    /// A text message from the user.
    static func text(toUserName: String, fromOpenID: String, createTime: Int, content: String, msgID: Int64) -> String {
        var fields = header(toUserName, fromOpenID, createTime, msgType: "text")
        fields += element("Content", cdata: content) + "<MsgId>\(msgID)</MsgId>"
        return "<xml>\(fields)</xml>"
    }

    /// `<name><![CDATA[value]]></name>`, splitting any `]]>` in `value` across two CDATA sections.
    static func element(_ name: String, cdata value: String) -> String {
        let escaped = value.contains("]]>") ? value.replacingOccurrences(of: "]]>", with: "]]]]><![CDATA[>") : value
        return "<\(name)><![CDATA[\(escaped)]]></\(name)>"
    }

    private static func header(_ toUserName: String, _ fromOpenID: String, _ createTime: Int, msgType: String) -> String {
        element("ToUserName", cdata: toUserName) + element("FromUserName", cdata: fromOpenID)
            + "<CreateTime>\(createTime)</CreateTime>" + element("MsgType", cdata: msgType)
    }
}
