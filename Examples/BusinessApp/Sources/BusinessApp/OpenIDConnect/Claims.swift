import Foundation

/// Claims (of an ID token or a userinfo answer) as `name: value` rows for the home page.
enum Claims {
    static func display(json: Data) -> [[String]] {
        guard let object = try? JSONDecoder().decode([String: JSONValue].self, from: json) else { return [] }
        return object.sorted { $0.key < $1.key }.map { [$0.key, $0.value.text] }
    }
}

/// Any JSON value, decoded without Foundation's NSNumber (which reads 1 as true), shown as compact JSON.
indirect enum JSONValue: Decodable {
    case string(String), bool(Bool), integer(Int64), number(Double), array([JSONValue]), object([String: JSONValue]), null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int64.self) { self = .integer(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    /// A string as itself at the top level; everything else (and strings inside arrays and objects) as JSON.
    var text: String {
        if case .string(let value) = self { return value }
        return json
    }

    private var json: String {
        switch self {
        case .string(let value):
            let data = (try? JSONEncoder().encode(value)) ?? Data()
            return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\\/", with: "/")
        case .bool(let value): return value ? "true" : "false"
        case .integer(let value): return String(value)
        case .number(let value): return String(value)
        case .array(let values): return "[" + values.map(\.json).joined(separator: ",") + "]"
        case .object(let members):
            return "{" + members.sorted { $0.key < $1.key }.map { JSONValue.string($0.key).json + ":" + $0.value.json }
                .joined(separator: ",") + "}"
        case .null: return "null"
        }
    }
}
