import AsyncHTTPClient
import Foundation
import NIOCore
import Testing
@testable import WeChatSandbox

extension SandboxHarness {
    /// `cgi-bin/qrcode/create` with `body`.
    func createQR(token: String, _ body: String) async throws -> HTTPResult {
        try await postJSON("/cgi-bin/qrcode/create?access_token=\(token)", body)
    }

    /// A temporary integer-scene code; answers (ticket, url).
    func temporaryQR(token: String, scene: Int = 123, seconds: Int = 600) async throws -> (String, String) {
        let created = try await createQR(
            token: token, #"{"expire_seconds":\#(seconds),"action_name":"QR_SCENE","action_info":{"scene":{"scene_id":\#(scene)}}}"#)
        return (try #require(created.string("ticket"), "\(created.body)"), try #require(created.string("url")))
    }

    /// The scan page path of a code's url (`…/sandbox/q/{path}`).
    static func scanPath(_ url: String) -> String {
        "/sandbox/q/" + (url.components(separatedBy: "/sandbox/q/").last ?? "")
    }

    /// A GET answered as raw bytes (images), with its status and content type.
    func bytes(_ path: String) async throws -> (status: Int, contentType: String, bytes: [UInt8]) {
        let response = try await client.execute(HTTPClientRequest(url: base + path), timeout: .seconds(30))
        let buffer = try await response.body.collect(upTo: 4 << 20)
        return (Int(response.status.code), response.headers.first(name: "content-type") ?? "", Array(buffer.readableBytesView))
    }

    /// The pushes the control API lists.
    func pushLog() async throws -> [[String: Any]] {
        let body = try await get("/sandbox/api/pushes").body
        return (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[String: Any]]) ?? []
    }
}

/// Width and height of a PNG from its IHDR chunk, or nil when the bytes are not a PNG.
func pngSize(_ png: [UInt8]) -> (width: Int, height: Int)? {
    let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    guard png.count > 24, Array(png[0..<8]) == signature, Array(png[12..<16]) == Array("IHDR".utf8) else { return nil }
    let int = { (at: Int) in png[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
    return (int(16), int(20))
}

/// The text zbarimg reads from a PNG, or nil when it finds no symbol.
func zbarDecode(_ png: [UInt8]) throws -> String? {
    let zbarimg = try #require(
        ExternalTool.path("zbarimg"), Comment(rawValue: ExternalTool.missingMessage("zbarimg", package: "zbar-tools")))
    let file = ExternalTool.temporaryFile(extension: "png")
    defer { try? FileManager.default.removeItem(at: file) }
    try Data(png).write(to: file)
    let result = try ExternalTool.run(zbarimg, ["--raw", "-q", file.path])
    guard result.status == 0 else { return nil }
    return result.output.hasSuffix("\n") ? String(result.output.dropLast()) : result.output
}
