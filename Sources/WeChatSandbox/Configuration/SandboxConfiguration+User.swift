import Foundation

extension SandboxConfiguration {
    /// A simulated WeChat user.
    public struct User: Sendable, Codable, Equatable {
        /// The sandbox id (`u1`); also the `X-Sandbox-User` header value.
        public var id: String
        /// The WeChat nickname.
        public var nickname: String
        /// Privilege tags returned by `sns/userinfo`.
        public var privilege: [String]
        /// Whether the user is a snapshot-mode virtual account (`is_snapshotuser: 1`).
        public var isSnapshotUser: Bool
        /// App ids of the official accounts the user follows.
        public var follows: [String]
        /// App ids that blacklisted the user (template send → 43019).
        public var blockedBy: [String]
        /// App ids whose template messages the user refuses (`failed:user block`).
        public var refusesMessagesFrom: [String]
        /// App ids whose template messages to this user fail (`failed: system failed`), an injected fault.
        public var systemFailsFrom: [String]

        /// Creates a user.
        public init(
            id: String, nickname: String, privilege: [String] = [], isSnapshotUser: Bool = false,
            follows: [String] = [], blockedBy: [String] = [], refusesMessagesFrom: [String] = [],
            systemFailsFrom: [String] = []
        ) {
            self.id = id
            self.nickname = nickname
            self.privilege = privilege
            self.isSnapshotUser = isSnapshotUser
            self.follows = follows
            self.blockedBy = blockedBy
            self.refusesMessagesFrom = refusesMessagesFrom
            self.systemFailsFrom = systemFailsFrom
        }

        /// Decodes a user; only `id` and `nickname` are required.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                id: try c.decode(String.self, forKey: .id), nickname: try c.decode(String.self, forKey: .nickname),
                privilege: try c.decodeIfPresent([String].self, forKey: .privilege) ?? [],
                isSnapshotUser: try c.decodeIfPresent(Bool.self, forKey: .isSnapshotUser) ?? false,
                follows: try c.decodeIfPresent([String].self, forKey: .follows) ?? [],
                blockedBy: try c.decodeIfPresent([String].self, forKey: .blockedBy) ?? [],
                refusesMessagesFrom: try c.decodeIfPresent([String].self, forKey: .refusesMessagesFrom) ?? [],
                systemFailsFrom: try c.decodeIfPresent([String].self, forKey: .systemFailsFrom) ?? [])
        }
    }
}
