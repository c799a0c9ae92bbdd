import Foundation

/// Decides, without touching the database, what a batch of ``UserUpsert``s does to the users it found: which rows
/// to insert, which to change, and each item's outcome. ``UserStore/upsert(_:now:by:via:)`` reads the rows, runs this, and
/// writes the result in the same transaction.
///
/// An item finds its user by external id. Without one, a user found by the item's phone or email who has no
/// external id yet is adopted (someone who registered here by binding before the business imported them: the same
/// person, as binding itself would decide), and otherwise a user is created. Refused, with the reason:
/// a phone or email that is another user's; phone and email of two different users; an external id already given
/// earlier in the batch; and a phone or email another item of the batch just took from its user (the writes would
/// depend on their order; send it again in a later batch).
struct UserUpsertPlan: Sendable {
    /// A `users` row as far as upserts read and write it.
    struct Row: Sendable, Equatable {
        var id: UUID
        var externalID: String?
        var phone: String?
        var email: String?
        var displayName: String?
        var createdAt: Date?
    }

    private(set) var outcomes: [UserUpsert.Outcome] = []
    /// New rows, in item order.
    private(set) var inserts: [Row] = []
    /// Existing rows with their new values.
    var updates: [Row] { changed.values.sorted { $0.id.uuidString < $1.id.uuidString } }

    private var rows: [UUID: Row] = [:]
    private var changed: [UUID: Row] = [:]
    // External ids are keyed by their UTF-8 bytes, as the database's unique index compares them (`String`'s own
    // equality would merge canonically equivalent ids the database keeps apart).
    private var byExternalID: [[UInt8]: UUID] = [:]
    private var byPhone: [String: UUID] = [:]
    private var byEmail: [String: UUID] = [:]
    private var seenExternalIDs: Set<[UInt8]> = []
    private var released: Set<String> = []

    init(_ items: [UserUpsert], existing: [Row], newID: () -> UUID = UUID.init) {
        for row in existing { index(row) }
        for item in items { outcomes.append(plan(item, newID: newID)) }
    }

    private mutating func plan(_ item: UserUpsert, newID: () -> UUID) -> UserUpsert.Outcome {
        let externalID = item.externalID.value
        let key = Array(externalID.utf8)
        guard seenExternalIDs.insert(key).inserted else {
            return .rejected(reason: "external id appears earlier in this batch")
        }
        let byPhone = item.phone.flatMap { self.byPhone[$0] }
        let byEmail = item.email.flatMap { self.byEmail[$0] }
        for (key, label) in [(item.phone.map { "phone:" + $0 }, "phone"), (item.email.map { "email:" + $0 }, "email")]
        where key.map(released.contains) == true {
            return .rejected(reason: "\(label) was another user's until an earlier item of this batch; send it in a later batch")
        }
        let target: Row
        if let id = byExternalID[key], let row = rows[id] {
            if let other = byPhone, other != id { return .rejected(reason: "phone belongs to another user") }
            if let other = byEmail, other != id { return .rejected(reason: "email belongs to another user") }
            target = row
        } else {
            switch (byPhone, byEmail) {
            case (nil, nil):
                let row = Row(id: newID(), externalID: externalID, phone: item.phone, email: item.email,
                              displayName: item.name)
                inserts.append(row)
                index(row)
                return .created(row.id)
            case (let phoneOwner?, let emailOwner?) where phoneOwner != emailOwner:
                return .rejected(reason: "phone and email belong to two different users")
            default:
                guard let id = byPhone ?? byEmail, let row = rows[id] else {
                    return .rejected(reason: "phone or email belongs to another user")
                }
                guard row.externalID == nil else {
                    return .rejected(reason: "\(byPhone != nil ? "phone" : "email") belongs to a user with another external id")
                }
                target = row
            }
        }
        var next = target
        next.externalID = externalID
        if let phone = item.phone { next.phone = phone }
        if let email = item.email { next.email = email }
        if let name = item.name { next.displayName = name }
        guard next != target else { return .unchanged(target.id) }
        if let old = target.phone, old != next.phone { self.byPhone[old] = nil; released.insert("phone:" + old) }
        if let old = target.email, old != next.email { self.byEmail[old] = nil; released.insert("email:" + old) }
        changed[target.id] = next
        index(next)
        return .updated(target.id)
    }

    private mutating func index(_ row: Row) {
        rows[row.id] = row
        if let externalID = row.externalID { byExternalID[Array(externalID.utf8)] = row.id }
        if let phone = row.phone { byPhone[phone] = row.id }
        if let email = row.email { byEmail[email] = row.id }
    }
}
