import Foundation

/// A developer's passive reply (spec §10.3) as the sandbox records it and the phone's chat shows it.
struct PassiveReply: Sendable, Codable, Equatable {
    /// One article of a `news` reply.
    struct Article: Sendable, Codable, Equatable {
        var title: String?
        var description: String?
        var url: String?
        var picUrl: String?
    }

    /// `text`, `image`, `voice`, `video`, `music`, `news` or `transfer_customer_service`.
    let msgType: String
    var content: String?
    var mediaId: String?
    var title: String?
    var articles: [Article]?

    /// Reads a (decrypted) reply XML the push classifier accepted; nil when it is not one.
    init?(xml: String) {
        guard let root = try? ReplyXMLElement.parse(xml), let type = root.child("MsgType")?.text else { return nil }
        msgType = type
        switch type {
        case "text":
            content = root.child("Content")?.text ?? ""
        case "image", "voice":
            mediaId = root.child(type == "image" ? "Image" : "Voice")?.child("MediaId")?.text
        case "video":
            let video = root.child("Video")
            mediaId = video?.child("MediaId")?.text
            title = video?.child("Title")?.text
        case "music":
            title = root.child("Music")?.child("Title")?.text
        case "news":
            articles = root.child("Articles")?.children.filter { $0.name == "item" }.map { item in
                Article(title: item.child("Title")?.text, description: item.child("Description")?.text,
                        url: item.child("Url")?.text, picUrl: item.child("PicUrl")?.text)
            } ?? []
        default:
            break
        }
    }

    /// What the chat shows: a text reply as sent; the other kinds as what they are.
    var chatText: String {
        switch msgType {
        case "text": content ?? ""
        case "image": "[图片 Image] \(mediaId ?? "")"
        case "voice": "[语音 Voice] \(mediaId ?? "")"
        case "video": "[视频 Video] \(title ?? mediaId ?? "")"
        case "music": "[音乐 Music] \(title ?? "")"
        case "news":
            "[图文 News] " + (articles ?? []).map { $0.title ?? "" }.joined(separator: " / ")
        case "transfer_customer_service": "[转接客服 Transferred to customer service]"
        default: "[\(msgType)]"
        }
    }
}
