import Foundation

/// What a scale step puts in the server's database before it measures: `users` business users loaded with the
/// real `wechat-login import` (the admin batch path: users, audit events), then for each of them a WeChat identity
/// at the official account and one at the website app, sharing a unionid, bound to that user.
///
/// The identities are written with one `INSERT … SELECT` through the database's own command-line client (`sqlite3`,
/// `psql`): no API creates identities without a WeChat sign-in, and a million sign-ins through the sandbox would
/// take hours and fill the sandbox instead. The column list follows `WeChatIdentity`'s table (a bench-only seed; the
/// server's `IdentityStore` stays the one way the server writes it). The seeded identities are never signed in
/// with: they are the rows every login's lookups (by appid + openid, by unionid, by user) must find their way past.
struct ScaleSeed: Sendable {
    let environment: BenchEnvironment
    let users: Int

    struct Result: Sendable {
        let users: Int
        let identities: Int
        let importSeconds: Double
    }

    func run() async throws -> Result {
        guard users > 0 else { return Result(users: 0, identities: 0, importSeconds: 0) }
        let file = environment.workDirectory.appendingPathComponent("users.csv")
        try writeUsers(to: file)
        let started = ContinuousClock.now
        let output = try ScaleDatabase.runTool(environment.serverBinary, ["import", file.path],
                                      environment: ["DATABASE_URL": environment.serverDatabaseURL, "LOG_LEVEL": "error"],
                                      in: environment.workDirectory)
        let elapsed = ContinuousClock.now - started
        // The summary: "created N, updated 0, unchanged 0, rejected 0; …"
        guard let created = output.split(separator: "\n").lazy.compactMap({ line -> Int? in
            guard line.hasPrefix("created ") else { return nil }
            return Int(line.dropFirst("created ".count).prefix { $0.isNumber })
        }).first, created == users else {
            throw BenchFailure("wechat-login import did not create \(users) users: \(output.suffix(300))")
        }
        let identities = try seedIdentities()
        guard identities == 2 * users else {
            throw BenchFailure("the identity seed wrote \(identities) identities, not \(2 * users)")
        }
        return Result(users: users, identities: identities,
                      importSeconds: elapsed.inSeconds)
    }

    /// `users` lines with valid, distinct phones and emails, streamed to the file in chunks.
    private func writeUsers(to file: URL) throws {
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        var chunk = "external_id,phone,email,name\n"
        for index in 0..<users {
            chunk += "bench-\(index),1390\(String(format: "%07d", index)),u\(index)@import.bench.example,Bench \(index)\n"
            if chunk.utf8.count > 1 << 20 {
                handle.write(Data(chunk.utf8))
                chunk = ""
            }
        }
        handle.write(Data(chunk.utf8))
    }

    /// Two identities per imported user; answers how many the table holds afterwards.
    private func seedIdentities() throws -> Int {
        let (oa, web) = (BenchEnvironment.officialAccount, BenchEnvironment.website)
        if ScaleDatabase(environment: environment).isPostgres {
            let insert = { (app: String, kind: String, scopes: String, following: String) in
                """
                INSERT INTO wechat_identities (id, app_id, openid, unionid, app_kind, user_id, scopes, is_snapshot_user,
                    needs_reauthorization, following, last_login_at, created_at, updated_at)
                SELECT gen_random_uuid(), '\(app)', '\(app)-seed-' || external_id, 'seedu-' || external_id, '\(kind)', id,
                    '\(scopes)', false, false, \(following), created_at, created_at, created_at
                FROM users WHERE external_id LIKE 'bench-%';
                """
            }
            let sql = insert(oa, "officialAccount", "snsapi_base", "true") + insert(web, "website", "snsapi_login", "NULL")
                + "ANALYZE; SELECT count(*) FROM wechat_identities;"
            return Int(try ScaleDatabase(environment: environment).run(sql).split(separator: "\n").last ?? "") ?? -1
        }
        // SQLite keeps UUIDs as upper-case text; a fixed prefix per app and the user's rowid make them unique.
        let insert = { (app: String, kind: String, scopes: String, following: String, prefix: String) in
            """
            INSERT INTO wechat_identities (id, app_id, openid, unionid, app_kind, user_id, scopes, is_snapshot_user,
                needs_reauthorization, following, last_login_at, created_at, updated_at)
            SELECT printf('\(prefix)-0000-4000-8000-%012X', rowid), '\(app)', '\(app)-seed-' || external_id,
                'seedu-' || external_id, '\(kind)', id, '\(scopes)', 0, 0, \(following), created_at, created_at, created_at
            FROM users WHERE external_id LIKE 'bench-%';
            """
        }
        let sql = "PRAGMA busy_timeout = 10000; BEGIN;" + insert(oa, "officialAccount", "snsapi_base", "1", "B5EED001")
            + insert(web, "website", "snsapi_login", "NULL", "B5EED002") + "COMMIT; ANALYZE; SELECT count(*) FROM wechat_identities;"
        return Int(try ScaleDatabase(environment: environment).run(sql).split(separator: "\n").last ?? "") ?? -1
    }
}

/// The server's database through its own command-line client (`sqlite3` for a SQLite file, `psql` for PostgreSQL),
/// for the bench's seed and its row counts.
struct ScaleDatabase: Sendable {
    let environment: BenchEnvironment

    var isPostgres: Bool { !environment.serverDatabaseURL.hasPrefix("sqlite:") }

    /// Runs the statements; the output, one row a line, columns separated by `|`.
    func run(_ sql: String) throws -> String {
        let url = environment.serverDatabaseURL
        let arguments = isPostgres
            ? ["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", Self.withoutQuery(url), "-c", sql]
            : ["sqlite3", "-batch", "-bail", String(url.dropFirst("sqlite:".count)), sql]
        return try Self.runTool("/usr/bin/env", arguments, environment: [:], in: environment.workDirectory)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// How many rows each table holds.
    func rowCounts(_ tables: [String]) throws -> [Int] {
        let line = try run("SELECT " + tables.map { "(SELECT count(*) FROM \($0))" }.joined(separator: ", ") + ";")
        let counts = (line.split(separator: "\n").last ?? "").split(separator: "|").compactMap { Int($0) }
        guard counts.count == tables.count else { throw BenchFailure("could not count the rows of \(tables): \(line)") }
        return counts
    }

    /// psql does not know libpq-foreign query items the servers' URL may carry beside `sslmode`.
    static func withoutQuery(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return url }
        components.queryItems = components.queryItems?.filter { $0.name == "sslmode" }
        if components.queryItems?.isEmpty == true { components.queryItems = nil }
        return components.string ?? url
    }

    /// Runs a tool to its end; its output (stdout and stderr), or a failure with its last output when it exits non-zero.
    static func runTool(_ executable: String, _ arguments: [String], environment extra: [String: String],
                        in directory: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { _, new in new }
        process.currentDirectoryURL = directory
        let output = directory.appendingPathComponent("tool-\(UUID().uuidString.prefix(6)).out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        try? handle.close()
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            let tool = executable.hasSuffix("/env") ? arguments.first ?? executable : executable
            throw BenchFailure("\(URL(fileURLWithPath: tool).lastPathComponent) exited with \(process.terminationStatus): \(text.suffix(300))")
        }
        return text
    }
}
