import Foundation

import Testing
@testable import WeChatKit

/// A scripted WeChat: records every request and answers through a handler. No network.
actor FakeTransport: HTTPTransport {
    typealias Handler = @Sendable (TransportRequest) async throws -> TransportResponse

    private let handler: Handler
    private(set) var requests: [TransportRequest] = []

    init(_ handler: @escaping Handler) {
        self.handler = handler
    }

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        requests.append(request)
        return try await handler(request)
    }

    /// How many requests went to `path` (e.g. `/cgi-bin/token`).
    func count(path: String) -> Int {
        requests.filter { $0.path == path }.count
    }

    var requestCount: Int { requests.count }
}

extension TransportResponse {
    /// A JSON answer, `text/plain` like WeChat's `sns/*` endpoints unless told otherwise.
    static func json(_ body: String, status: Int = 200, contentType: String = "text/plain") -> TransportResponse {
        TransportResponse(status: status, headers: [("Content-Type", contentType)], body: Array(body.utf8))
    }

    /// A fixture file's bytes as the answer.
    static func fixture(_ name: String, status: Int = 200) throws -> TransportResponse {
        TransportResponse(status: status, headers: [("Content-Type", "text/plain")], body: try Fixtures.bytes(name))
    }
}

extension TransportRequest {
    /// The URL's path.
    var path: String { URLComponents(string: url)?.path ?? "" }

    /// The decoded query items, in order.
    var query: [String: String] {
        var result: [String: String] = [:]
        for item in URLComponents(string: url)?.queryItems ?? [] { result[item.name] = item.value ?? "" }
        return result
    }

    /// The body as a JSON object.
    var jsonBody: [String: Any] {
        guard let body, let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { return [:] }
        return object
    }
}

enum Fixtures {
    static func bytes(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"))
        return Array(try Data(contentsOf: url))
    }

    static func response(_ name: String) throws -> TransportResponse {
        try TransportResponse.fixture(name)
    }
}
