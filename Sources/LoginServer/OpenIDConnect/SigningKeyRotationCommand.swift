import Foundation
import Vapor

/// `wechat-login rotate-signing-keys`: a new current signing key per algorithm. The former keys stop signing at once
/// (on other instances within the key cache's lifetime) and stay published until every token they signed expired.
public enum SigningKeyRotationCommand {
    /// Rotates every algorithm's key (or only reports with `checkOnly`) and says what the JWKS publishes and until
    /// when. Needs only the key ring, `DATABASE_URL` and `OIDC_RETIRED_KEY_PUBLISHED_SECONDS`.
    public static func run(environment: [String: String], checkOnly: Bool) async throws -> String {
        let configuration = try LoginServerConfiguration.tokenStorage(fromEnvironment: environment)
        let app = try await Application.make(Environment(name: "production", arguments: ["wechat-login"]))
        do {
            try await LoginServer.prepareDatabase(configuration.database, on: app)
            let lines = try await run(store: SigningKeyStore(database: app.db, cipher: configuration.tokenCipher),
                                      configuration: configuration.signingKeys, now: Date(), checkOnly: checkOnly)
            try await app.asyncShutdown()
            return lines.joined(separator: "\n")
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    /// The rotation itself, on a store, at `now` (tests pass a database and a time).
    static func run(store: SigningKeyStore, configuration: SigningKeyConfiguration, now: Date,
                    checkOnly: Bool) async throws -> [String] {
        var lines: [String] = []
        if !checkOnly {
            for algorithm in SigningAlgorithm.allCases {
                let key = try SigningKey.generate(algorithm)
                switch try await store.rotate(to: key, now: now) {
                case .rotated(let retired):
                    lines.append("\(algorithm.rawValue): new current key \(key.kid)"
                                 + (retired.map { "; \($0) no longer signs" } ?? ""))
                case .concurrent:
                    lines.append("\(algorithm.rawValue): another rotation committed at the same time; its key is current")
                }
            }
        }
        let published = try await store.published(now: now, retiredPublishedFor: configuration.retiredKeyPublishedFor)
        for row in published {
            if let retiredAt = row.retiredAt {
                let until = retiredAt.addingTimeInterval(configuration.retiredKeyPublishedFor)
                lines.append("published: \(row.algorithm.rawValue) \(row.kid), retired, until \(until.ISO8601Format())")
            } else {
                lines.append("published: \(row.algorithm.rawValue) \(row.kid), current since \(row.activatedAt.ISO8601Format())")
            }
        }
        if published.isEmpty { lines.append("no signing keys yet: the first server to start makes them") }
        return lines
    }
}
