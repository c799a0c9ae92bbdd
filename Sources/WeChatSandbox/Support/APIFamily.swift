import Foundation
import Vapor

/// The two API families and their Content-Type (spec §0.1 sandbox choice).
enum APIFamily: Sendable {
    case sns
    case cgi

    var contentType: String {
        switch self {
        case .sns: "text/plain"
        case .cgi: "application/json; encoding=utf-8"
        }
    }

    /// The family of a request path (`/sns/…` or anything else).
    init(path: String) {
        self = path.hasPrefix("/sns/") ? .sns : .cgi
    }
}

/// Builds WeChat-shaped responses.
enum WeChatReply {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return encoder
    }()

    /// A success body.
    static func json<T: Encodable>(_ value: T, family: APIFamily) -> Response {
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return raw(data, family: family)
    }

    /// An error body: HTTP 200, errcode, errmsg with a `rid` suffix.
    static func error(_ error: WeChatAPIError, family: APIFamily) -> Response {
        struct Body: Encodable { let errcode: Int; let errmsg: String }
        return json(Body(errcode: error.errcode, errmsg: "\(error.errmsg), rid: \(Identifiers.rid())"), family: family)
    }

    /// `{"errcode":0,"errmsg":"ok"}`.
    static func ok(family: APIFamily) -> Response {
        raw(Data(#"{"errcode":0,"errmsg":"ok"}"#.utf8), family: family)
    }

    static func raw(_ data: Data, family: APIFamily) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: family.contentType)
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }
}
