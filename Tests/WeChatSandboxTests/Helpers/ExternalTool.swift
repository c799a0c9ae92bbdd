import Foundation

/// Finds and runs the command-line decoders the QR tests rely on (`zbarimg`, `rsvg-convert`).
enum ExternalTool {
    /// What to tell the developer when a tool is missing: the tests fail rather than skip.
    static func missingMessage(_ name: String, package: String) -> String {
        "\(name) (Debian package \(package)) is not installed: run scripts/test, which installs it"
    }

    /// The absolute path of `name` on `PATH` (or in /usr/bin, /usr/local/bin), if it is executable.
    static func path(_ name: String) -> String? {
        let pathVariable = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = pathVariable.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"]
        return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs `executable` with `arguments` and returns its exit status and standard output.
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// A fresh path in the temporary directory with the given extension.
    static func temporaryFile(extension fileExtension: String) -> URL {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("wechat-sandbox-qr-\(UUID().uuidString).\(fileExtension)")
    }
}
