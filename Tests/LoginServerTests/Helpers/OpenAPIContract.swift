import Foundation

/// The served OpenAPI document, checking real answers against it: the status is documented for the operation, the
/// content type is one it lists, required headers are there, and the JSON body matches the schema.
///
/// The schema check covers the keywords the document uses (`$ref`, `type`, `properties`, `required`,
/// `additionalProperties`, `items`, `enum`, `const`, `pattern`, `allOf`, `oneOf`, `minItems`, `maxItems`), so the
/// in-process suite catches a field the document forgot without schemathesis; `scripts/api-fuzz-test` fuzzes the rest.
struct OpenAPIContract {
    /// A JSON value that keeps booleans and numbers apart (JSONSerialization's NSNumber does not, on Linux).
    indirect enum JSON: Decodable, Equatable, CustomStringConvertible {
        case null, bool(Bool), number(Double), string(String), array([JSON]), object([String: JSON])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() { self = .null }
            else if let value = try? container.decode(Bool.self) { self = .bool(value) }
            else if let value = try? container.decode(Double.self) { self = .number(value) }
            else if let value = try? container.decode(String.self) { self = .string(value) }
            else if let value = try? container.decode([JSON].self) { self = .array(value) }
            else { self = .object(try container.decode([String: JSON].self)) }
        }

        static func parse(_ text: String) throws -> JSON { try JSONDecoder().decode(JSON.self, from: Data(text.utf8)) }

        subscript(key: String) -> JSON? { if case .object(let object) = self { object[key] } else { nil } }
        var object: [String: JSON]? { if case .object(let object) = self { object } else { nil } }
        var array: [JSON]? { if case .array(let array) = self { array } else { nil } }
        var string: String? { if case .string(let string) = self { string } else { nil } }

        var description: String {
            switch self {
            case .null: "null"
            case .bool(let value): "\(value)"
            case .number(let value): "\(value)"
            case .string(let value): "\"\(value)\""
            case .array(let value): "[\(value.count) items]"
            case .object(let value): "{\(value.keys.sorted().joined(separator: ","))}"
            }
        }
    }

    let document: JSON

    init(json: String) throws {
        document = try JSON.parse(json)
    }

    /// Every operation: its path template, lower-case method and description.
    var operations: [(path: String, method: String, operation: JSON)] {
        (document["paths"]?.object ?? [:]).flatMap { path, item in
            (item.object ?? [:]).filter { $0.value.object != nil }.map { (path, $0.key, $0.value) }
        }
    }

    /// Every problem of one answer to `method path` (the document's path template, e.g. `/api/me/identities/{identityID}/unbind`).
    func problems(_ method: String, _ path: String, status: Int, headers: [(String, String)], body: String) -> [String] {
        let at = "\(method) \(path) \(status)"
        guard let operation = document["paths"]?[path]?[method.lowercased()] else { return ["\(method) \(path) is not in the document"] }
        guard let response = operation["responses"]?[String(status)].map(resolve) else { return ["\(at) is not documented"] }
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
        var problems: [String] = []
        for (name, raw) in response["headers"]?.object ?? [:] {
            let spec = resolve(raw)
            guard let value = header(name) else {
                if spec["required"] == .bool(true) { problems.append("\(at): header \(name) is missing") }
                continue
            }
            if let schema = spec["schema"] { problems += validate(.string(value), against: schema, at: "\(at) header \(name)") }
        }
        guard let content = response["content"]?.object else {
            return body.isEmpty ? problems : problems + ["\(at): a body where none is documented"]
        }
        let contentType = header("Content-Type") ?? ""
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard let media = content[mediaType] else { return problems + ["\(at): content type '\(contentType)' is not documented"] }
        guard mediaType == "application/json", let schema = media["schema"] else { return problems }
        guard let value = try? JSON.parse(body) else { return problems + ["\(at): the body is not JSON"] }
        return problems + validate(value, against: schema, at: "\(at) $")
    }

    func resolve(_ value: JSON) -> JSON {
        guard let ref = value["$ref"]?.string else { return value }
        return target(of: ref).map(resolve) ?? .null
    }

    func target(of ref: String) -> JSON? {
        guard ref.hasPrefix("#/") else { return nil }
        var target: JSON? = document
        for key in ref.dropFirst(2).split(separator: "/") { target = target?[String(key)] }
        return target
    }

    /// The `$ref`s that point nowhere.
    func unresolvedReferences() -> [String] {
        func walk(_ value: JSON) -> [String] {
            switch value {
            case .object(let object):
                let own = object["$ref"]?.string.flatMap { target(of: $0) == nil ? $0 : nil }.map { [$0] } ?? []
                return own + object.values.flatMap(walk)
            case .array(let array): return array.flatMap(walk)
            default: return []
            }
        }
        return walk(document)
    }

    func validate(_ value: JSON, against rawSchema: JSON, at location: String) -> [String] {
        let schema = resolve(rawSchema)
        if let types = schema["type"].map({ $0.array?.compactMap(\.string) ?? [$0.string ?? ""] }),
           !types.contains(where: { Self.matches(value, type: $0) }) {
            return ["\(location): \(value) is not \(types.joined(separator: " or "))"]
        }
        var problems: [String] = []
        if let options = schema["enum"]?.array, !options.contains(value) { problems.append("\(location): \(value) is not one of the enum") }
        if let constant = schema["const"], constant != value { problems.append("\(location): \(value) is not \(constant)") }
        if let pattern = schema["pattern"]?.string, let string = value.string, string.range(of: pattern, options: .regularExpression) == nil {
            problems.append("\(location): \(value) does not match \(pattern)")
        }
        for part in schema["allOf"]?.array ?? [] { problems += validate(value, against: part, at: location) }
        if let choices = schema["oneOf"]?.array, choices.filter({ validate(value, against: $0, at: location).isEmpty }).count != 1 {
            problems.append("\(location): \(value) matches not exactly one of oneOf")
        }
        if let object = value.object {
            let properties = schema["properties"]?.object ?? [:]
            for case .string(let name) in schema["required"]?.array ?? [] where object[name] == nil {
                problems.append("\(location): \(name) is required")
            }
            for (name, member) in object {
                if let property = properties[name] {
                    problems += validate(member, against: property, at: "\(location).\(name)")
                } else if schema["additionalProperties"] == .bool(false) {
                    problems.append("\(location): \(name) is not in the schema")
                } else if let extra = schema["additionalProperties"], extra.object != nil {
                    problems += validate(member, against: extra, at: "\(location).\(name)")
                }
            }
        }
        if let array = value.array {
            if case .number(let minimum) = schema["minItems"], Double(array.count) < minimum { problems.append("\(location): too few items") }
            if case .number(let maximum) = schema["maxItems"], Double(array.count) > maximum { problems.append("\(location): too many items") }
            if let items = schema["items"] {
                for (index, item) in array.enumerated() { problems += validate(item, against: items, at: "\(location)[\(index)]") }
            }
        }
        return problems
    }

    static func matches(_ value: JSON, type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("null", .null), ("boolean", .bool),
             ("number", .number): true
        case ("integer", .number(let number)): number == number.rounded()
        default: false
        }
    }
}
