import Crypto
import Foundation

/// Where an interrupted import stopped: the end of its last committed batch, with the counts so far. Written (to a
/// temporary file, then renamed) after every committed batch and removed when the import finishes.
///
/// A checkpoint only skips work, never changes the result: the upsert is idempotent, so importing lines again gives
/// the same users. It is used only when it belongs to this file and this database — the file's size, the SHA-256 of
/// every byte before the offset, and a SHA-256 of `DATABASE_URL` all match — and is otherwise ignored (the import
/// starts from the top), so a stale, edited or foreign checkpoint is harmless.
struct ImportCheckpoint: Codable, Equatable, Sendable {
    var fileSize: Int
    /// Where the next record starts, and its line number.
    var offset: Int
    var line: Int
    /// Hex SHA-256 of the file's bytes `0..<offset`.
    var prefixSHA256: String
    /// Hex SHA-256 of the database URL (the URL itself may hold a password).
    var databaseSHA256: String
    var created = 0
    var updated = 0
    var unchanged = 0
    var rejected = 0

    enum CodingKeys: String, CodingKey {
        case fileSize = "file_size", offset, line, prefixSHA256 = "prefix_sha256", databaseSHA256 = "database_sha256"
        case created, updated, unchanged, rejected
    }

    static func hex(_ digest: SHA256.Digest) -> String { digest.map { String(format: "%02x", $0) }.joined() }

    static func databaseKey(_ location: LoginServerConfiguration.DatabaseLocation) -> String {
        let text: String = switch location {
        case .sqliteMemory: "sqlite::memory:"
        case .sqliteFile(let path): "sqlite:" + URL(fileURLWithPath: path).standardizedFileURL.path
        case .postgres(let url): url
        }
        return hex(SHA256.hash(data: Data(text.utf8)))
    }

    /// The checkpoint at `path` if it belongs to `bytes` and `databaseKey`; `nil` when there is none or it does not.
    static func load(from path: String, bytes: [UInt8], databaseKey: String) -> ImportCheckpoint? {
        guard let data = FileManager.default.contents(atPath: path),
              let checkpoint = try? JSONDecoder().decode(ImportCheckpoint.self, from: data),
              checkpoint.fileSize == bytes.count, checkpoint.databaseSHA256 == databaseKey,
              (0...bytes.count).contains(checkpoint.offset), checkpoint.line >= 1,
              hex(SHA256.hash(data: bytes[0..<checkpoint.offset])) == checkpoint.prefixSHA256
        else { return nil }
        return checkpoint
    }

    func save(to path: String) throws {
        let temporary = path + ".tmp"
        try JSONEncoder().encode(self).write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path) == 0 else {
            throw ImportError(description: "cannot write the checkpoint \(path): \(String(cString: strerror(errno)))")
        }
    }
}
