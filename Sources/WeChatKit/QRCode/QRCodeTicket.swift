import Foundation

/// The answer of `cgi-bin/qrcode/create`: the ticket, its lifetime and the URL the QR image encodes.
///
/// `url` is what a server renders itself as a QR code; ``QRCodeClient/imageURL(ticket:)`` names WeChat's own image.
/// The ticket is not a secret (anyone holding the image can scan it), but it is only good while it lives.
public struct QRCodeTicket: Sendable, Hashable, Decodable {
    /// The ticket, for `showqrcode` and as the pushes' `Ticket`.
    public let ticket: String
    /// Lifetime in seconds (temporary codes only).
    public let expireSeconds: Int?
    /// The content of the QR code (`http://weixin.qq.com/q/…`).
    public let url: String

    /// Creates a ticket (tests, stores).
    public init(ticket: String, expireSeconds: Int?, url: String) {
        self.ticket = ticket
        self.expireSeconds = expireSeconds
        self.url = url
    }

    enum CodingKeys: String, CodingKey {
        case ticket
        case expireSeconds = "expire_seconds"
        case url
    }
}

/// The QR image `showqrcode` answers: bytes and their media type (JPEG at WeChat).
public struct QRCodeImage: Sendable, Hashable {
    /// The image bytes.
    public let bytes: [UInt8]
    /// The `Content-Type` WeChat sent (`image/jpeg`), or `image/jpeg` when it sent none.
    public let contentType: String
}
