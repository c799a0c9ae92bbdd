import Foundation
import Vapor

/// Minimal HTML rendering for the WeChat-like pages.
enum HTML {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }

    static let style = """
    body{margin:0;font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#ededed;color:#191919}
    .card{max-width:420px;margin:40px auto;background:#fff;border-radius:8px;padding:28px 24px;text-align:center}
    h1{font-size:20px;margin:0 0 12px}.muted{color:#888;font-size:14px}.code{color:#888;font-size:13px}
    .btn{display:block;width:100%;box-sizing:border-box;margin:12px 0 0;padding:12px;border:0;border-radius:6px;font-size:17px}
    .ok{background:#07c160;color:#fff}.no{background:#f2f2f2;color:#06ae56}
    img.qrcode{width:220px;height:220px;margin:16px auto;display:block}
    .msg{text-align:left;border-top:1px solid #eee;padding:12px 0;white-space:pre-line}
    ul.users{list-style:none;padding:0}ul.users li{margin:8px 0}
    """

    /// A full page with WeChat-like styling.
    static func page(title: String, body: String, status: HTTPResponseStatus = .ok) -> Response {
        let html = """
        <!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width,initial-scale=1">
        <title>\(escape(title))</title><style>\(style)</style></head><body>\(body)</body></html>
        """
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/html; charset=utf-8")
        return Response(status: status, headers: headers, body: .init(string: html))
    }

    /// WeChat's error page: the code and its Chinese label.
    static func errorPage(code: Int, label: String) -> Response {
        page(title: "微信网页授权", body: """
        <div class="card"><h1>\(escape(label))</h1><p class="code" id="errcode">错误码：\(code)</p></div>
        """)
    }

    /// The generic "this link cannot be accessed" page.
    static func cannotAccess(_ detail: String = "请检查链接参数是否正确") -> Response {
        page(title: "该链接无法访问", body: """
        <div class="card"><h1>该链接无法访问</h1><p class="muted">\(escape(detail))</p></div>
        """)
    }

    /// WeChat's answer to an authorization link opened outside its client (seed 001, 请在微信客户端中打开): HTTP 200,
    /// an empty title and WeUI's message block, as open.weixin.qq.com serves it (its stylesheet inlined: offline).
    static func openInWeChat() -> Response {
        let html = """
        <!DOCTYPE html><html><head><title></title><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1, user-scalable=0">
        <style>body{margin:0;font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#fff}
        .weui_msg{padding-top:36px;text-align:center}.weui_icon_msg{display:inline-block;width:93px;height:93px;\
        border-radius:50%;background:#10aeff}.weui_msg_title{margin:30px 0 5px;font-size:20px;font-weight:400}</style>
        </head><body><div class="weui_msg"><div class="weui_icon_area"><i class="weui_icon_info weui_icon_msg"></i></div>
        <div class="weui_text_area"><h4 class="weui_msg_title">请在微信客户端打开链接</h4></div></div></body></html>
        """
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/html; charset=utf-8")
        return Response(status: .ok, headers: headers, body: .init(string: html))
    }

    /// A 302 to `location`.
    static func redirect(_ location: String) -> Response {
        let response = Response(status: .found)
        response.headers.replaceOrAdd(name: .location, value: location)
        return response
    }
}
