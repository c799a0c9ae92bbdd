import Foundation
import Vapor

/// `wechat-login reseal-tokens`: the key-rotation step that lets an old token key be dropped. It lives in the server
/// (not with the runners) because it works on the server's own tables and needs nothing else: no WeChat, no sandbox.
public enum TokenResealCommand {
    /// Seals every stored token under an older key again under the current one (unless `checkOnly`), then says what
    /// is still sealed under older keys, so an operator knows when `TOKEN_ENCRYPTION_PREVIOUS_KEYS` can drop a key.
    /// Needs only the key ring and `DATABASE_URL`.
    public static func run(environment: [String: String], checkOnly: Bool) async throws -> String {
        let configuration = try LoginServerConfiguration.tokenStorage(fromEnvironment: environment)
        let app = try await Application.make(Environment(name: "production", arguments: ["wechat-login"]))
        do {
            try await LoginServer.prepareDatabase(configuration.database, on: app)
            let resealer = TokenResealer(database: app.db, cipher: configuration.tokenCipher)
            var lines: [String] = []
            if !checkOnly {
                let report = try await resealer.resealAll()
                lines.append("resealed \(report.resealed) stored token(s) under the current key \(configuration.tokenKey.id)"
                             + (report.changedMeanwhile > 0 ? " (\(report.changedMeanwhile) were rewritten meanwhile)" : ""))
            }
            lines += summary(remaining: try await resealer.remaining(),
                             previous: configuration.previousTokenKeys.map(\.id))
            try await app.asyncShutdown()
            return lines.joined(separator: "\n")
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    /// What `reseal-tokens` prints about the values still under older keys.
    static func summary(remaining: [String: Int], previous: [String]) -> [String] {
        var lines: [String] = []
        for keyID in previous {
            let count = remaining[keyID] ?? 0
            lines.append(count == 0
                ? "key \(keyID): nothing sealed under it; it can be dropped from TOKEN_ENCRYPTION_PREVIOUS_KEYS once every instance seals with the current key"
                : "key \(keyID): \(count) stored token(s) still sealed under it; keep it")
        }
        let other = remaining.filter { !previous.contains($0.key) }.values.reduce(0, +)
        if other > 0 {
            lines.append("\(other) stored token(s) sealed under keys that are not configured: no instance can open them (those people sign in with WeChat again)")
        }
        if remaining.isEmpty { lines.append("every stored token is sealed under the current key") }
        return lines
    }
}
