import Foundation

/// Turns a raw response into a value or a ``WeChatError``, as a pure function.
///
/// Rules (spec §0.1): the body is decoded as UTF-8 JSON whatever the `Content-Type` (WeChat often says
/// `text/plain`); failure ⇔ `errcode` present and non-zero, whatever the HTTP status; a non-2xx status
/// without such an `errcode` is a transport error; anything else that is not the expected JSON is a
/// decoding error. Bodies over the cap are rejected before parsing.
enum ResponseDecoder {
    private struct Envelope: Decodable {
        let errcode: Int?
        let errmsg: String?
    }

    static func decode<T: Decodable>(
        _ type: T.Type, from response: TransportResponse, endpoint: String, maxBodySize: Int
    ) throws(WeChatError) -> T {
        guard response.body.count <= maxBodySize else {
            throw WeChatError(
                .responseTooLarge, endpoint: endpoint, httpStatus: response.status,
                detail: "\(response.body.count) bytes, limit \(maxBodySize)")
        }
        let isSuccessStatus = (200..<300).contains(response.status)
        let data = Data(response.body)
        let decoder = JSONDecoder()
        let envelope: Envelope
        do {
            envelope = try decoder.decode(Envelope.self, from: data)
        } catch {
            if !isSuccessStatus {
                throw WeChatError(.transport, endpoint: endpoint, httpStatus: response.status, detail: "unexpected HTTP status")
            }
            throw WeChatError(.decoding, endpoint: endpoint, httpStatus: response.status, detail: summary(of: error))
        }
        if let errcode = envelope.errcode, errcode != 0 {
            throw WeChatError(
                .api(WeChatErrorCode(errcode)), errmsg: envelope.errmsg ?? "", endpoint: endpoint,
                httpStatus: response.status)
        }
        guard isSuccessStatus else {
            throw WeChatError(.transport, endpoint: endpoint, httpStatus: response.status, detail: "unexpected HTTP status")
        }
        do {
            return try decoder.decode(T.self, from: data)
        } catch {
            throw WeChatError(.decoding, endpoint: endpoint, httpStatus: response.status, detail: summary(of: error))
        }
    }

    /// A description of a decoding failure naming the field and problem, never the values.
    static func summary(of error: any Error) -> String {
        guard let error = error as? DecodingError else { return "invalid JSON" }
        func path(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return path.isEmpty ? "body" : path
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return "missing field \(parent == "body" ? key.stringValue : parent + "." + key.stringValue)"
        case .typeMismatch(_, let context):
            return "wrong type at \(path(context))"
        case .valueNotFound(_, let context):
            return "null at \(path(context))"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "invalid JSON" : "invalid value at \(path(context))"
        @unknown default:
            return "invalid JSON"
        }
    }
}
