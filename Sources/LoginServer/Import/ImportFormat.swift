import Foundation

/// How an import file is laid out: CSV with a header row, or NDJSON (one JSON object per line).
public enum ImportFormat: String, Sendable, CaseIterable {
    case csv
    case ndjson

    /// The format a file's extension names (`.csv`; `.ndjson`, `.jsonl`, `.json`), or `nil`.
    public init?(path: String) {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "csv": self = .csv
        case "ndjson", "jsonl", "json": self = .ndjson
        default: return nil
        }
    }
}

/// The fields an import line may name, as CSV headers and NDJSON keys.
enum ImportColumn: String, CaseIterable, Sendable {
    case externalID = "external_id"
    case phone
    case email
    case name

    static let list = allCases.map(\.rawValue).joined(separator: ", ")
}

/// One line (record) of an import file, read and checked but not yet written.
struct ImportLine: Sendable {
    /// The 1-based line of the file where the record starts (the CSV header is line 1).
    var line: Int
    /// The record's bytes in the file, its line break included: what a rejects file repeats.
    var range: Range<Int>
    /// The user it describes, or why it cannot be imported.
    var item: Result<UserUpsert, UserUpsert.Invalid>
}

/// Why a file cannot be imported at all (as opposed to a line that is rejected); `description` is safe to show.
public struct ImportError: Error, CustomStringConvertible, Equatable {
    public var description: String
}
