import Foundation
import Vapor

/// `PUT /api/admin/users/by-external-id/{externalID}`: what the business knows of the user. Absent or empty fields
/// leave what is on file alone.
struct UserUpsertRequest: Content {
    var phone: String?
    var email: String?
    var name: String?
}

/// `PATCH /api/admin/users/{userID}`: the business's id and contacts for a user known by our id. Absent or empty
/// fields leave what is on file alone.
struct UserUpdateRequest: Content {
    var externalID: String?
    var phone: String?
    var email: String?
    var name: String?
}

/// The answer to one upsert or update: what it did (`created`, `updated`, `unchanged`) and the user as it is now.
struct UserUpsertResponse: Content {
    var result: String
    var user: MeResponse.UserDTO
}

/// `POST /api/admin/users/batch`: up to ``UserStore/maximumUpsertBatch`` users, each by external id.
struct UserBatchRequest: Content {
    struct Item: Content {
        var externalID: String
        var phone: String?
        var email: String?
        var name: String?
    }

    var users: [Item]
}

/// Each item's result, in request order, and the counts.
struct UserBatchResponse: Content {
    struct Item: Content {
        var index: Int
        /// `created`, `updated`, `unchanged` or `rejected`.
        var result: String
        var userID: UUID?
        /// Why the item was rejected.
        var reason: String?
    }

    var results: [Item]
    var created: Int
    var updated: Int
    var unchanged: Int
    var rejected: Int
}
