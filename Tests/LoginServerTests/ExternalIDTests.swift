import Foundation
import Testing
@testable import LoginServer

/// External ids and the upsert plan, without a database.
@Suite struct ExternalIDTests {
    @Test(arguments: ["u-1", "10086", "客户/00042", "a b", "ABC", String(repeating: "x", count: 255), "e\u{301}"])
    func acceptsIDsAsGiven(_ raw: String) throws {
        #expect(try ExternalID(validating: raw).value == raw)
    }

    @Test(arguments: [
        "", " u1", "u1 ", "\tu1", "u\n1", "u\u{0}1", "u\u{7F}1", "u\u{200B}1", "\u{FEFF}u1", "u\u{202E}1",
        String(repeating: "x", count: 256), String(repeating: "中", count: 86),
    ])
    func refusesAmbiguousOrUnsafeIDs(_ raw: String) {
        #expect(throws: ExternalID.Invalid.self) { try ExternalID(validating: raw) }
    }

    @Test func neverFoldsCaseOrNormalises() throws {
        #expect(try ExternalID(validating: "U1") != ExternalID(validating: "u1"))
        // Canonically equivalent, so equal as Swift strings, but two ids to the database's unique index.
        #expect(try ExternalID(validating: "\u{E9}") != ExternalID(validating: "e\u{301}"))
        let plan = UserUpsertPlan([try Self.item("\u{E9}"), try Self.item("e\u{301}")],
                                  existing: [Self.row(external: "e\u{301}")])
        #expect(plan.outcomes.map(\.name) == ["created", "unchanged"])
    }

    @Test func upsertsNormaliseContactsTheWayBindingLooksThemUp() throws {
        let item = try UserUpsert(externalID: "u1", phone: "+86 138-0013-8000", email: " Alice@Example.COM ", name: " 张三 ")
        #expect(item.phone == ContactAddress("13800138000")?.value && item.phone == "13800138000")
        #expect(item.email == ContactAddress("alice@example.com")?.value)
        #expect(item.name == "张三")
        let empty = try UserUpsert(externalID: "u1", phone: "", email: "  ", name: nil)
        #expect(empty.phone == nil && empty.email == nil && empty.name == nil)
    }

    @Test(arguments: [
        ("u1", "12345", nil, nil, "phone"), ("u1", "+1 415 555 0100", nil, nil, "phone"), ("u1", nil, "nope", nil, "email"),
        ("u1", nil, "13800138000", nil, "email"), ("u1", "a@example.com", nil, nil, "phone"),
        ("u1", nil, nil, String(repeating: "名", count: 65), "name"), ("u1", nil, nil, "a\u{0}b", "name"), (" u1", nil, nil, nil, "external id"),
    ] as [(String, String?, String?, String?, String)])
    func refusesBadInputSayingWhich(_ externalID: String, _ phone: String?, _ email: String?, _ name: String?, _ field: String) {
        #expect { try UserUpsert(externalID: externalID, phone: phone, email: email, name: name) } throws: { error in
            (error as? UserUpsert.Invalid)?.reason.hasPrefix(field) == true
        }
    }

    // MARK: The plan

    static func item(_ id: String, phone: String? = nil, email: String? = nil, name: String? = nil) throws -> UserUpsert {
        UserUpsert(externalID: try ExternalID(validating: id), phone: phone, email: email, name: name)
    }

    static func row(_ id: UUID = UUID(), external: String? = nil, phone: String? = nil, email: String? = nil,
                    name: String? = nil) -> UserUpsertPlan.Row {
        .init(id: id, externalID: external, phone: phone, email: email, displayName: name, createdAt: nil)
    }

    @Test func createsUpdatesAndFindsNothingToChange() throws {
        let known = Self.row(external: "u2", phone: "13800138002", name: "Old")
        let plan = UserUpsertPlan([
            try Self.item("u1", phone: "13800138001"),
            try Self.item("u2", phone: "13800138002", name: "New"),
            try Self.item("u3"),
        ], existing: [known, Self.row(external: "u3")])
        guard case .created(let created) = plan.outcomes[0] else { Issue.record("\(plan.outcomes)"); return }
        #expect(plan.outcomes[1] == .updated(known.id))
        #expect(plan.outcomes[2].name == "unchanged")
        #expect(plan.inserts.map(\.id) == [created] && plan.inserts[0].externalID == "u1" && plan.inserts[0].phone == "13800138001")
        #expect(plan.updates.count == 1 && plan.updates[0].displayName == "New" && plan.updates[0].phone == "13800138002")
    }

    @Test func absentFieldsKeepWhatIsOnFile() throws {
        let known = Self.row(external: "u1", phone: "13800138001", email: "a@example.com", name: "A")
        let plan = UserUpsertPlan([try Self.item("u1", name: "B")], existing: [known])
        #expect(plan.updates == [Self.row(known.id, external: "u1", phone: "13800138001", email: "a@example.com", name: "B")])
    }

    @Test func adoptsAUserWhoRegisteredByBindingButNeverOneWithAnotherExternalID() throws {
        let bound = Self.row(phone: "13800138001")
        let other = Self.row(external: "u9", email: "b@example.com")
        let plan = UserUpsertPlan([
            try Self.item("u1", phone: "13800138001", email: "a@example.com"),
            try Self.item("u2", email: "b@example.com"),
        ], existing: [bound, other])
        #expect(plan.outcomes[0] == .updated(bound.id))
        #expect(plan.updates.first?.externalID == "u1" && plan.updates.first?.email == "a@example.com")
        #expect(plan.outcomes[1] == .rejected(reason: "email belongs to a user with another external id"))
        #expect(plan.inserts.isEmpty)
    }

    @Test func refusesContactsOfOtherUsersAndRepeats() throws {
        let a = Self.row(external: "a", phone: "13800138001")
        let b = Self.row(email: "b@example.com")
        let plan = UserUpsertPlan([
            try Self.item("a", email: "b@example.com"),
            try Self.item("new", phone: "13800138001", email: "b@example.com"),
            try Self.item("x", phone: "13800138009"),
            try Self.item("y", phone: "13800138009"),
            try Self.item("x", name: "again"),
        ], existing: [a, b])
        #expect(plan.outcomes.map(\.name) == ["rejected", "rejected", "created", "rejected", "rejected"])
        #expect(plan.outcomes[0] == .rejected(reason: "email belongs to another user"))
        #expect(plan.outcomes[1] == .rejected(reason: "phone and email belong to two different users"))
        #expect(plan.outcomes[3] == .rejected(reason: "phone belongs to a user with another external id"))
        #expect(plan.outcomes[4] == .rejected(reason: "external id appears earlier in this batch"))
        #expect(plan.inserts.count == 1 && plan.updates.isEmpty)
    }

    @Test func aContactMovedWithinTheBatchWaitsForTheNextOne() throws {
        let a = Self.row(external: "a", phone: "13800138001")
        let plan = UserUpsertPlan([
            try Self.item("a", phone: "13800138002"),
            try Self.item("b", phone: "13800138001"),
        ], existing: [a])
        #expect(plan.outcomes[0] == .updated(a.id))
        #expect(plan.outcomes[1].name == "rejected")
        #expect(plan.inserts.isEmpty)
    }
}
