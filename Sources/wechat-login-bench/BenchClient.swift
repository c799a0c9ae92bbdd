import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The harness's HTTP client: no redirects followed, a large connection pool, bodies read whole.
struct BenchClient: Sendable {
    let http: HTTPClient

    struct Reply: Sendable {
        let status: Int
        let headers: HTTPHeaders
        let body: String

        var location: String? { headers.first(name: "Location") }

        /// `Set-Cookie` name=value pairs.
        var cookies: [(String, String)] {
            headers["Set-Cookie"].compactMap { line in
                let pair = line.split(separator: ";", maxSplits: 1).first ?? ""
                let parts = pair.split(separator: "=", maxSplits: 1)
                return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
            }
        }
    }

    static func make(connections: Int) -> BenchClient {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(60))
        return BenchClient(http: HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration))
    }

    func request(_ method: HTTPMethod = .GET, _ url: String, headers: [(String, String)] = [], body: String? = nil,
                 contentType: String? = nil) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType ?? "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await http.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, body: String(buffer: bytes))
    }

    func json(_ method: HTTPMethod = .GET, _ url: String, body: String? = nil, bearer: String? = nil) async throws -> Any {
        let reply = try await request(method, url, headers: bearer.map { [("Authorization", "Bearer \($0)")] } ?? [],
                                      body: body)
        guard (200..<300).contains(reply.status) else {
            throw BenchFailure("\(method) \(url) answered \(reply.status): \(reply.body.prefix(200))")
        }
        return try JSONSerialization.jsonObject(with: Data(reply.body.utf8), options: [.fragmentsAllowed])
    }

    func shutdown() async throws { try await http.shutdown() }
}

/// Why a benchmark step failed.
struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
