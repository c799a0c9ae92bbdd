import Foundation
import Vapor

extension AccountExporter {
    /// The signed-in person's export as a download: JSON, `Content-Disposition: attachment`, never cached.
    static func download(_ req: Request, user: User, sessions: BrowserSession) async throws -> Response {
        let userID = try user.requireID()
        let exporter = AccountExporter(database: req.db, clock: sessions.clock)
        let session = req.hasSession ? req.session.id.map { (sessions.store(on: req.db), $0) } : nil
        let document = try await exporter.export(user, session: session, actor: req.eventActor(.person))
        req.logger.info("account exported", metadata: ["user": "\(userID)"])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var headers = HTTPHeaders()
        headers.contentType = .json
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        headers.replaceOrAdd(name: .pragma, value: "no-cache")
        let day = String(document.exportedAt.prefix(10))
        headers.replaceOrAdd(name: .contentDisposition,
                             value: "attachment; filename=\"wechat-login-export-\(day).json\"")
        return Response(status: .ok, headers: headers, body: .init(data: try encoder.encode(document)))
    }
}
