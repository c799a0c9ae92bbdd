import Foundation
import Testing
@testable import LoginServer

/// The import file's reading: CSV quirks, NDJSON, and rejected lines with their numbers. Pure: no database.
struct ImportParserTests {
    static func lines(_ text: String, _ format: ImportFormat = .csv) throws -> [ImportLine] {
        var reader = try ImportFileReader(format: format, bytes: Array(text.utf8))
        var lines: [ImportLine] = []
        while let line = reader.next() { lines.append(line) }
        return lines
    }

    static func summary(_ lines: [ImportLine]) -> [String] {
        lines.map { line in
            switch line.item {
            case .success(let item):
                "\(line.line) \(item.externalID.value)|\(item.phone ?? "")|\(item.email ?? "")|\(item.name ?? "")"
            case .failure(let invalid): "\(line.line) ! \(invalid.reason)"
            }
        }
    }

    @Test func csvColumnsInAnyOrderWithQuotesBOMAndCRLF() throws {
        let text = "\u{FEFF}name,Email,external_id,phone\r\n"
            + "\"Zhang, San\",A@Example.com,u1,+86 138 0013 8000\r\n"
            + "\"say \"\"hi\"\", ok\",,u2,13800138001\r\n"
            + "\"two\nlines\",,u5,\r\n"
            + "\r\n"
            + ",,u3,\n"
            + "李四,li@example.com,u4,008613800138002"
        #expect(Self.summary(try Self.lines(text)) == [
            "2 u1|13800138000|a@example.com|Zhang, San",
            "3 u2|13800138001||say \"hi\", ok",
            // One record across two lines, refused as the admin API refuses a name with a line break.
            "4 ! name must be at most 64 characters, without control characters",
            "7 u3|||",
            "8 u4|13800138002|li@example.com|李四",
        ])
    }

    @Test func badLinesAreRejectedWithTheirNumbersAndTheRestIsRead() throws {
        let text = "external_id,phone,email\n"
            + "u1,12345,\n"              // 2: not a mainland mobile
            + "u2,,not-an-email\n"       // 3
            + "u3,13800138000\n"         // 4: two fields
            + " u4,,\n"                  // 5: white space around the id
            + "u\"5,,\n"                 // 6: stray quote
            + "\"u6\"x,,\n"              // 7: text after the closing quote
            + ",13800138000,\n"          // 8: no id
            + "u9,13800138009,\n"        // 9: fine
        let result = Self.summary(try Self.lines(text))
        #expect(result.map { $0.split(separator: " ").first.map(String.init) ?? "" }
                == ["2", "3", "4", "5", "6", "7", "8", "9"])
        #expect(result.filter { $0.contains("!") }.count == 7)
        #expect(result[0].contains("phone must be"))
        #expect(result[2].contains("2 field(s) where the header has 3"))
        #expect(result.last == "9 u9|13800138009||")
    }

    @Test func anUnterminatedQuoteRejectsItsLine() throws {
        let lines = try Self.lines("external_id,name\nu1,a\nu2,\"never closed\nu3,c\n")
        #expect(Self.summary(lines) == ["2 u1|||a", "3 ! a quoted field is not closed before the end of the file"])
    }

    @Test(arguments: ["external_id,phone,nickname\n", "phone,email\n", "external_id,external_id\n", ""])
    func aHeaderThatIsNotUnderstoodRefusesTheFile(_ text: String) throws {
        #expect(throws: ImportError.self) { try Self.lines(text) }
    }

    @Test func ndjsonLines() throws {
        let text = #"""
            {"external_id": "u1", "phone": "+8613800138000", "email": null, "name": "甲"}
            not json

            {"external_id": "u2", "nickname": "x"}
            {"external_id": 3}
            {"external_id": "u4", "email": "D@EXAMPLE.COM"}\#r
            """#
        #expect(Self.summary(try Self.lines(text, .ndjson)) == [
            "1 u1|13800138000||甲",
            "2 ! not a JSON object",
            "4 ! unknown key \"nickname\" (keys: external_id, phone, email, name)",
            "5 ! external_id must be a string or null",
            "6 u4||d@example.com|",
        ])
    }

    @Test func invalidUTF8IsRejected() throws {
        var bytes = Array("external_id,name\nu1,".utf8)
        bytes += [0xFF, 0x0A]
        var reader = try ImportFileReader(format: .csv, bytes: bytes)
        let next = reader.next()
        let line = try #require(next)
        #expect(throws: UserUpsert.Invalid(reason: "name is not valid UTF-8")) { try line.item.get() }
    }

    @Test func formatFromTheExtension() {
        #expect(ImportFormat(path: "/tmp/users.CSV") == .csv)
        #expect(ImportFormat(path: "users.ndjson") == .ndjson && ImportFormat(path: "u.jsonl") == .ndjson)
        #expect(ImportFormat(path: "users.txt") == nil)
    }

    @Test func theProgressBar() {
        let half = ImportProgress(bytesDone: 500, totalBytes: 1000, bytesThisRun: 500, linesThisRun: 2000, elapsed: 2)
        #expect(half.bar(width: 10) == "[#####-----]  50%  1000 lines/s  ETA 0:02")
        let resumed = ImportProgress(bytesDone: 900, totalBytes: 1000, bytesThisRun: 100, linesThisRun: 10, elapsed: 100)
        #expect(resumed.bar(width: 10) == "[#########-]  90%  0 lines/s  ETA 1:40")
        let start = ImportProgress(bytesDone: 0, totalBytes: 1000, bytesThisRun: 0, linesThisRun: 0, elapsed: 0)
        #expect(start.bar(width: 4) == "[----]   0%  0 lines/s  ETA --:--")
        #expect(ImportProgress.duration(3725) == "1:02:05")
        #expect(half.plain() == "import: 50% (500 of 1000 bytes), 2000 lines this run, 1000 lines/s, ETA 0:02")
    }

    @Test func theConsoleRedrawsATerminalAtMostTenTimesASecond() {
        final class Sink { var text = "" }
        let sink = Sink()
        var console = ImportConsole(isTerminal: true) { sink.text += $0 }
        for step in 0...20 {
            console.show(ImportProgress(bytesDone: step, totalBytes: 20, bytesThisRun: step, linesThisRun: step,
                                        elapsed: Double(step) * 0.03))
        }
        console.rejected(line: 7, reason: "bad")
        console.finish()
        #expect(sink.text.components(separatedBy: "\r[").count - 1 == 6)  // 0.0, 0.12, 0.24, 0.36, 0.48, 0.6
        #expect(sink.text.hasSuffix("\r\u{1B}[Kline 7: bad\n"))

        sink.text = ""
        var plain = ImportConsole(isTerminal: false, plainInterval: 5) { sink.text += $0 }
        for second in 0...12 {
            plain.show(ImportProgress(bytesDone: second, totalBytes: 12, bytesThisRun: second, linesThisRun: second,
                                      elapsed: Double(second)))
        }
        #expect(!sink.text.contains("\r") && sink.text.split(separator: "\n").count == 3)  // 0, 5, 10
    }
}
