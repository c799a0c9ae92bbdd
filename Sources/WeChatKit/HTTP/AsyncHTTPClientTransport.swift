import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// ``HTTPTransport`` on AsyncHTTPClient: a per-request deadline and a body cap enforced while reading.
struct AsyncHTTPClientTransport: HTTPTransport {
    let client: HTTPClient

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = request.method
        for header in request.headers {
            outgoing.headers.add(name: header.name, value: header.value)
        }
        if let body = request.body {
            outgoing.body = .bytes(ByteBuffer(bytes: body))
        }
        let timeout = TimeAmount.nanoseconds(Int64(clamping: request.timeout.nanoseconds))
        do {
            let response = try await client.execute(outgoing, timeout: timeout)
            if let length = response.headers.first(name: "content-length").flatMap(Int.init),
                length > request.maxResponseBodySize
            {
                throw WeChatError(
                    .responseTooLarge, httpStatus: Int(response.status.code),
                    detail: "declared \(length) bytes, limit \(request.maxResponseBodySize)")
            }
            let buffer = try await response.body.collect(upTo: request.maxResponseBodySize)
            return TransportResponse(
                status: Int(response.status.code),
                headers: response.headers.map { (name: $0.name, value: $0.value) },
                body: Array(buffer.readableBytesView)
            )
        } catch let error as WeChatError {
            throw error
        } catch is NIOTooManyBytesError {
            throw WeChatError(.responseTooLarge, detail: "limit \(request.maxResponseBodySize) bytes")
        } catch let error as HTTPClientError
            where error == .deadlineExceeded || error == .connectTimeout || error == .readTimeout
            || error == .writeTimeout
        {
            throw WeChatError(.timeout, detail: "\(error)", underlyingError: error)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw WeChatError(.transport, detail: String(describing: type(of: error)), underlyingError: error)
        }
    }
}
