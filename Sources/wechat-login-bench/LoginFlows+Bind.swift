import Foundation

extension LoginFlows {
    /// A WeChat identity's first sign-in, then `/bind` with `email` as a person does (the code read from the
    /// webhook): afterwards the identity belongs to an account, and its sign-ins need no binding step.
    func signInAndBind(_ flow: Flow, as user: String, email: String, codes: CodeWebhook) async throws {
        var jar = CookieJar()
        let agent = [("User-Agent", Self.agent(flow))]
        _ = try await signIn(flow, as: user, from: "/login?return_to=%2Faccount", jar: &jar, landing: ["/bind"])
        let form = try await client.request(.GET, target + "/bind", headers: agent + [("Cookie", jar.header)])
        jar.take(form)
        guard form.status == 200, let marker = form.body.range(of: #"name="csrf" value=""#) else {
            throw BenchFailure("/bind answered \(form.status) without its form")
        }
        let csrf = String(form.body[marker.upperBound...].prefix { $0 != "\"" })
        let sent = try await post("/bind/code", ["contact": email, "csrf": csrf], jar: &jar, agent: agent)
        guard (300..<400).contains(sent.status), let verify = sent.location,
              let challenge = Self.query(target + verify, "challenge") else {
            throw BenchFailure("/bind/code answered \(sent.status) \(sent.body.prefix(120))")
        }
        let code = try codes.code(for: email)
        let bound = try await post("/bind/verify", ["challenge": challenge, "code": code, "csrf": csrf], jar: &jar, agent: agent)
        guard (300..<400).contains(bound.status), bound.location?.hasPrefix("/account") == true else {
            throw BenchFailure("/bind/verify answered \(bound.status) \(bound.location ?? "") \(bound.body.prefix(120))")
        }
    }

    private func post(_ path: String, _ form: [String: String], jar: inout CookieJar,
                      agent: [(String, String)]) async throws -> BenchClient.Reply {
        let reply = try await client.request(.POST, target + path, headers: agent + [("Cookie", jar.header)],
                                             body: FormEncoding.encode(form), contentType: "application/x-www-form-urlencoded")
        jar.take(reply)
        return reply
    }
}

/// `application/x-www-form-urlencoded` and query strings, as a browser writes them.
enum FormEncoding {
    private static let unreserved: CharacterSet = {
        var set = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        set.insert(charactersIn: "-._~")
        return set
    }()

    static func escape(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? value
    }

    /// `name=value&…`, every value percent-encoded (sorted by name, so equal forms are equal strings).
    static func encode(_ fields: [String: String]) -> String {
        fields.sorted { $0.key < $1.key }.map { "\(escape($0.key))=\(escape($0.value))" }.joined(separator: "&")
    }
}
