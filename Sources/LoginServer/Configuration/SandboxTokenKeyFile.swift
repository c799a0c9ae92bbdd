import Crypto
import Foundation

/// Sandbox mode's token key, kept in a file beside its SQLite database (`wechat-login.sqlite.token-key`) when
/// `TOKEN_ENCRYPTION_KEY` is unset.
///
/// A key generated afresh at every start could not open what the last run sealed: the WeChat tokens, and the OpenID
/// Connect signing keys, which were then replaced (apps holding tokens saw unknown `kid`s). The file is made once,
/// mode 0600, and read on every later start; it holds `dev:BASE64`, the variable's own format. A file that exists
/// but cannot be read or is not a key stops the start with a clear error instead of a new key, which would silently
/// orphan everything sealed. Its content never reaches a log or an error.
public struct SandboxTokenKeyFile: Sendable, Equatable {
    /// The key id sandbox mode has always used.
    static let keyID = "dev"

    /// Where the key lives.
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// The file beside a SQLite file database; nil for an in-memory or PostgreSQL one (nothing to keep it beside).
    public static func beside(_ database: LoginServerConfiguration.DatabaseLocation) -> SandboxTokenKeyFile? {
        guard case .sqliteFile(let database) = database else { return nil }
        return SandboxTokenKeyFile(path: database + ".token-key")
    }

    /// The key, and whether this call created the file.
    public struct Loaded: Sendable {
        public let key: LoginServerConfiguration.TokenKey
        public let created: Bool
    }

    /// Reads the key; when there is no file yet, writes a new random key to it first. Concurrent first starts end
    /// with one key: the new key is written to a private temporary file (`O_CREAT | O_EXCL`, 0600) and linked to
    /// ``path``, which fails for all but one of them, so nobody ever reads a half-written file.
    public func loadOrCreate() throws(Unusable) -> Loaded {
        if let key = try read() { return Loaded(key: key, created: false) }
        let key = SymmetricKey(size: .bits256)
        let line = Self.keyID + ":" + key.withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
        let temporary = path + ".new-" + UUID().uuidString
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw Unusable(path: temporary, reason: "cannot be created: " + Self.lastError()) }
        defer { unlink(temporary) }
        let bytes = Array(line.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == bytes.count, synced else {
            throw Unusable(path: temporary, reason: "cannot be written: " + Self.lastError())
        }
        if link(temporary, path) == 0 {
            return Loaded(key: LoginServerConfiguration.TokenKey(id: Self.keyID, key: key), created: true)
        }
        guard errno == EEXIST else { throw Unusable(path: path, reason: "cannot be created: " + Self.lastError()) }
        // Another start made it first: use that one.
        guard let theirs = try read() else { throw Unusable(path: path, reason: "vanished while it was being created") }
        return Loaded(key: theirs, created: false)
    }

    /// The key in the file; nil when there is no file.
    private func read() throws(Unusable) -> LoginServerConfiguration.TokenKey? {
        let contents: Data
        do {
            contents = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            if !FileManager.default.fileExists(atPath: path) { return nil }
            throw Unusable(path: path, reason: "exists but cannot be read (\(type(of: error)))")
        }
        guard let text = String(data: contents, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
              let key = try? LoginServerConfiguration.parseKey(text, variable: "the sandbox token key file") else {
            throw Unusable(path: path, reason: "is not a token key (ID:BASE64 of 32 bytes)")
        }
        return key
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }

    /// The file exists but is no key, or cannot be read or made. Names the file, never its content.
    public struct Unusable: Error, CustomStringConvertible, Equatable {
        public let path: String
        public let reason: String
        public var description: String {
            "sandbox mode keeps its token key in \(path), which \(reason). Without that key the tokens and signing "
                + "keys it sealed cannot be opened: restore the file, or delete it together with the SQLite database "
                + "to start over (or set TOKEN_ENCRYPTION_KEY)"
        }
    }
}

extension LoginServerConfiguration {
    /// Sandbox mode without `TOKEN_ENCRYPTION_KEY`, on a SQLite file: replaces the throwaway key `fromEnvironment`
    /// made with the one kept beside the database (made on the first start). Returns the key file when it was
    /// used, nil when nothing changed (a deployment, the variable set, an in-memory or PostgreSQL database).
    public mutating func keepSandboxTokenKey(environment: [String: String]) throws(SandboxTokenKeyFile.Unusable)
        -> (file: SandboxTokenKeyFile, created: Bool)? {
        let variable = environment[Variable.tokenEncryptionKey]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard sandboxMode, variable.isEmpty, let file = SandboxTokenKeyFile.beside(database) else { return nil }
        let loaded = try file.loadOrCreate()
        tokenKey = loaded.key
        return (file, loaded.created)
    }
}
