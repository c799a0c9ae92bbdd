/// Reads RFC 4180 records from bytes: fields separated by commas, records by CRLF or LF, double-quoted fields that
/// may hold commas, line breaks and doubled quotes. A malformed record is returned as an error for that record only;
/// reading goes on after it.
struct CSVRecordReader {
    let bytes: [UInt8]
    /// Where the next record starts.
    private(set) var offset: Int
    /// The 1-based line `offset` is on.
    private(set) var line: Int

    init(bytes: [UInt8], offset: Int = 0, line: Int = 1) {
        (self.bytes, self.offset, self.line) = (bytes, offset, line)
    }

    /// One record: its fields as bytes (or why it is malformed), the line it starts on and its bytes' range.
    struct Record {
        var fields: Result<[[UInt8]], UserUpsert.Invalid>
        var line: Int
        var range: Range<Int>
    }

    private static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"),
                       lf = UInt8(ascii: "\n")

    /// The next record, or `nil` at the end. Empty lines are skipped.
    mutating func next() -> Record? {
        while offset < bytes.count {
            let start = offset, startLine = line
            let fields = readRecord()
            if case .success(let fields) = fields, fields.count == 1, fields[0].isEmpty { continue }
            return Record(fields: fields, line: startLine, range: start..<offset)
        }
        return nil
    }

    private mutating func readRecord() -> Result<[[UInt8]], UserUpsert.Invalid> {
        var fields: [[UInt8]] = []
        var field: [UInt8] = []
        var problem: String?
        var atFieldStart = true
        while offset < bytes.count {
            let byte = bytes[offset]
            if atFieldStart && byte == Self.quote {
                offset += 1
                var closed = false
                while offset < bytes.count {
                    let inner = bytes[offset]
                    if inner == Self.quote {
                        if offset + 1 < bytes.count && bytes[offset + 1] == Self.quote {
                            field.append(Self.quote)
                            offset += 2
                            continue
                        }
                        offset += 1
                        closed = true
                        break
                    }
                    if inner == Self.lf { line += 1 }
                    field.append(inner)
                    offset += 1
                }
                guard closed else { return .failure(.init(reason: "a quoted field is not closed before the end of the file")) }
                atFieldStart = false
                if offset < bytes.count, ![Self.comma, Self.cr, Self.lf].contains(bytes[offset]) {
                    problem = problem ?? "text after a closing quote (a quote inside a field is written \"\")"
                }
                continue
            }
            switch byte {
            case Self.comma:
                fields.append(field)
                field = []
                atFieldStart = true
                offset += 1
            case Self.lf, Self.cr:
                offset += (byte == Self.cr && offset + 1 < bytes.count && bytes[offset + 1] == Self.lf) ? 2 : 1
                line += 1
                fields.append(field)
                return problem.map { .failure(.init(reason: $0)) } ?? .success(fields)
            default:
                if byte == Self.quote { problem = problem ?? "a quote inside an unquoted field (quote the whole field)" }
                field.append(byte)
                atFieldStart = false
                offset += 1
            }
        }
        fields.append(field)
        return problem.map { .failure(.init(reason: $0)) } ?? .success(fields)
    }
}
