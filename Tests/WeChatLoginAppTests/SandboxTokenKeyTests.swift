import Foundation
import LoginServer
import NIOHTTP1
import Testing
import Vapor
import VaporTesting
@testable import WeChatLoginApp

/// Sandbox mode without `TOKEN_ENCRYPTION_KEY` keeps its token key beside the SQLite file, so a restart opens what
/// the last run sealed and publishes the same signing keys. Through the real start-up path.
@Suite(.serialized) struct SandboxTokenKeyTests {
    /// A fresh directory for one test's database and key file.
    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-key-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Starts `serve` on loopback with `environment`, reads the published `kid`s, and stops.
    static func startAndReadKids(_ environment: [String: String]) async throws -> (kids: Set<String>, configuration: LoginServerConfiguration) {
        // A free port may be taken by another process between the look and the bind: then try new ones.
        var attempt = 0
        let started: LoginServerRunner.Started
        while true {
            attempt += 1
            let ports = (try await RunnerStartupTests.freePort(), try await RunnerStartupTests.freePort())
            do {
                started = try await LoginServerRunner.start(hostname: "127.0.0.1", port: ports.0, sandboxPort: ports.1,
                                                            sandboxFlag: false, environment: environment)
                break
            } catch where attempt < 3 && "\(error)".contains("Address already in use") {
                continue
            }
        }
        do {
            let response = try await started.application.testing().performTest(
                request: TestingHTTPRequest(method: .GET, url: URI(string: "/oauth/jwks"), headers: [:], body: ByteBuffer()))
            #expect(response.status == .ok)
            let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
            let keys = try #require(json?["keys"] as? [[String: Any]])
            try await RunnerStartupTests.stop(started)
            return (Set(keys.compactMap { $0["kid"] as? String }), started.configuration)
        } catch {
            try? await RunnerStartupTests.stop(started)
            throw error
        }
    }

    @Test func twoStartsOnOneSQLiteFileReuseTheKeyAndTheSigningKeys() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("wechat-login.sqlite").path
        let environment = ["DATABASE_URL": "sqlite:\(database)"]

        let first = try await Self.startAndReadKids(environment)
        #expect(first.configuration.sandboxMode)
        #expect(first.kids.count == 2, "one RS256 and one ES256 key")
        let keyFile = database + ".token-key"
        let stored = try? String(contentsOfFile: keyFile, encoding: .utf8)

        let second = try await Self.startAndReadKids(environment)
        #expect(second.kids == first.kids, "the signing keys were opened, not rotated out")
        let attributes = try FileManager.default.attributesOfItem(atPath: keyFile)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let kept = try #require(stored)
        #expect(kept.hasPrefix("dev:") && Data(base64Encoded: String(kept.dropFirst(4).dropLast())).map(\.count) == 32)
        #expect(try String(contentsOfFile: keyFile, encoding: .utf8) == kept)
        let firstKey = first.configuration.tokenKey.key.withUnsafeBytes { Data($0) }
        #expect(second.configuration.tokenKey.key.withUnsafeBytes { Data($0) } == firstKey)
        #expect(second.configuration.tokenKey.id == "dev")
        // Nothing else was left beside the database (no temporary files).
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { !$0.hasPrefix("wechat-login.sqlite-") }
        #expect(Set(names) == ["wechat-login.sqlite", "wechat-login.sqlite.token-key"], "\(names)")
    }

    @Test(arguments: ["", "not a key\n", "dev:c2hvcnQ=\n", "dev key:" + Data(repeating: 1, count: 32).base64EncodedString()])
    func aMalformedKeyFileStopsTheStartAndIsKept(_ contents: String) async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("wechat-login.sqlite").path
        try contents.write(toFile: database + ".token-key", atomically: false, encoding: .utf8)
        do {
            _ = try await Self.startAndReadKids(["DATABASE_URL": "sqlite:\(database)"])
            Issue.record("a malformed key file was accepted")
        } catch let error as SandboxTokenKeyFile.Unusable {
            #expect(error.path == database + ".token-key")
            #expect(error.description.contains("is not a token key"), "\(error)")
            #expect(contents.isEmpty || !error.description.contains(contents.trimmingCharacters(in: .newlines)),
                    "the error shows the file's content")
        }
        #expect(try String(contentsOfFile: database + ".token-key", encoding: .utf8) == contents, "the file was replaced")
        #expect(!FileManager.default.fileExists(atPath: database), "the server went on to open the database")
    }

    @Test func anUnreadableKeyFileStopsTheStart() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("wechat-login.sqlite").path
        // A directory where the file should be: unreadable as a file even for root, unlike a chmod.
        try FileManager.default.createDirectory(atPath: database + ".token-key", withIntermediateDirectories: false)
        await #expect(throws: SandboxTokenKeyFile.Unusable.self) {
            _ = try await Self.startAndReadKids(["DATABASE_URL": "sqlite:\(database)"])
        }
    }

    @Test func concurrentFirstStartsEndWithOneKey() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = SandboxTokenKeyFile(path: directory.appendingPathComponent("db.sqlite.token-key").path)
        let loaded = try await withThrowingTaskGroup(of: SandboxTokenKeyFile.Loaded.self) { group in
            for _ in 0..<8 { group.addTask { try file.loadOrCreate() } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(loaded.filter(\.created).count == 1)
        #expect(Set(loaded.map { $0.key.key.withUnsafeBytes { Data($0) } }).count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["db.sqlite.token-key"])
    }

    @Test func withTheVariableOrWithoutAFileNothingIsKept() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("wechat-login.sqlite").path
        let key = Data(repeating: 7, count: 32).base64EncodedString()
        // Asked-for sandbox mode with the variable set: the variable's key, no file.
        var configuration = try LoginServerConfiguration.fromEnvironment(
            ["DATABASE_URL": "sqlite:\(database)", "TOKEN_ENCRYPTION_KEY": "k9:\(key)"], sandbox: true)
        #expect(try configuration.keepSandboxTokenKey(environment: ["TOKEN_ENCRYPTION_KEY": "k9:\(key)"]) == nil)
        #expect(configuration.tokenKey.id == "k9")
        // A deployment: no file, whatever the database.
        configuration.sandboxMode = false
        #expect(try configuration.keepSandboxTokenKey(environment: [:]) == nil)
        // An in-memory database has nothing to keep it beside.
        #expect(SandboxTokenKeyFile.beside(.sqliteMemory) == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }
}
