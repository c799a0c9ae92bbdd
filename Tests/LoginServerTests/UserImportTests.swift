import Fluent
import Foundation
import SQLKit
import Testing
@testable import LoginServer

/// `UserImporter` on the test database (SQLite, or PostgreSQL with `TEST_DATABASE_URL`): idempotence, resume after
/// an interruption, rejected lines, events. (An imported user's first WeChat sign-in binding to them is
/// `ExternalIDRoundTripTests.anImportedUsersFirstWeChatSignInBindsToThem`.)
@Suite(.serialized) struct UserImportTests {
    /// A file of `count` users, `u0`… with a phone and email each, and some bad lines among them.
    static func file(count: Int, bad: Set<Int> = []) -> [UInt8] {
        var text = "external_id,phone,email,name\n"
        for index in 0..<count {
            if bad.contains(index) {
                text += "u\(index),not-a-phone,,\n"
            } else {
                text += "u\(index),1380000\(String(format: "%04d", index)),U\(index)@Example.com,\"用户, \(index)\"\n"
            }
        }
        return Array(text.utf8)
    }

    final class Output { var text = "" }

    struct Temporary {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("import-\(UUID().uuidString)")
        init() throws { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
    }

    static func importer(_ world: LoginWorld, _ temporary: Temporary, batchSize: Int, rejects: Bool = false,
                         failAfter: Int? = nil) -> UserImporter {
        var importer = UserImporter(
            database: world.server.db,
            configuration: .init(format: .csv, batchSize: batchSize, checkpointPath: temporary.path("state"),
                                 rejectsPath: rejects ? temporary.path("rejects.csv") : nil, databaseKey: "test"),
            clock: world.clock, uptime: { 0 })
        if let failAfter {
            importer.afterBatch = { batches in
                if batches == failAfter { throw ImportError(description: "injected failure") }
            }
        }
        return importer
    }

    static func run(_ importer: UserImporter, _ bytes: [UInt8], output: Output = Output()) async throws
        -> UserImporter.Summary {
        var console = ImportConsole(isTerminal: false) { output.text += $0 }
        return try await importer.run(bytes: bytes, console: &console)
    }

    /// Every user as `external_id|phone|email|name|id`, sorted: what "the same users" means.
    static func users(_ world: LoginWorld) async throws -> [String] {
        try await User.query(on: world.server.db).all().map {
            "\($0.externalID ?? "")|\($0.phone ?? "")|\($0.email ?? "")|\($0.displayName ?? "")|\($0.id!)"
        }.sorted()
    }

    @Test func runningItTwiceGivesTheSameUsers() async throws {
        try await LoginWorld.with { world in
            let temporary = try Temporary()
            let bytes = Self.file(count: 250, bad: [17, 200])
            let output = Output()
            let first = try await Self.run(Self.importer(world, temporary, batchSize: 100, rejects: true), bytes,
                                           output: output)
            #expect(first.created == 248 && first.updated == 0 && first.unchanged == 0 && first.rejected == 2)
            #expect(output.text.contains("line 19: phone must be") && output.text.contains("line 202: phone must be"))
            let rejects = try String(contentsOfFile: temporary.path("rejects.csv"), encoding: .utf8)
            #expect(rejects == "external_id,phone,email,name\nu17,not-a-phone,,\nu200,not-a-phone,,\n")
            #expect(!FileManager.default.fileExists(atPath: temporary.path("state")))
            let users = try await Self.users(world)
            #expect(users.count == 248 && users.contains { $0.hasPrefix("u5|13800000005|u5@example.com|用户, 5|") })
            #expect(try await world.count(table: "events") == 248)

            let again = try await Self.run(Self.importer(world, temporary, batchSize: 64), bytes)
            #expect(again.created == 0 && again.updated == 0 && again.unchanged == 248 && again.rejected == 2)
            #expect(try await Self.users(world) == users)
            #expect(try await world.count(table: "events") == 248)

            // A changed name is an update, and only that.
            var changed = String(decoding: bytes, as: UTF8.self)
            changed = changed.replacingOccurrences(of: "\"用户, 3\"", with: "新名字")
            let third = try await Self.run(Self.importer(world, temporary, batchSize: 1000), Array(changed.utf8))
            #expect(third.updated == 1 && third.unchanged == 247 && third.created == 0)
        }
    }

    @Test func importedUsersAreCreatedEventsFromTheImport() async throws {
        try await LoginWorld.with { world in
            let temporary = try Temporary()
            _ = try await Self.run(Self.importer(world, temporary, batchSize: 10), Self.file(count: 3))
            let events = try await EventLog(database: world.server.db).newestFirst(.init())
            #expect(events.count == 3 && events.allSatisfy {
                $0.type == "user.created" && $0.actorKind == "admin" && $0.payload == #"{"via":"import"}"#
            })
        }
    }

    @Test func afterAnInterruptionRunningAgainFinishesTheJob() async throws {
        try await LoginWorld.with { world in
            let temporary = try Temporary()
            let bytes = Self.file(count: 230, bad: [150])
            await #expect(throws: ImportError.self) {
                try await Self.run(Self.importer(world, temporary, batchSize: 50, rejects: true, failAfter: 3), bytes)
            }
            #expect(try await world.count(User.self) == 150)  // three batches of 50 lines; the bad line 152 is in the fourth
            let output = Output()
            let resumed = try await Self.run(Self.importer(world, temporary, batchSize: 50, rejects: true), bytes,
                                             output: output)
            #expect(resumed.resumedAtLine == 152 && resumed.linesThisRun == 80)
            #expect(resumed.created == 229 && resumed.rejected == 1)
            let rejects = try String(contentsOfFile: temporary.path("rejects.csv"), encoding: .utf8)
            #expect(rejects == "external_id,phone,email,name\nu150,not-a-phone,,\n")

            // The same users as a clean import of the file gives (one world: on PostgreSQL the worlds share a database).
            let expected = (0..<230).filter { $0 != 150 }.map {
                "u\($0)|1380000\(String(format: "%04d", $0))|u\($0)@example.com|用户, \($0)"
            }.sorted()
            let resumedUsers = try await Self.users(world).map { $0.split(separator: "|").dropLast().joined(separator: "|") }
            #expect(resumedUsers == expected)
            #expect(try await world.count(table: "events") == 229)
        }
    }

    @Test func aCheckpointOfAnotherFileOrDatabaseIsIgnored() async throws {
        try await LoginWorld.with { world in
            let temporary = try Temporary()
            let bytes = Self.file(count: 100)
            await #expect(throws: ImportError.self) {
                try await Self.run(Self.importer(world, temporary, batchSize: 10, failAfter: 2), bytes)
            }
            // The file changed before the offset: the checkpoint does not belong to it; the import starts over.
            var edited = bytes
            edited[40] = UInt8(ascii: "9")
            #expect(ImportCheckpoint.load(from: temporary.path("state"), bytes: edited, databaseKey: "test") == nil)
            #expect(ImportCheckpoint.load(from: temporary.path("state"), bytes: bytes, databaseKey: "other") == nil)
            #expect(ImportCheckpoint.load(from: temporary.path("state"), bytes: bytes, databaseKey: "test")?.line == 22)
            let summary = try await Self.run(Self.importer(world, temporary, batchSize: 10), edited)
            #expect(summary.resumedAtLine == nil && summary.linesThisRun == 100)
        }
    }
}
