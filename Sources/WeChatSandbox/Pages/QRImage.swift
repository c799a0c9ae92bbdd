import Foundation
import Vapor

/// The QR image of a login session: a PNG encoding the phone's confirm URL.
enum QRImage {
    static func response(payload: String) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        guard let code = try? QRCode(text: payload, errorCorrection: .medium) else {
            return Response(status: .internalServerError, headers: headers)
        }
        headers.replaceOrAdd(name: .contentType, value: "image/png")
        return Response(status: .ok, headers: headers, body: .init(data: Data(code.png(scale: 6, border: 4))))
    }
}
