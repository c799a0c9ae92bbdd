import Foundation

/// Turns an import file's bytes into ``ImportLine``s, each checked and normalised as the admin API checks its input
/// (``UserUpsert``). Pure: no database, no files; the importer hands it the bytes and where to resume.
struct ImportFileReader {
    let format: ImportFormat
    let bytes: [UInt8]
    /// Where the records start: after the byte-order mark and, for CSV, the header row.
    let dataStart: Int
    /// The header row's bytes (CSV; empty for NDJSON): a rejects file starts with it.
    let header: ArraySlice<UInt8>
    private let columns: [ImportColumn]
    private var csv: CSVRecordReader
    private var offset: Int
    private var line: Int

    /// Reads the header (CSV) and checks it: unknown, repeated or missing columns make the file unimportable.
    init(format: ImportFormat, bytes: [UInt8]) throws(ImportError) {
        self.format = format
        self.bytes = bytes
        let bom = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        switch format {
        case .ndjson:
            (columns, header, dataStart) = ([], [], bom)
        case .csv:
            var reader = CSVRecordReader(bytes: bytes, offset: bom)
            guard let first = reader.next(), case .success(let names) = first.fields else {
                throw ImportError(description: "the CSV file has no readable header row (columns: \(ImportColumn.list))")
            }
            var columns: [ImportColumn] = []
            for raw in names {
                let name = String(decoding: raw, as: UTF8.self).trimmingCharacters(in: .whitespaces).lowercased()
                guard let column = ImportColumn(rawValue: name) else {
                    throw ImportError(description: "unknown column \"\(name.prefix(40))\" in the header; the columns are \(ImportColumn.list), in any order")
                }
                guard !columns.contains(column) else {
                    throw ImportError(description: "column \(name) appears twice in the header")
                }
                columns.append(column)
            }
            guard columns.contains(.externalID) else {
                throw ImportError(description: "the header has no external_id column (columns: \(ImportColumn.list))")
            }
            (self.columns, header, dataStart) = (columns, bytes[first.range], reader.offset)
        }
        csv = CSVRecordReader(bytes: bytes, offset: dataStart, line: format == .csv ? 2 : 1)
        (offset, line) = (dataStart, format == .csv ? 2 : 1)
    }

    /// Where the next line starts, and its line number: a checkpoint.
    var position: (offset: Int, line: Int) { format == .csv ? (csv.offset, csv.line) : (offset, line) }

    /// Goes on from a checkpoint's position (the end of a record this reader returned earlier).
    mutating func resume(at offset: Int, line: Int) {
        csv = CSVRecordReader(bytes: bytes, offset: offset, line: line)
        (self.offset, self.line) = (offset, line)
    }

    /// The next line, or `nil` at the end of the file.
    mutating func next() -> ImportLine? {
        switch format {
        case .csv:
            guard let record = csv.next() else { return nil }
            return ImportLine(line: record.line, range: record.range, item: record.fields.flatMap(item(fields:)))
        case .ndjson:
            while offset < bytes.count {
                let start = offset, number = line
                let end = bytes[offset...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
                offset = min(end + 1, bytes.count)
                line += 1
                var content = bytes[start..<end]
                if content.last == UInt8(ascii: "\r") { content = content.dropLast() }
                if content.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                return ImportLine(line: number, range: start..<offset, item: Self.item(json: content))
            }
            return nil
        }
    }

    private func item(fields: [[UInt8]]) -> Result<UserUpsert, UserUpsert.Invalid> {
        guard fields.count == columns.count else {
            return .failure(.init(reason: "\(fields.count) field(s) where the header has \(columns.count)"))
        }
        var values: [ImportColumn: String] = [:]
        for (column, raw) in zip(columns, fields) {
            guard let value = String(validating: raw, as: UTF8.self) else {
                return .failure(.init(reason: "\(column.rawValue) is not valid UTF-8"))
            }
            values[column] = value
        }
        return Self.item(values)
    }

    private static func item(json: ArraySlice<UInt8>) -> Result<UserUpsert, UserUpsert.Invalid> {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any] else {
            return .failure(.init(reason: "not a JSON object"))
        }
        var values: [ImportColumn: String] = [:]
        for (key, value) in object {
            guard let column = ImportColumn(rawValue: key) else {
                return .failure(.init(reason: "unknown key \"\(key.prefix(40))\" (keys: \(ImportColumn.list))"))
            }
            if value is NSNull { continue }
            guard let string = value as? String else {
                return .failure(.init(reason: "\(key) must be a string or null"))
            }
            values[column] = string
        }
        return item(values)
    }

    private static func item(_ values: [ImportColumn: String]) -> Result<UserUpsert, UserUpsert.Invalid> {
        guard let externalID = values[.externalID] else { return .failure(.init(reason: "external_id is missing")) }
        do {
            return .success(try UserUpsert(externalID: externalID, phone: values[.phone], email: values[.email],
                                           name: values[.name]))
        } catch {
            return .failure(error)
        }
    }
}
