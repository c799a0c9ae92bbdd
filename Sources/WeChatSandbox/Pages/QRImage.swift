import Foundation
import Vapor

/// The QR image of a login session. Until the QR encoder is present this is an SVG card naming the payload.
enum QRImage {
    static func response(payload: String) -> Response {
        let svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="220" height="220" viewBox="0 0 220 220">\
        <rect width="220" height="220" fill="#fff" stroke="#000"/>\
        <text x="110" y="100" font-size="14" text-anchor="middle">扫码登录（沙盒）</text>\
        <text x="110" y="130" font-size="7" text-anchor="middle">\(HTML.escape(payload))</text></svg>
        """
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "image/svg+xml")
        return Response(status: .ok, headers: headers, body: .init(string: svg))
    }
}
