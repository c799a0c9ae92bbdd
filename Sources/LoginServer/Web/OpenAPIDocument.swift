/// The OpenAPI 3.1 description of the JSON API, served at `/openapi.json`: every operation's parameters, request
/// body and every response it can give (status, content type, schema). It is a contract: `scripts/api-fuzz-test`
/// runs schemathesis against the running server with this document, and `OpenAPIDocumentTests` fails when a JSON
/// route is missing from it. Response objects are `additionalProperties: false`, so a new field must be added here.
enum OpenAPIDocument {
    static let json = #"""
    {
      "openapi": "3.1.0",
      "info": {
        "title": "wechat-login",
        "version": "0.2.0",
        "description": "Sign in with WeChat: the signed-in user's account and WeChat identities, the admin API and template messages. The signed-in operations authenticate with the session cookie the login flow sets (`/login` → WeChat → `/auth/wechat/callback`); the admin operations with `Authorization: Bearer <ADMIN_API_TOKEN>`. Every error under `/api/` is the Error object; the OpenID Connect endpoints that apps call (`/oauth/token`, `/oauth/revoke`, `/oauth/register`, `/oauth/userinfo`, `/oauth/jwks`, discovery) answer every error, rate limits and oversized bodies included, in OAuth's shape `{error, error_description}` with `Cache-Control: no-store`. Every operation may answer 429 (with `Retry-After`) when rate limits are on. Responses never contain WeChat tokens. CI fuzzes the running server against this document (scripts/api-fuzz-test)."
      },
      "tags": [
        {"name": "session", "description": "The signed-in person (session cookie)"},
        {"name": "admin", "description": "The business's back end (admin bearer token; every admin operation answers 404 while ADMIN_API_TOKEN is unset)"},
        {"name": "operations", "description": "Probes and this document"},
        {"name": "sandbox", "description": "Sandbox mode only (no WeChat credentials); 404 otherwise"},
        {"name": "openid-connect", "description": "The OpenID Connect provider's public documents"}
      ],
      "paths": {
        "/api/me": {
          "get": {
            "tags": ["session"],
            "summary": "The signed-in user and their WeChat identities",
            "operationId": "getMe",
            "security": [{"session": []}],
            "responses": {
              "200": {"description": "Signed in", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Account"}}},
                "links": {
                  "refreshFirstIdentity": {"operationId": "refreshIdentity", "parameters": {"identityID": "$response.body#/identities/0/id"}},
                  "unbindFirstIdentity": {"operationId": "unbindIdentity", "parameters": {"identityID": "$response.body#/identities/0/id"}},
                  "adminGetThisUser": {"operationId": "adminGetUser", "parameters": {"userID": "$response.body#/user/id"}},
                  "adminFindThisUserByPhone": {"operationId": "adminFindUser", "parameters": {"query.phone": "$response.body#/user/phone"}}
                }},
              "401": {"$ref": "#/components/responses/NotSignedIn"},
              "429": {"$ref": "#/components/responses/RateLimited"}
            }
          }
        },
        "/api/me/export": {
          "get": {
            "tags": ["session"],
            "summary": "Everything held about the signed-in person, as a JSON download (format wechat-login.export/1)",
            "description": "A download (`Content-Disposition: attachment`, `Cache-Control: no-store`) of the person's profile, contact, WeChat identities (never their tokens), current session, apps the OpenID Connect provider issued tokens to (never the tokens), template messages sent to them, WeChat's pushes about them and their audit trail; the newest 1000 of each history, `truncated` says when there are more. Recorded as the event account.exported. DEPLOYMENT.md lists what each table contributes.",
            "operationId": "exportMe",
            "security": [{"session": []}],
            "responses": {
              "200": {"description": "The export", "headers": {"Cache-Control": {"$ref": "#/components/headers/NoStore"}, "Content-Disposition": {"description": "attachment; filename=\"wechat-login-export-YYYY-MM-DD.json\"", "schema": {"type": "string"}}},
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AccountExport"}}}},
              "401": {"$ref": "#/components/responses/NotSignedIn"},
              "429": {"$ref": "#/components/responses/RateLimited"}
            }
          }
        },
        "/api/me/identities/{identityID}/unbind": {
          "post": {
            "tags": ["session"],
            "summary": "Unlink one WeChat identity (never the last one)",
            "operationId": "unbindIdentity",
            "security": [{"session": []}],
            "parameters": [{"$ref": "#/components/parameters/IdentityID"}, {"$ref": "#/components/parameters/CSRFToken"}],
            "responses": {
              "200": {"description": "Unlinked; the account as it is now", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Account"}}}},
              "401": {"$ref": "#/components/responses/NotSignedIn"},
              "403": {"$ref": "#/components/responses/CSRFRefused"},
              "404": {"description": "No such identity on this account (or not a UUID)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "409": {"description": "It is the last way to sign in", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "429": {"$ref": "#/components/responses/RateLimited"}
            }
          }
        },
        "/api/me/contact/code": {
          "post": {
            "tags": ["session"],
            "summary": "Ask to change the phone or email (or add the one the account lacks): a one-time code goes to the new address",
            "description": "The same limits as binding: a resend cooldown, and caps on codes per address and per account (429 with Retry-After). A phone number changes the phone, an email address the email.",
            "operationId": "requestContactChange",
            "security": [{"session": []}],
            "parameters": [{"$ref": "#/components/parameters/CSRFToken"}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ContactChangeRequest"}}}},
            "responses": {
              "202": {"description": "A code was sent to the new address", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ContactChangeCodeSent"}}}},
              "400": {"description": "Not JSON, or contact is not a mainland mobile number or an email address", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "401": {"$ref": "#/components/responses/NotSignedIn"},
              "403": {"$ref": "#/components/responses/CSRFRefused"},
              "409": {"description": "The address belongs to another account, or is already this account's", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "413": {"$ref": "#/components/responses/TooLarge"},
              "429": {"description": "A code was sent less than the cooldown ago, a cap on codes is full, or the client's rate limit", "headers": {"Retry-After": {"$ref": "#/components/headers/RetryAfter"}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "502": {"description": "The SMS/email gateway did not take the code (nothing counted)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            }
          }
        },
        "/api/me/contact/verify": {
          "post": {
            "tags": ["session"],
            "summary": "Enter the code: the phone or email changes, and the old address gets a notice (no code)",
            "description": "Each code counts as an attempt (5 by default), and wrong codes count toward the caps per address and per account, as binding's do. The change is written with a contact.changed event; the unique index decides between two accounts claiming one address at once.",
            "operationId": "verifyContactChange",
            "security": [{"session": []}],
            "parameters": [{"$ref": "#/components/parameters/CSRFToken"}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ContactChangeVerifyRequest"}}}},
            "responses": {
              "200": {"description": "Changed; the account as it is now", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Account"}}}},
              "400": {"description": "Not JSON, no such open challenge of this person's, or a wrong code (the reason says how many attempts are left)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "401": {"$ref": "#/components/responses/NotSignedIn"},
              "403": {"$ref": "#/components/responses/CSRFRefused"},
              "409": {"description": "Another account took the address in the meantime (nothing changed)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "410": {"description": "The code expired", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "413": {"$ref": "#/components/responses/TooLarge"},
              "429": {"description": "The code used up its attempts, a cap on wrong codes is full, or the client's rate limit", "headers": {"Retry-After": {"$ref": "#/components/headers/RetryAfter"}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            }
          }
        },
        "/api/me/delete": {
          "post": {
            "tags": ["session"],
            "summary": "Delete (注销) the signed-in person's account, for good",
            "description": "Needs a WeChat sign-in within the last ACCOUNT_DELETE_REAUTH_SECONDS (default 300; otherwise 403: send the person through /login?return_to=… first) and the typed confirmation. In one transaction: the user, their WeChat identities and sealed tokens, every session on every instance, pending codes, messages not yet sent, the OpenID Connect codes and tokens issued for them (refused at once), undelivered webhooks of their events; messages already sent stay without recipient or content, earlier events without openids, unionids or addresses. Recorded as user.deleted (actor person). DEPLOYMENT.md §3.12 lists what goes and what stays.",
            "operationId": "deleteMe",
            "security": [{"session": []}],
            "parameters": [{"$ref": "#/components/parameters/CSRFToken"}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AccountDeleteRequest"}}}},
            "responses": {
              "204": {"description": "Deleted; the session is over"},
              "400": {"description": "Not JSON, or confirmation is not DELETE or 注销 (nothing deleted)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "401": {"$ref": "#/components/responses/NotSignedIn"},
              "403": {"description": "No or a wrong CSRF header, or the sign-in is not recent enough: sign in with WeChat again (nothing deleted)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "413": {"$ref": "#/components/responses/TooLarge"},
              "429": {"$ref": "#/components/responses/RateLimited"}
            }
          }
        },
        "/api/me/identities/{identityID}/refresh": {
          "post": {
            "tags": ["session"],
            "summary": "Re-read one identity's WeChat profile (the stored user token is refreshed first when expired)",
            "operationId": "refreshIdentity",
            "security": [{"session": []}],
            "parameters": [{"$ref": "#/components/parameters/IdentityID"}, {"$ref": "#/components/parameters/CSRFToken"}],
            "responses": {
              "200": {"description": "Refreshed; the account as it is now", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Account"}}}},
              "401": {"$ref": "#/components/responses/NotSignedIn"},
              "403": {"$ref": "#/components/responses/CSRFRefused"},
              "404": {"description": "No such identity on this account (or not a UUID)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "409": {"description": "WeChat authorization expired: sign in with WeChat again", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "429": {"$ref": "#/components/responses/RateLimited"},
              "502": {"$ref": "#/components/responses/WeChatRefused"},
              "503": {"$ref": "#/components/responses/WeChatQuotaSpent"},
              "504": {"$ref": "#/components/responses/WeChatTimeout"}
            }
          }
        },
        "/api/logout": {
          "post": {
            "tags": ["session"],
            "summary": "End the session (signed out already: also 204)",
            "operationId": "logout",
            "security": [{"session": []}, {}],
            "parameters": [{"$ref": "#/components/parameters/CSRFToken"}],
            "responses": {
              "204": {"description": "Signed out"},
              "403": {"$ref": "#/components/responses/CSRFRefused"},
              "429": {"$ref": "#/components/responses/RateLimited"}
            }
          }
        },
        "/api/admin/users/{userID}": {
          "get": {
            "tags": ["admin"],
            "summary": "A user and their WeChat identities",
            "operationId": "adminGetUser",
            "security": [{"adminToken": []}],
            "parameters": [{"name": "userID", "in": "path", "required": true, "description": "Anything else than a UUID answers 404", "schema": {"type": "string", "format": "uuid"}}],
            "responses": {
              "200": {"description": "Found", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Account"}}}},
              "401": {"$ref": "#/components/responses/AdminTokenRefused"},
              "404": {"description": "No such user, or the admin API is not configured", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "429": {"$ref": "#/components/responses/RateLimited"}
            }
          },
          "patch": {
            "tags": ["admin"],
            "summary": "Give a user known by our id (the OpenID Connect sub) the business's own id, or new contacts",
            "description": "Absent, null or empty fields leave what is on file alone.",
            "operationId": "adminUpdateUser",
            "security": [{"adminToken": []}],
            "parameters": [{"name": "userID", "in": "path", "required": true, "description": "Anything else than a UUID answers 404", "schema": {"type": "string", "format": "uuid"}}],
            "requestBody": {"required": true, "description": "At most 16 KiB", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UserUpdateRequest"}}}},
            "responses": {
              "200": {"description": "Updated, or nothing to change", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UserUpsertResult"}}}},
              "400": {"$ref": "#/components/responses/NotJSON"},
              "401": {"$ref": "#/components/responses/AdminTokenRefused"},
              "404": {"description": "No such user, or the admin API is not configured", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "409": {"description": "The external id, phone or email belongs to another user (nothing written)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "413": {"$ref": "#/components/responses/TooLarge"},
              "415": {"$ref": "#/components/responses/NotJSONContentType"},
              "422": {"description": "Not a valid external id, phone, email or name (the reason says which)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "429": {"$ref": "#/components/responses/RateLimited"}
            }
          },
          "delete": {
            "tags": ["admin"],
            "summary": "Delete (注销) a user's account on the person's behalf, for good",
            "description": "The same deletion as the person's own (POST /api/me/delete), in one transaction; recorded as user.deleted (actor admin) with the user id and external id. A second deletion, or one racing it, answers 404. DEPLOYMENT.md §3.12 lists what goes and what stays.",
            "operationId": "adminDeleteUser",
            "security": [{"adminToken": []}],
            "parameters": [{"name": "userID", "in": "path", "required": true, "description": "Anything else than a UUID answers 404", "schema": {"type": "string", "format": "uuid"}}],
            "responses": {
              "200": {"description": "Deleted; what went", "headers": {"Cache-Control": {"$ref": "#/components/headers/NoStore"}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UserDeleted"}}}},
              "401": {"$ref": "#/components/responses/AdminTokenRefused"},
              "404": {"description": "No such user (or already deleted), or the admin API is not configured", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "429": {"$ref": "#/components/responses/RateLimited"}
            }
          }
        },
        "/api/admin/users/{userID}/revoke-tokens": {
          "post": {
            "tags": ["admin"],
            "summary": "End every OpenID Connect refresh and access token of a user, at every app (again: revokes 0)",
            "operationId": "adminRevokeUserTokens",
            "security": [{"adminToken": []}],
            "parameters": [{"name": "userID", "in": "path", "required": true, "description": "Anything else than a UUID answers 404", "schema": {"type": "string", "format": "uuid"}}],
            "responses": {
              "200": {"description": "Revoked", "headers": {"Cache-Control": {"$ref": "#/components/headers/NoStore"}},
                "content": {"application/json": {"schema": {"type": "object", "properties": {"revokedTokens": {"type": "integer", "description": "How many were still alive"}}, "required": ["revokedTokens"], "additionalProperties": false}}}},
              "401": {"$ref": "#/components/responses/AdminTokenRefused"},
              "404": {"description": "No such user, or the admin API is not configured", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "429": {"$ref": "#/components/responses/RateLimited"}
            }
          }
        },
        "/api/admin/users": {
          "get": {
            "tags": ["admin"],
            "summary": "Find a user by phone, email, WeChat openid or external id (exactly one of the four; appid narrows an openid)",
            "operationId": "adminFindUser",
            "security": [{"adminToken": []}],
            "parameters": [
              {"name": "phone", "in": "query", "description": "A mainland mobile number, as people type it (+86, spaces and dashes allowed)", "schema": {"type": "string"}},
              {"name": "email", "in": "query", "description": "An email address (compared case-insensitively)", "schema": {"type": "string"}},
              {"name": "openid", "in": "query", "description": "A WeChat openid of one of the site's apps", "schema": {"type": "string"}},
              {"name": "appid", "in": "query", "description": "With openid: only this app's identities", "schema": {"type": "string"}},
              {"name": "external_id", "in": "query", "description": "The business's own id for the user, compared exactly", "schema": {"type": "string"}}
            ],
            "responses": {
              "200": {"description": "Found", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Account"}}}},
              "400": {"description": "Not exactly one of phone, email, openid, external_id; or not a valid phone, email or external id", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "401": {"$ref": "#/components/responses/AdminTokenRefused"},
              "404": {"description": "No user matches, or the admin API is not configured", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "429": {"$ref": "#/components/responses/RateLimited"}
            }
          }
        },
        "/api/admin/users/by-external-id/{externalID}": {
          "get": {
            "tags": ["admin"],
            "summary": "A user and their WeChat identities, by the business's own id",
            "operationId": "adminGetUserByExternalID",
            "security": [{"adminToken": []}],
            "parameters": [{"$ref": "#/components/parameters/ExternalID"}],
            "responses": {
              "200": {"description": "Found", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Account"}}}},
              "400": {"description": "Not a valid external id", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "401": {"$ref": "#/components/responses/AdminTokenRefused"},
              "404": {"description": "No user has this external id, or the admin API is not configured", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "429": {"$ref": "#/components/responses/RateLimited"}
            }
          },
          "put": {
            "tags": ["admin"],
            "summary": "Create or update a user by the business's own id (idempotent: the same request twice is one user)",
            "description": "Finds the user by external id; without one, adopts the user who has this phone or email and no external id yet (someone who registered here by binding), else creates one. Absent or empty fields leave what is on file alone. The user's first WeChat sign-in binds to them by this phone or email. A user it creates is a user.created event (payload via: admin).",
            "operationId": "adminUpsertUserByExternalID",
            "security": [{"adminToken": []}],
            "parameters": [{"$ref": "#/components/parameters/ExternalID"}],
            "requestBody": {"required": true, "description": "At most 16 KiB", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UserUpsertRequest"}}}},
            "responses": {
              "201": {"description": "Created", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UserUpsertResult"}}},
                "links": {"adminGetUpsertedUser": {"operationId": "adminGetUser", "parameters": {"userID": "$response.body#/user/id"}}}},
              "200": {"description": "Updated, or nothing to change", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UserUpsertResult"}}}},
              "400": {"description": "Not JSON of the expected shape, or not a valid external id", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "401": {"$ref": "#/components/responses/AdminTokenRefused"},
              "404": {"description": "The admin API is not configured", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "409": {"description": "The phone or email belongs to another user (nothing written)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "413": {"$ref": "#/components/responses/TooLarge"},
              "415": {"$ref": "#/components/responses/NotJSONContentType"},
              "422": {"description": "Not a valid phone, email or name (the reason says which)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "429": {"$ref": "#/components/responses/RateLimited"}
            }
          },
          "delete": {
            "tags": ["admin"],
            "summary": "Delete (注销) a user's account by the business's own id, for good",
            "description": "The same as DELETE /api/admin/users/{userID}, finding the user by external id.",
            "operationId": "adminDeleteUserByExternalID",
            "security": [{"adminToken": []}],
            "parameters": [{"$ref": "#/components/parameters/ExternalID"}],
            "responses": {
              "200": {"description": "Deleted; what went", "headers": {"Cache-Control": {"$ref": "#/components/headers/NoStore"}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UserDeleted"}}}},
              "400": {"description": "Not a valid external id", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "401": {"$ref": "#/components/responses/AdminTokenRefused"},
              "404": {"description": "No user has this external id (or it was already deleted), or the admin API is not configured", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "429": {"$ref": "#/components/responses/RateLimited"}
            }
          }
        },
        "/api/admin/users/batch": {
          "post": {
            "tags": ["admin"],
            "summary": "Create or update 1–1000 users by external id, in one transaction; each item's result in request order",
            "description": "The items that pass are written together or not at all: a 5xx means nothing was written, and sending the batch again is safe. An item that does not pass (invalid, a phone or email of another user, an external id repeated in the batch) is rejected with its reason and holds the others back in no way. The command `wechat-login import FILE` loads a CSV or NDJSON file through this same path, a batch per transaction.",
            "operationId": "adminUpsertUsers",
            "security": [{"adminToken": []}],
            "requestBody": {"required": true, "description": "At most 2 MiB", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UserBatchRequest"}}}},
            "responses": {
              "200": {"description": "Processed (some items may be rejected)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UserBatchResult"}}}},
              "400": {"$ref": "#/components/responses/NotJSON"},
              "401": {"$ref": "#/components/responses/AdminTokenRefused"},
              "404": {"description": "The admin API is not configured", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "413": {"$ref": "#/components/responses/TooLarge"},
              "415": {"$ref": "#/components/responses/NotJSONContentType"},
              "422": {"description": "Not 1–1000 items (an Error), or every item rejected (the batch result)", "content": {"application/json": {"schema": {"oneOf": [{"$ref": "#/components/schemas/Error"}, {"$ref": "#/components/schemas/UserBatchResult"}]}}}},
              "429": {"$ref": "#/components/responses/RateLimited"}
            }
          }
        },
        "/api/admin/access-token": {
          "get": {
            "tags": ["admin"],
            "summary": "The shared access_token: today's fetches against WeChat's daily quota, and its expiry",
            "operationId": "adminAccessToken",
            "security": [{"adminToken": []}],
            "responses": {
              "200": {"description": "Status", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AccessTokenStatus"}}}},
              "401": {"$ref": "#/components/responses/AdminTokenRefused"},
              "404": {"description": "No official account, or the admin API is not configured", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "429": {"$ref": "#/components/responses/RateLimited"}
            }
          }
        },
        "/api/admin/events": {
          "get": {
            "tags": ["admin"],
            "summary": "The audit trail: events newest first (by user, type and time), one page at a time behind an opaque cursor",
            "operationId": "adminListEvents",
            "security": [{"adminToken": []}],
            "parameters": [
              {"name": "user_id", "in": "query", "description": "Only this user's events", "schema": {"type": "string", "format": "uuid"}},
              {"name": "type", "in": "query", "description": "Only events of this type", "schema": {"type": "string", "enum": ["user.created", "identity.bound", "identity.unbound", "signin.succeeded", "binding.code_limit_reached", "official_account.followed", "official_account.unfollowed", "template_message.delivered", "template_message.failed", "oidc.tokens_issued", "oidc.tokens_revoked", "contact.changed", "account.exported", "user.deleted"]}},
              {"name": "since", "in": "query", "description": "Occurred at or after (ISO 8601 date-time)", "schema": {"type": "string", "format": "date-time"}},
              {"name": "until", "in": "query", "description": "Occurred before (ISO 8601 date-time)", "schema": {"type": "string", "format": "date-time"}},
              {"name": "cursor", "in": "query", "description": "The previous page's nextCursor: the events older than that page", "schema": {"type": "string"}},
              {"name": "limit", "in": "query", "description": "Events per page (default 100)", "schema": {"type": "integer", "minimum": 1, "maximum": 500}}
            ],
            "responses": {
              "200": {"description": "A page of events", "headers": {"Cache-Control": {"$ref": "#/components/headers/NoStore"}},
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EventPage"}}}},
              "400": {"description": "A malformed parameter (the reason names it)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "401": {"$ref": "#/components/responses/AdminTokenRefused"},
              "404": {"description": "The admin API is not configured", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "429": {"$ref": "#/components/responses/RateLimited"}
            }
          }
        },
        "/api/admin/webhooks": {
          "get": {
            "tags": ["admin"],
            "summary": "Every webhook endpoint, oldest first (never a secret)",
            "operationId": "adminListWebhooks",
            "security": [{"adminToken": []}],
            "responses": {
              "200": {"description": "The endpoints", "headers": {"Cache-Control": {"$ref": "#/components/headers/NoStore"}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WebhookEndpointList"}}}},
              "401": {"$ref": "#/components/responses/AdminTokenRefused"},
              "404": {"description": "The admin API is not configured", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "429": {"$ref": "#/components/responses/RateLimited"}
            }
          },
          "post": {
            "tags": ["admin"],
            "summary": "Register a webhook endpoint; its whsec_ secret is shown this once",
            "description": "url is https (plain http only to localhost, 127.0.0.1 or [::1]), without credentials or fragment. eventTypes omitted or [\"*\"]: every type. Every event of a wanted type appended from now on is delivered at least once, signed per Standard Webhooks (webhook-id = the event's id, webhook-timestamp, webhook-signature v1), in order per user, retried with back-off over about 28 hours, then dead.",
            "operationId": "adminCreateWebhook",
            "security": [{"adminToken": []}],
            "requestBody": {"required": true, "description": "At most 64 KiB", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WebhookInput"}}}},
            "responses": {
              "201": {"description": "Registered", "headers": {"Cache-Control": {"$ref": "#/components/headers/NoStore"}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WebhookEndpointWithSecret"}}},
                "links": {
                  "adminGetWebhook": {"operationId": "adminGetWebhook", "parameters": {"endpointID": "$response.body#/endpoint/id"}},
                  "adminUpdateWebhook": {"operationId": "adminUpdateWebhook", "parameters": {"endpointID": "$response.body#/endpoint/id"}},
                  "adminListWebhookDeliveries": {"operationId": "adminListWebhookDeliveries", "parameters": {"endpointID": "$response.body#/endpoint/id"}},
                  "adminReplayDeadWebhookDeliveries": {"operationId": "adminReplayDeadWebhookDeliveries", "parameters": {"endpointID": "$response.body#/endpoint/id"}},
                  "adminRotateWebhookSecret": {"operationId": "adminRotateWebhookSecret", "parameters": {"endpointID": "$response.body#/endpoint/id"}},
                  "adminDisableWebhook": {"operationId": "adminDisableWebhook", "parameters": {"endpointID": "$response.body#/endpoint/id"}}
                }},
              "400": {"description": "Not JSON of the expected shape, or a field refused (the reason names it)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "413": {"$ref": "#/components/responses/TooLarge"},
              "415": {"$ref": "#/components/responses/NotJSONContentType"},
              "401": {"$ref": "#/components/responses/AdminTokenRefused"},
              "404": {"description": "The admin API is not configured", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "429": {"$ref": "#/components/responses/RateLimited"}
            }
          }
        },
        "/api/admin/webhooks/{endpointID}": {
          "get": {
            "tags": ["admin"],
            "summary": "One webhook endpoint (never its secret)",
            "operationId": "adminGetWebhook",
            "security": [{"adminToken": []}],
            "parameters": [{"$ref": "#/components/parameters/WebhookEndpointID"}],
            "responses": {
              "200": {"description": "The endpoint", "headers": {"Cache-Control": {"$ref": "#/components/headers/NoStore"}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WebhookEndpoint"}}}},
              "401": {"$ref": "#/components/responses/AdminTokenRefused"},
              "404": {"description": "No such endpoint, or the admin API is not configured", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "429": {"$ref": "#/components/responses/RateLimited"}
            }
          },
          "patch": {
            "tags": ["admin"],
            "summary": "Change an endpoint's url, eventTypes, description or enabled (fields omitted stay)",
            "operationId": "adminUpdateWebhook",
            "security": [{"adminToken": []}],
            "parameters": [{"$ref": "#/components/parameters/WebhookEndpointID"}],
            "requestBody": {"required": true, "description": "At most 64 KiB", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WebhookInput"}}}},
            "responses": {
              "200": {"description": "Updated", "headers": {"Cache-Control": {"$ref": "#/components/headers/NoStore"}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WebhookEndpoint"}}}},
              "400": {"description": "Not JSON of the expected shape, or a field refused (the reason names it)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "413": {"$ref": "#/components/responses/TooLarge"},
              "415": {"$ref": "#/components/responses/NotJSONContentType"},
              "401": {"$ref": "#/components/responses/AdminTokenRefused"},
              "404": {"description": "No such endpoint, or the admin API is not configured", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "429": {"$ref": "#/components/responses/RateLimited"}
            }
          },
          "delete": {
            "tags": ["admin"],
            "summary": "Disable an endpoint: nothing more is queued or sent to it; it and its deliveries stay visible (again: also 204)",
            "operationId": "adminDisableWebhook",
            "security": [{"adminToken": []}],
            "parameters": [{"$ref": "#/components/parameters/WebhookEndpointID"}],
            "responses": {
              "204": {"description": "Disabled"},
              "401": {"$ref": "#/components/responses/AdminTokenRefused"},
              "404": {"description": "No such endpoint, or the admin API is not configured", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "429": {"$ref": "#/components/responses/RateLimited"}
            }
          }
        },
        "/api/admin/webhooks/{endpointID}/secret": {
          "post": {
            "tags": ["admin"],
            "summary": "Give an endpoint a new secret, shown once; deliveries from now on are signed with it",
            "operationId": "adminRotateWebhookSecret",
            "security": [{"adminToken": []}],
            "parameters": [{"$ref": "#/components/parameters/WebhookEndpointID"}],
            "responses": {
              "200": {"description": "The new secret", "headers": {"Cache-Control": {"$ref": "#/components/headers/NoStore"}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WebhookEndpointWithSecret"}}}},
              "401": {"$ref": "#/components/responses/AdminTokenRefused"},
              "404": {"description": "No such endpoint, or the admin API is not configured", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "429": {"$ref": "#/components/responses/RateLimited"}
            }
          }
        },
        "/api/admin/webhooks/{endpointID}/deliveries": {
          "get": {
            "tags": ["admin"],
            "summary": "An endpoint's deliveries, newest first: status, attempts, last answer or error, next attempt",
            "operationId": "adminListWebhookDeliveries",
            "security": [{"adminToken": []}],
            "parameters": [{"$ref": "#/components/parameters/WebhookEndpointID"}, {"name": "status", "in": "query", "description": "Only deliveries in this state", "schema": {"type": "string", "enum": ["pending", "sending", "delivered", "dead"]}}, {"name": "cursor", "in": "query", "description": "The previous page's nextCursor", "schema": {"type": "string"}}, {"name": "limit", "in": "query", "description": "Deliveries per page (default 100)", "schema": {"type": "integer", "minimum": 1, "maximum": 500}}],
            "responses": {
              "200": {"description": "A page of deliveries", "headers": {"Cache-Control": {"$ref": "#/components/headers/NoStore"}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WebhookDeliveryPage"}}}},
              "400": {"description": "A malformed parameter (the reason names it)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "401": {"$ref": "#/components/responses/AdminTokenRefused"},
              "404": {"description": "No such endpoint, or the admin API is not configured", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "429": {"$ref": "#/components/responses/RateLimited"}
            }
          }
        },
        "/api/admin/webhooks/{endpointID}/deliveries/{deliveryID}/replay": {
          "post": {
            "tags": ["admin"],
            "summary": "Send one dead (or delivered) delivery again, now, with its attempts counted afresh",
            "operationId": "adminReplayWebhookDelivery",
            "security": [{"adminToken": []}],
            "parameters": [{"$ref": "#/components/parameters/WebhookEndpointID"}, {"name": "deliveryID", "in": "path", "required": true, "description": "A delivery id of this endpoint; anything else answers 404", "schema": {"type": "string"}}],
            "responses": {
              "200": {"description": "Queued again", "headers": {"Cache-Control": {"$ref": "#/components/headers/NoStore"}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WebhookDelivery"}}}},
              "401": {"$ref": "#/components/responses/AdminTokenRefused"},
              "404": {"description": "No such endpoint or delivery, or the admin API is not configured", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "409": {"description": "The delivery is still pending or being sent", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "429": {"$ref": "#/components/responses/RateLimited"}
            }
          }
        },
        "/api/admin/webhooks/{endpointID}/replay": {
          "post": {
            "tags": ["admin"],
            "summary": "Send every dead delivery of an endpoint again, now",
            "operationId": "adminReplayDeadWebhookDeliveries",
            "security": [{"adminToken": []}],
            "parameters": [{"$ref": "#/components/parameters/WebhookEndpointID"}],
            "responses": {
              "200": {"description": "How many were queued again", "headers": {"Cache-Control": {"$ref": "#/components/headers/NoStore"}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WebhookReplayResult"}}}},
              "401": {"$ref": "#/components/responses/AdminTokenRefused"},
              "404": {"description": "No such endpoint, or the admin API is not configured", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "429": {"$ref": "#/components/responses/RateLimited"}
            }
          }
        },
        "/api/template-messages": {
          "post": {
            "tags": ["admin"],
            "summary": "Queue a template message to a business user or an openid (answers at once; workers send)",
            "operationId": "queueTemplateMessage",
            "security": [{"adminToken": []}],
            "requestBody": {"required": true, "description": "At most 64 KiB", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TemplateMessageRequest"}}}},
            "responses": {
              "202": {"description": "Queued", "headers": {"Location": {"$ref": "#/components/headers/MessageLocation"}},
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TemplateMessage"}}},
                "links": {"getQueuedMessage": {"operationId": "getTemplateMessage", "parameters": {"messageID": "$response.body#/id"}}}},
              "200": {"description": "The idempotency key was used before for this recipient: that message", "headers": {"Location": {"$ref": "#/components/headers/MessageLocation"}},
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TemplateMessage"}}},
                "links": {"getEarlierMessage": {"operationId": "getTemplateMessage", "parameters": {"messageID": "$response.body#/id"}}}},
              "400": {"$ref": "#/components/responses/NotJSON"},
              "401": {"$ref": "#/components/responses/AdminTokenRefused"},
              "404": {"description": "No such user, no official account, or the admin API is not configured", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "413": {"$ref": "#/components/responses/TooLarge"},
              "415": {"$ref": "#/components/responses/NotJSONContentType"},
              "422": {"description": "Invalid content (the reason says which field), or the user has no identity on the official account", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "429": {"$ref": "#/components/responses/RateLimited"}
            }
          }
        },
        "/api/template-messages/batch": {
          "post": {
            "tags": ["admin"],
            "summary": "Queue one template message to many recipients (1–1000); each refused recipient is listed with its reason",
            "operationId": "queueTemplateMessageBatch",
            "security": [{"adminToken": []}],
            "requestBody": {"required": true, "description": "At most 2 MiB", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TemplateBatchRequest"}}}},
            "responses": {
              "202": {"description": "Queued (some recipients may be refused)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TemplateBatchResult"}}},
                "links": {"getFirstAccepted": {"operationId": "getTemplateMessage", "parameters": {"messageID": "$response.body#/accepted/0/id"}}}},
              "400": {"$ref": "#/components/responses/NotJSON"},
              "401": {"$ref": "#/components/responses/AdminTokenRefused"},
              "404": {"description": "No official account, or the admin API is not configured", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "413": {"$ref": "#/components/responses/TooLarge"},
              "415": {"$ref": "#/components/responses/NotJSONContentType"},
              "422": {"description": "Invalid content (an Error), or every recipient refused (the batch result, nothing accepted)", "content": {"application/json": {"schema": {"oneOf": [{"$ref": "#/components/schemas/Error"}, {"$ref": "#/components/schemas/TemplateBatchResult"}]}}}},
              "429": {"$ref": "#/components/responses/RateLimited"}
            }
          }
        },
        "/api/template-messages/{messageID}": {
          "get": {
            "tags": ["admin"],
            "summary": "A queued message's status",
            "operationId": "getTemplateMessage",
            "security": [{"adminToken": []}],
            "parameters": [{"name": "messageID", "in": "path", "required": true, "description": "Anything else than a UUID answers 404", "schema": {"type": "string", "format": "uuid"}}],
            "responses": {
              "200": {"description": "The message", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TemplateMessage"}}}},
              "401": {"$ref": "#/components/responses/AdminTokenRefused"},
              "404": {"description": "No such message, no official account, or the admin API is not configured", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "429": {"$ref": "#/components/responses/RateLimited"}
            }
          }
        },
        "/oauth/register": {
          "post": {
            "tags": ["admin"],
            "summary": "Register an OpenID Connect client (RFC 7591); the initial access token is the admin bearer token",
            "description": "Unknown metadata fields are ignored. Omitted fields take their defaults: token_endpoint_auth_method client_secret_basic, grant_types [authorization_code], response_types [code], scope `openid profile email phone` (plus offline_access with the refresh_token grant), id_token_signed_response_alg RS256 (ES256 is the other choice). token_endpoint_auth_method `none` makes a public client (no secret; PKCE required). Redirect URIs are https (plain http only to 127.0.0.1, [::1] or localhost), without fragment, user info or wildcard, and are matched exactly. Errors are OAuth's shape (RFC 7591 §3.2.2), not the /api/ one.",
            "operationId": "registerClient",
            "security": [{"adminToken": []}],
            "requestBody": {"required": true, "description": "At most 64 KiB of JSON (read as JSON whatever the Content-Type)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ClientMetadata"},
              "example": {"client_name": "Shop", "redirect_uris": ["https://shop.example.com/auth/callback", "http://127.0.0.1:8080/callback"], "post_logout_redirect_uris": ["https://shop.example.com/"], "grant_types": ["authorization_code", "refresh_token"], "scope": "openid profile phone offline_access"}}}},
            "responses": {
              "201": {"description": "Registered; client_secret (confidential clients only) is shown this once", "headers": {"Cache-Control": {"$ref": "#/components/headers/NoStore"}},
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ClientRegistration"}}},
                "links": {
                  "adminGetClient": {"operationId": "adminGetClient", "parameters": {"clientID": "$response.body#/client_id"}},
                  "adminUpdateClient": {"operationId": "adminUpdateClient", "parameters": {"clientID": "$response.body#/client_id"}},
                  "adminRotateClientSecret": {"operationId": "adminRotateClientSecret", "parameters": {"clientID": "$response.body#/client_id"}},
                  "adminRevokeClient": {"operationId": "adminRevokeClient", "parameters": {"clientID": "$response.body#/client_id"}}
                }},
              "400": {"description": "Invalid metadata: invalid_redirect_uri or invalid_client_metadata", "headers": {"Cache-Control": {"$ref": "#/components/headers/NoStore"}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OAuthError"}}}},
              "401": {"description": "Missing or wrong initial access token (RFC 6750)", "headers": {"WWW-Authenticate": {"$ref": "#/components/headers/BearerChallenge"}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OAuthError"}}}},
              "404": {"description": "ADMIN_API_TOKEN is unset: registration is closed (invalid_request)", "headers": {"Cache-Control": {"$ref": "#/components/headers/NoStore"}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OAuthError"}}}},
              "413": {"$ref": "#/components/responses/OAuthTooLarge"},
              "429": {"$ref": "#/components/responses/OAuthRateLimited"}
            }
          }
        },
        "/api/admin/oidc-clients": {
          "get": {
            "tags": ["admin"],
            "summary": "Every registered OpenID Connect client, oldest first (never a secret)",
            "operationId": "adminListClients",
            "security": [{"adminToken": []}],
            "responses": {
              "200": {"description": "The clients", "headers": {"Cache-Control": {"$ref": "#/components/headers/NoStore"}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ClientList"}}}},
              "401": {"$ref": "#/components/responses/AdminTokenRefused"},
              "404": {"description": "The admin API is not configured", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "429": {"$ref": "#/components/responses/RateLimited"}
            }
          }
        },
        "/api/admin/oidc-clients/{clientID}": {
          "get": {
            "tags": ["admin"],
            "summary": "One client, active or revoked (never its secret)",
            "operationId": "adminGetClient",
            "security": [{"adminToken": []}],
            "parameters": [{"$ref": "#/components/parameters/ClientID"}],
            "responses": {
              "200": {"description": "The client", "headers": {"Cache-Control": {"$ref": "#/components/headers/NoStore"}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Client"}}}},
              "401": {"$ref": "#/components/responses/AdminTokenRefused"},
              "404": {"description": "No such client, or the admin API is not configured", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "429": {"$ref": "#/components/responses/RateLimited"}
            }
          },
          "put": {
            "tags": ["admin"],
            "summary": "Replace an active client's metadata (the registration body, checked the same way; omitted fields take their defaults); the secret is kept",
            "operationId": "adminUpdateClient",
            "security": [{"adminToken": []}],
            "parameters": [{"$ref": "#/components/parameters/ClientID"}],
            "requestBody": {"required": true, "description": "At most 64 KiB of JSON", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ClientMetadata"},
              "example": {"client_name": "Shop", "redirect_uris": ["https://shop.example.com/auth/callback"], "scope": "openid profile"}}}},
            "responses": {
              "200": {"description": "Updated", "headers": {"Cache-Control": {"$ref": "#/components/headers/NoStore"}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Client"}}}},
              "400": {"description": "Invalid metadata (the reason starts with invalid_redirect_uri or invalid_client_metadata)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "401": {"$ref": "#/components/responses/AdminTokenRefused"},
              "404": {"description": "No such client, or the admin API is not configured", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "409": {"description": "The client is revoked, or the update would turn a public client confidential or back", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "413": {"$ref": "#/components/responses/TooLarge"},
              "429": {"$ref": "#/components/responses/RateLimited"}
            }
          },
          "delete": {
            "tags": ["admin"],
            "summary": "Revoke a client: it stops working at once; it stays listed as revoked (again: also 204)",
            "operationId": "adminRevokeClient",
            "security": [{"adminToken": []}],
            "parameters": [{"$ref": "#/components/parameters/ClientID"}],
            "responses": {
              "204": {"description": "Revoked"},
              "401": {"$ref": "#/components/responses/AdminTokenRefused"},
              "404": {"description": "No such client, or the admin API is not configured", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "429": {"$ref": "#/components/responses/RateLimited"}
            }
          }
        },
        "/api/admin/oidc-clients/{clientID}/secret": {
          "post": {
            "tags": ["admin"],
            "summary": "Give a confidential client a new secret, shown once; the old one stops at once",
            "operationId": "adminRotateClientSecret",
            "security": [{"adminToken": []}],
            "parameters": [{"$ref": "#/components/parameters/ClientID"}],
            "responses": {
              "200": {"description": "The new secret", "headers": {"Cache-Control": {"$ref": "#/components/headers/NoStore"}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RotatedSecret"}}}},
              "401": {"$ref": "#/components/responses/AdminTokenRefused"},
              "404": {"description": "No such client, or the admin API is not configured", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "409": {"description": "The client is revoked, or public (it has no secret)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "429": {"$ref": "#/components/responses/RateLimited"}
            }
          }
        },
        "/livez": {
          "get": {
            "tags": ["operations"],
            "summary": "Liveness: the process answers (no database, no upstream)",
            "operationId": "live",
            "responses": {
              "200": {"description": "Alive", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}},
              "429": {"$ref": "#/components/responses/RateLimitedPage"}
            }
          }
        },
        "/healthz": {
          "get": {
            "tags": ["operations"],
            "summary": "Readiness: the process and its database answer",
            "operationId": "health",
            "responses": {
              "200": {"description": "Healthy", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}},
              "429": {"$ref": "#/components/responses/RateLimitedPage"}
            }
          }
        },
        "/openapi.json": {
          "get": {
            "tags": ["operations"],
            "summary": "This document",
            "operationId": "openAPIDocument",
            "responses": {
              "200": {"description": "The OpenAPI 3.1 document", "content": {"application/json": {"schema": {"type": "object", "required": ["openapi", "info", "paths"], "properties": {"openapi": {"type": "string", "const": "3.1.0"}}}}}},
              "429": {"$ref": "#/components/responses/RateLimitedPage"}
            }
          }
        },
        "/oauth/jwks": {
          "get": {
            "tags": ["openid-connect"],
            "summary": "The provider's public signing keys (RFC 7517 JWK Set): the current RS256 and ES256 keys, then retired keys until the tokens they signed expired",
            "operationId": "jwks",
            "responses": {
              "200": {"description": "The JWK Set", "headers": {"Cache-Control": {"description": "public, max-age=60", "schema": {"type": "string"}}},
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/JWKSet"}}}}
            }
          }
        },
        "/.well-known/openid-configuration": {
          "get": {
            "tags": ["openid-connect"],
            "summary": "OpenID Connect Discovery: the issuer (PUBLIC_URL) and its endpoints",
            "operationId": "openIDConfiguration",
            "responses": {
              "200": {"description": "The provider's metadata", "headers": {"Cache-Control": {"description": "public, max-age=300", "schema": {"type": "string"}}},
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OpenIDConfiguration"}}}}
            }
          }
        },
        "/oauth/token": {
          "post": {
            "tags": ["openid-connect"],
            "summary": "The token endpoint (RFC 6749 §4.1.3, §6): an authorization code and its PKCE verifier, or a refresh token, for an access token and an ID token",
            "description": "Client authentication: HTTP Basic with the form-urlencoded client_id and secret, or client_id and client_secret in the body, or (a public client) client_id alone. A code works once; a second redemption fails and revokes what the first issued. A refresh token (issued with offline_access to a client registered for the refresh_token grant) works once too: each use returns a new one (30 days, sliding, at most 90 days from the sign-in); presenting a used one fails and revokes its whole family and the family's access tokens. scope may narrow the new access token's scope (openid kept), never widen it.",
            "operationId": "token",
            "security": [{"clientSecretBasic": []}, {}],
            "requestBody": {"required": true, "content": {"application/x-www-form-urlencoded": {"schema": {
              "type": "object",
              "properties": {
                "grant_type": {"type": "string", "enum": ["authorization_code", "refresh_token"]},
                "code": {"type": "string"}, "redirect_uri": {"type": "string"}, "code_verifier": {"type": "string"},
                "refresh_token": {"type": "string"}, "scope": {"type": "string"},
                "client_id": {"type": "string"}, "client_secret": {"type": "string"}
              },
              "required": ["grant_type"]}}}},
            "responses": {
              "200": {"description": "Tokens", "headers": {"Cache-Control": {"$ref": "#/components/headers/NoStore"}},
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TokenResponse"}}}},
              "400": {"description": "invalid_request, invalid_grant, invalid_scope, unauthorized_client or unsupported_grant_type (RFC 6749 §5.2)", "headers": {"Cache-Control": {"$ref": "#/components/headers/NoStore"}},
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TokenError"}}}},
              "401": {"description": "invalid_client: unknown, revoked, or wrong credentials", "headers": {"WWW-Authenticate": {"description": "Basic realm=\"wechat-login\"", "schema": {"type": "string"}}},
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TokenError"}}}},
              "413": {"$ref": "#/components/responses/OAuthTooLarge"},
              "429": {"$ref": "#/components/responses/OAuthRateLimited"}
            }
          }
        },
        "/oauth/revoke": {
          "post": {
            "tags": ["openid-connect"],
            "summary": "Token revocation (RFC 7009): a refresh token ends its family and the family's access tokens; an access token ends itself",
            "description": "Client authentication as at /oauth/token. An unknown, expired or another client's token is answered 200 as well (RFC 7009 §2.2).",
            "operationId": "revokeToken",
            "security": [{"clientSecretBasic": []}, {}],
            "requestBody": {"required": true, "content": {"application/x-www-form-urlencoded": {"schema": {
              "type": "object",
              "properties": {
                "token": {"type": "string"}, "token_type_hint": {"type": "string"},
                "client_id": {"type": "string"}, "client_secret": {"type": "string"}
              },
              "required": ["token"]}}}},
            "responses": {
              "200": {"description": "Revoked, or nothing to revoke", "headers": {"Cache-Control": {"$ref": "#/components/headers/NoStore"}}},
              "400": {"description": "invalid_request (RFC 6749 §5.2)", "headers": {"Cache-Control": {"$ref": "#/components/headers/NoStore"}},
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TokenError"}}}},
              "401": {"description": "invalid_client: unknown, revoked, or wrong credentials", "headers": {"WWW-Authenticate": {"description": "Basic realm=\"wechat-login\"", "schema": {"type": "string"}}},
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TokenError"}}}},
              "413": {"$ref": "#/components/responses/OAuthTooLarge"},
              "429": {"$ref": "#/components/responses/OAuthRateLimited"}
            }
          }
        },
        "/oauth/userinfo": {
          "get": {
            "tags": ["openid-connect"],
            "summary": "The signed-in person's claims, by the access token's scopes (OpenID Connect Core §5.3)",
            "operationId": "userInfo",
            "security": [{"accessToken": []}],
            "responses": {
              "200": {"$ref": "#/components/responses/UserInfo"},
              "401": {"$ref": "#/components/responses/InvalidAccessToken"},
              "429": {"$ref": "#/components/responses/OAuthRateLimited"}
            }
          },
          "post": {
            "tags": ["openid-connect"],
            "summary": "The same as GET",
            "operationId": "userInfoPost",
            "security": [{"accessToken": []}],
            "responses": {
              "200": {"$ref": "#/components/responses/UserInfo"},
              "401": {"$ref": "#/components/responses/InvalidAccessToken"},
              "413": {"$ref": "#/components/responses/OAuthTooLarge"},
              "429": {"$ref": "#/components/responses/OAuthRateLimited"}
            }
          }
        },
        "/dev/outbox.json": {
          "get": {
            "tags": ["sandbox"],
            "summary": "The development outbox: the newest 50 one-time codes the server would have sent (sandbox mode only)",
            "operationId": "devOutbox",
            "parameters": [{"name": "destination", "in": "query", "description": "Only messages to this phone or email (as people type it); ignored when not a valid one", "schema": {"type": "string"}}],
            "responses": {
              "200": {"description": "Newest first", "content": {"application/json": {"schema": {"type": "array", "maxItems": 50, "items": {"$ref": "#/components/schemas/OutboxEntry"}}}}},
              "404": {"description": "Not in sandbox mode (an HTML page)", "content": {"text/html": {"schema": {"type": "string"}}}},
              "429": {"$ref": "#/components/responses/RateLimitedPage"}
            }
          }
        }
      },
      "components": {
        "securitySchemes": {
          "adminToken": {"type": "http", "scheme": "bearer", "description": "ADMIN_API_TOKEN"},
          "session": {"type": "apiKey", "in": "cookie", "name": "wl_session", "description": "The session cookie the login flow sets (HttpOnly, SameSite=Lax)"},
          "clientSecretBasic": {"type": "http", "scheme": "basic", "description": "A registered client's form-urlencoded client_id and secret"},
          "accessToken": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": "An access token from /oauth/token"}
        },
        "parameters": {
          "IdentityID": {"name": "identityID", "in": "path", "required": true, "description": "Anything else than a UUID answers 404", "schema": {"type": "string", "format": "uuid"}},
          "ExternalID": {"name": "externalID", "in": "path", "required": true, "description": "The business's own id for the user (percent-encoded): 1–255 UTF-8 bytes, no control or invisible format characters, no white space at either end; compared exactly", "schema": {"type": "string", "minLength": 1}},
          "WebhookEndpointID": {"name": "endpointID", "in": "path", "required": true, "description": "Anything else than a UUID answers 404", "schema": {"type": "string", "format": "uuid"}},
          "ClientID": {"name": "clientID", "in": "path", "required": true, "description": "A client_id; an unknown one answers 404", "schema": {"type": "string"}},
          "CSRFToken": {"name": "X-CSRF-Token", "in": "header", "required": false, "description": "The session's CSRF token (`csrfToken` of GET /api/me); a missing or wrong one answers 403", "schema": {"type": "string"}}
        },
        "headers": {
          "RetryAfter": {"required": true, "description": "Seconds until a new attempt may succeed", "schema": {"type": "string", "pattern": "^[0-9]+$"}},
          "MessageLocation": {"required": true, "description": "The message's status URL", "schema": {"type": "string", "pattern": "^/api/template-messages/[0-9a-f-]{36}$"}},
          "WWWAuthenticate": {"required": true, "schema": {"type": "string", "const": "Bearer"}},
          "BearerChallenge": {"required": true, "description": "`Bearer` without credentials, `Bearer error=\"invalid_token\"` with wrong ones", "schema": {"type": "string", "pattern": "^Bearer( error=\"invalid_token\")?$"}},
          "NoStore": {"required": true, "schema": {"type": "string", "const": "no-store"}}
        },
        "responses": {
          "NotSignedIn": {"description": "Not signed in", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "CSRFRefused": {"description": "Missing or wrong X-CSRF-Token", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "AdminTokenRefused": {"description": "Missing or wrong bearer token", "headers": {"WWW-Authenticate": {"$ref": "#/components/headers/WWWAuthenticate"}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "RateLimited": {"description": "Too many requests (only while RATE_LIMITS is on)", "headers": {"Retry-After": {"$ref": "#/components/headers/RetryAfter"}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "UserInfo": {"description": "sub, and the claims the scopes grant", "headers": {"Cache-Control": {"$ref": "#/components/headers/NoStore"}},
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UserInfo"}}}},
          "InvalidAccessToken": {"description": "No access token, or one that is invalid, expired or revoked (RFC 6750 §3)",
            "headers": {"WWW-Authenticate": {"description": "Bearer realm=\"wechat-login\", error=\"invalid_token\" (without error when no token was sent)", "schema": {"type": "string"}}},
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BearerError"}}}},
          "OAuthRateLimited": {"description": "Too many requests (only while RATE_LIMITS is on): temporarily_unavailable, in OAuth's shape", "headers": {"Retry-After": {"$ref": "#/components/headers/RetryAfter"}, "Cache-Control": {"$ref": "#/components/headers/NoStore"}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OAuthMiddlewareError"}}}},
          "OAuthTooLarge": {"description": "The body is larger than 64 KiB: invalid_request (invalid_client_metadata at /oauth/register)", "headers": {"Cache-Control": {"$ref": "#/components/headers/NoStore"}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OAuthMiddlewareError"}}}},
          "RateLimitedPage": {"description": "Too many requests (only while RATE_LIMITS is on); a page for people", "headers": {"Retry-After": {"$ref": "#/components/headers/RetryAfter"}}, "content": {"text/html": {"schema": {"type": "string"}}}},
          "NotJSON": {"description": "Not JSON of the expected shape (a wrong type, a missing required field)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "NotJSONContentType": {"description": "No Content-Type, or one the server cannot decode", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "TooLarge": {"description": "The body is larger than the operation allows", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "WeChatRefused": {"description": "WeChat refused or failed (the reason carries its errcode)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "WeChatQuotaSpent": {"description": "WeChat's quota for this call is spent: try later", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "WeChatTimeout": {"description": "WeChat did not answer in time", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        },
        "schemas": {
          "AccountDeleteRequest": {
            "type": "object",
            "properties": {"confirmation": {"type": "string", "description": "The typed confirmation: DELETE (any case) or 注销"}},
            "required": ["confirmation"]
          },
          "UserDeleted": {
            "type": "object",
            "description": "What a deletion removed. The ids are the ones the user.deleted event carries.",
            "properties": {
              "user_id": {"type": "string", "format": "uuid"},
              "external_id": {"type": "string", "description": "The business's id for the user; absent when it had none"},
              "identities": {"type": "integer", "description": "WeChat identities deleted (with their sealed tokens)"},
              "sessions": {"type": "integer", "description": "Sessions ended, on every instance"},
              "cancelled_messages": {"type": "integer", "description": "Template messages not yet sent, deleted"},
              "delivered_messages": {"type": "integer", "description": "Template messages WeChat reported delivered (kept without recipient or content, or counted before the retention sweep deleted them)"},
              "revoked_tokens": {"type": "integer", "description": "OpenID Connect refresh and access tokens that were still alive"}
            },
            "required": ["user_id", "identities", "sessions", "cancelled_messages", "delivered_messages", "revoked_tokens"],
            "additionalProperties": false
          },
          "ContactChangeRequest": {
            "type": "object",
            "properties": {"contact": {"type": "string", "description": "The new mainland mobile number (11 digits, +86 allowed) or email address"}},
            "required": ["contact"]
          },
          "ContactChangeCodeSent": {
            "type": "object",
            "properties": {
              "challenge_id": {"type": "string", "format": "uuid"},
              "field": {"type": "string", "enum": ["phone", "email"], "description": "Which field the code changes"},
              "destination": {"type": "string", "description": "The new address, masked (139****9000, a***@example.com)"},
              "expires_in": {"type": "integer", "description": "Seconds the code is valid"}
            },
            "required": ["challenge_id", "field", "destination", "expires_in"],
            "additionalProperties": false
          },
          "ContactChangeVerifyRequest": {
            "type": "object",
            "properties": {"challenge_id": {"type": "string", "format": "uuid"}, "code": {"type": "string", "description": "The 6-digit code sent to the new address"}},
            "required": ["challenge_id", "code"]
          },
          "Error": {
            "type": "object",
            "description": "Every error under /api/: the reason is meant for the developer; it never carries secrets or internals (a 5xx says only that something went wrong)",
            "properties": {"error": {"type": "boolean", "const": true}, "reason": {"type": "string"}},
            "required": ["error", "reason"],
            "additionalProperties": false
          },
          "JWKSet": {
            "type": "object",
            "properties": {"keys": {"type": "array", "minItems": 2, "items": {"$ref": "#/components/schemas/JWK"}}},
            "required": ["keys"],
            "additionalProperties": false
          },
          "JWK": {
            "type": "object",
            "description": "A public key: RSA (n, e) for RS256 or EC P-256 (crv, x, y) for ES256; never private parameters. kid is the RFC 7638 thumbprint.",
            "properties": {
              "kid": {"type": "string", "minLength": 1},
              "kty": {"type": "string", "enum": ["RSA", "EC"]},
              "alg": {"type": "string", "enum": ["RS256", "ES256"]},
              "use": {"type": "string", "const": "sig"},
              "n": {"type": "string"}, "e": {"type": "string"},
              "crv": {"type": "string", "const": "P-256"}, "x": {"type": "string"}, "y": {"type": "string"}
            },
            "required": ["kid", "kty", "alg", "use"],
            "additionalProperties": false
          },
          "Status": {
            "type": "object",
            "properties": {"status": {"type": "string", "const": "ok"}},
            "required": ["status"],
            "additionalProperties": false
          },
          "User": {
            "type": "object",
            "description": "A user (dates in ISO 8601, UTC)",
            "properties": {
              "id": {"type": "string", "format": "uuid"},
              "displayName": {"type": "string"},
              "phone": {"type": "string", "description": "A mainland mobile number: 11 digits, without +86"},
              "email": {"type": "string"},
              "externalID": {"type": "string", "description": "The business's own id for the user, when it gave one"},
              "createdAt": {"type": "string", "format": "date-time"}
            },
            "required": ["id"],
            "additionalProperties": false
          },
          "Account": {
            "type": "object",
            "description": "A user and their WeChat identities (dates in ISO 8601, UTC). Never carries tokens.",
            "properties": {
              "user": {"$ref": "#/components/schemas/User"},
              "identities": {"type": "array", "items": {"$ref": "#/components/schemas/Identity"}},
              "csrfToken": {"type": "string", "description": "GET /api/me only: the session's CSRF token, for the X-CSRF-Token header of the session's POSTs"}
            },
            "required": ["user", "identities"],
            "additionalProperties": false
          },
          "Identity": {
            "type": "object",
            "properties": {
              "id": {"type": "string", "format": "uuid"},
              "appKind": {"type": "string", "enum": ["officialAccount", "website"]},
              "appID": {"type": "string"},
              "openID": {"type": "string"},
              "unionID": {"type": "string"},
              "nickname": {"type": "string"},
              "avatarURL": {"type": "string"},
              "scopes": {"type": "array", "items": {"type": "string", "enum": ["snsapi_base", "snsapi_userinfo", "snsapi_login"]}},
              "needsReauthorization": {"type": "boolean", "description": "WeChat no longer accepts the stored grant: the person must sign in with WeChat again before refresh works"},
              "lastLoginAt": {"type": "string", "format": "date-time"}
            },
            "required": ["id", "appKind", "appID", "openID", "scopes", "needsReauthorization"],
            "additionalProperties": false
          },
          "AccountExport": {
            "type": "object",
            "description": "Everything held about one person (format wechat-login.export/1; fields may be added, a removal or rename is a new format). Dates in ISO 8601, UTC. Never a token, hash, code or secret.",
            "properties": {
              "format": {"type": "string", "const": "wechat-login.export/1"},
              "exported_at": {"type": "string", "format": "date-time"},
              "user": {"type": "object", "properties": {
                "id": {"type": "string", "format": "uuid"}, "external_id": {"type": "string"}, "name": {"type": "string"},
                "phone": {"type": "string"}, "email": {"type": "string"}, "created_at": {"type": "string", "format": "date-time"},
                "updated_at": {"type": "string", "format": "date-time"}}, "required": ["id"], "additionalProperties": false},
              "identities": {"type": "array", "items": {"type": "object", "properties": {
                "id": {"type": "string", "format": "uuid"}, "appid": {"type": "string"}, "app_kind": {"type": "string", "enum": ["officialAccount", "website"]},
                "openid": {"type": "string"}, "unionid": {"type": "string"}, "nickname": {"type": "string"}, "avatar_url": {"type": "string"},
                "scopes": {"type": "array", "items": {"type": "string"}}, "is_snapshot_user": {"type": "boolean"},
                "following": {"type": "boolean", "description": "Follows the official account, as WeChat last said; absent until it said"},
                "needs_reauthorization": {"type": "boolean"},
                "holds_wechat_tokens": {"type": "boolean", "description": "Sealed WeChat user tokens are stored (their values never leave the server)"},
                "access_token_expires_at": {"type": "string", "format": "date-time"}, "refresh_token_expires_at": {"type": "string", "format": "date-time"},
                "last_sign_in_at": {"type": "string", "format": "date-time"}, "created_at": {"type": "string", "format": "date-time"},
                "updated_at": {"type": "string", "format": "date-time"}},
                "required": ["id", "appid", "app_kind", "openid", "scopes", "is_snapshot_user", "needs_reauthorization", "holds_wechat_tokens"], "additionalProperties": false}},
              "sessions": {"type": "array", "description": "The session the export was asked from", "items": {"type": "object", "properties": {
                "created_at": {"type": "string", "format": "date-time"}, "expires_at": {"type": "string", "format": "date-time"}, "current": {"type": "boolean"}},
                "required": ["created_at", "expires_at", "current"], "additionalProperties": false}},
              "apps": {"type": "array", "description": "OpenID Connect clients the person was issued tokens for", "items": {"type": "object", "properties": {
                "client_id": {"type": "string"}, "client_name": {"type": "string"}, "scopes": {"type": "array", "items": {"type": "string"}},
                "first_issued_at": {"type": "string", "format": "date-time"}, "last_issued_at": {"type": "string", "format": "date-time"},
                "active_refresh_families": {"type": "integer", "minimum": 0}, "active_access_tokens": {"type": "integer", "minimum": 0}},
                "required": ["client_id", "scopes", "first_issued_at", "last_issued_at", "active_refresh_families", "active_access_tokens"], "additionalProperties": false}},
              "template_messages": {"type": "array", "description": "Newest first", "items": {"type": "object", "properties": {
                "id": {"type": "string", "format": "uuid"}, "appid": {"type": "string"}, "openid": {"type": "string"}, "template_id": {"type": "string"},
                "url": {"type": "string"}, "data": {"type": "array", "items": {"type": "object", "properties": {"key": {"type": "string"}, "value": {"type": "string"}, "color": {"type": "string"}}, "required": ["key", "value"], "additionalProperties": false}},
                "status": {"type": "string", "enum": ["queued", "sending", "sent", "delivered", "blocked", "failed"]}, "attempts": {"type": "integer"},
                "msgid": {"type": "integer"}, "errcode": {"type": "integer"}, "reason": {"type": "string"}, "delivery_status": {"type": "string"},
                "created_at": {"type": "string", "format": "date-time"}, "sent_at": {"type": "string", "format": "date-time"}, "finished_at": {"type": "string", "format": "date-time"}},
                "required": ["id", "appid", "openid", "template_id", "data", "status", "attempts"], "additionalProperties": false}},
              "wechat_pushes": {"type": "array", "description": "What WeChat pushed to the official account about the person's identities (follows, messages they wrote, delivery reports), newest first", "items": {"type": "object", "properties": {
                "appid": {"type": "string"}, "openid": {"type": "string"}, "msg_type": {"type": "string"}, "event": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}}, "create_time": {"type": "integer"},
                "received_at": {"type": "string", "format": "date-time"}},
                "required": ["appid", "openid", "msg_type", "fields", "create_time"], "additionalProperties": false}},
              "events": {"type": "array", "description": "The person's audit trail, newest first, as GET /api/admin/events shows it", "items": {"$ref": "#/components/schemas/Event"}},
              "limits": {"type": "object", "description": "The most rows of each history an export holds", "properties": {"events": {"type": "integer"}, "template_messages": {"type": "integer"}, "wechat_pushes": {"type": "integer"}}, "required": ["events", "template_messages", "wechat_pushes"], "additionalProperties": false},
              "truncated": {"type": "object", "description": "true: older rows exist beyond the limit", "properties": {"events": {"type": "boolean"}, "template_messages": {"type": "boolean"}, "wechat_pushes": {"type": "boolean"}}, "required": ["events", "template_messages", "wechat_pushes"], "additionalProperties": false}
            },
            "required": ["format", "exported_at", "user", "identities", "sessions", "apps", "template_messages", "wechat_pushes", "events", "limits", "truncated"],
            "additionalProperties": false
          },
          "EventPage": {
            "type": "object",
            "properties": {
              "events": {"type": "array", "items": {"$ref": "#/components/schemas/Event"}},
              "nextCursor": {"type": "string", "description": "Present when the page is full: pass it as cursor for older events"}
            },
            "required": ["events"],
            "additionalProperties": false
          },
          "Event": {
            "type": "object",
            "description": "One change, written in the change's own transaction; types and payload fields are listed in README (Events)",
            "properties": {
              "id": {"type": "string", "description": "The event's place in the log (increasing)"},
              "type": {"type": "string", "enum": ["user.created", "identity.bound", "identity.unbound", "signin.succeeded", "binding.code_limit_reached", "official_account.followed", "official_account.unfollowed", "template_message.delivered", "template_message.failed", "oidc.tokens_issued", "oidc.tokens_revoked", "contact.changed", "account.exported", "user.deleted"]},
              "occurredAt": {"type": "string", "format": "date-time"},
              "userID": {"type": "string", "format": "uuid", "description": "The user it concerns, when there is one"},
              "actor": {"type": "object", "description": "Who did it, from which address (the client address TRUSTED_PROXIES resolves)",
                "properties": {"kind": {"type": "string", "enum": ["person", "admin", "client", "wechat", "system"]}, "address": {"type": "string"}},
                "required": ["kind"], "additionalProperties": false},
              "payload": {"$ref": "#/components/schemas/EventPayload"}
            },
            "required": ["id", "type", "occurredAt", "actor", "payload"],
            "additionalProperties": false
          },
          "EventPayload": {
            "type": "object",
            "description": "Ids, appids, openids and client ids only: never tokens, codes, secrets, phones or emails",
            "properties": {
              "identity_id": {"type": "string", "format": "uuid"}, "appid": {"type": "string"}, "openid": {"type": "string"},
              "unionid": {"type": "string"}, "via": {"type": "string"}, "flow": {"type": "string"}, "client_id": {"type": "string"},
              "challenge_id": {"type": "string", "format": "uuid"}, "limit": {"type": "string"},
              "message_id": {"type": "string", "format": "uuid"}, "msgid": {"type": "integer"}, "status": {"type": "string"},
              "errcode": {"type": "integer"}, "reason": {"type": "string"}, "grant": {"type": "string"}, "grant_id": {"type": "string"},
              "scope": {"type": "string"}, "refresh_token": {"type": "boolean"}, "jti": {"type": "string"}, "count": {"type": "integer"},
              "field": {"type": "string", "enum": ["phone", "email"]},
              "external_id": {"type": "string", "description": "user.deleted: the business's id for the deleted user"},
              "delivered_messages": {"type": "integer", "description": "user.deleted: template messages delivered to them"}
            },
            "additionalProperties": false
          },
          "WebhookInput": {
            "type": "object",
            "description": "Unknown fields are ignored",
            "properties": {
              "url": {"type": "string", "description": "Required at creation: https, or http to localhost (development)", "example": "https://shop.example.com/hooks/wechat-login"},
              "eventTypes": {"type": ["array", "null"], "description": "The types wanted, or [\"*\"] for all; omitted or null: all at creation, unchanged in PATCH", "minItems": 1, "items": {"type": "string", "enum": ["*", "user.created", "identity.bound", "identity.unbound", "signin.succeeded", "binding.code_limit_reached", "official_account.followed", "official_account.unfollowed", "template_message.delivered", "template_message.failed", "oidc.tokens_issued", "oidc.tokens_revoked", "contact.changed", "account.exported", "user.deleted"]}},
              "description": {"type": ["string", "null"], "maxLength": 200, "description": "Omitted or null: none at creation, unchanged in PATCH"},
              "enabled": {"type": ["boolean", "null"], "description": "false: nothing is queued or sent to it; true resumes its pending deliveries. Omitted or null: enabled at creation, unchanged in PATCH"}
            }
          },
          "WebhookEndpoint": {
            "type": "object",
            "properties": {
              "id": {"type": "string", "format": "uuid"}, "url": {"type": "string"},
              "eventTypes": {"type": "array", "items": {"type": "string"}, "description": "[\"*\"]: every type"},
              "description": {"type": "string"}, "enabled": {"type": "boolean"},
              "createdAt": {"type": "string", "format": "date-time"}, "updatedAt": {"type": "string", "format": "date-time"}
            },
            "required": ["id", "url", "eventTypes", "enabled", "createdAt", "updatedAt"],
            "additionalProperties": false
          },
          "WebhookEndpointWithSecret": {
            "type": "object",
            "properties": {
              "endpoint": {"$ref": "#/components/schemas/WebhookEndpoint"},
              "secret": {"type": "string", "description": "whsec_ and base64 of 32 random bytes: the Standard Webhooks signing secret, shown this once"}
            },
            "required": ["endpoint", "secret"],
            "additionalProperties": false
          },
          "WebhookEndpointList": {
            "type": "object",
            "properties": {"endpoints": {"type": "array", "items": {"$ref": "#/components/schemas/WebhookEndpoint"}}},
            "required": ["endpoints"],
            "additionalProperties": false
          },
          "WebhookDelivery": {
            "type": "object",
            "properties": {
              "id": {"type": "string"}, "eventID": {"type": "string", "description": "The event's id: the webhook-id header"},
              "eventType": {"type": "string", "description": "Absent once retention removed the event"},
              "userID": {"type": "string", "format": "uuid"},
              "status": {"type": "string", "enum": ["pending", "sending", "delivered", "dead"]},
              "attempts": {"type": "integer", "minimum": 0},
              "nextAttemptAt": {"type": "string", "format": "date-time", "description": "When pending"},
              "lastStatus": {"type": "integer", "description": "The endpoint's last HTTP status"},
              "lastError": {"type": "string"}, "lastAttemptAt": {"type": "string", "format": "date-time"},
              "deliveredAt": {"type": "string", "format": "date-time"}, "createdAt": {"type": "string", "format": "date-time"}
            },
            "required": ["id", "eventID", "status", "attempts", "createdAt"],
            "additionalProperties": false
          },
          "WebhookDeliveryPage": {
            "type": "object",
            "properties": {
              "deliveries": {"type": "array", "items": {"$ref": "#/components/schemas/WebhookDelivery"}},
              "nextCursor": {"type": "string", "description": "Present when the page is full: pass it as cursor for older deliveries"}
            },
            "required": ["deliveries"],
            "additionalProperties": false
          },
          "WebhookReplayResult": {
            "type": "object",
            "properties": {"replayed": {"type": "integer", "minimum": 0}},
            "required": ["replayed"],
            "additionalProperties": false
          },
          "AccessTokenStatus": {
            "type": "object",
            "properties": {
              "appID": {"type": "string"},
              "mode": {"type": "string", "enum": ["classic", "stable"]},
              "fetchesToday": {"type": "integer", "minimum": 0},
              "dailyLimit": {"type": "integer", "minimum": 1},
              "nearDailyLimit": {"type": "boolean", "description": "At least 90 % of the daily limit is spent"},
              "expiresAt": {"type": "string", "format": "date-time", "description": "Absent while no token is stored"}
            },
            "required": ["appID", "mode", "fetchesToday", "dailyLimit", "nearDailyLimit"],
            "additionalProperties": false
          },
          "OpenID": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$", "description": "An openid of the official account, as WeChat writes them"},
          "TemplateData": {
            "type": "object",
            "description": "The template's placeholders: {{keyword1.DATA}} is filled from keyword1.value",
            "minProperties": 1,
            "maxProperties": 50,
            "propertyNames": {"pattern": "^[A-Za-z0-9_]{1,64}$"},
            "additionalProperties": {
              "type": "object",
              "properties": {"value": {"type": "string", "maxLength": 2000}, "color": {"type": "string", "pattern": "^#[0-9A-Fa-f]{6}$"}},
              "required": ["value"]
            }
          },
          "MiniProgram": {
            "type": "object",
            "description": "A mini program page to open instead of the URL",
            "properties": {"appid": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"}, "pagepath": {"type": "string", "maxLength": 512}},
            "required": ["appid"]
          },
          "TemplateContent": {
            "type": "object",
            "properties": {
              "template_id": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,128}$"},
              "url": {"type": "string", "maxLength": 1024, "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[^/?#]", "description": "An absolute http(s) URL with a host"},
              "miniprogram": {"$ref": "#/components/schemas/MiniProgram"},
              "data": {"$ref": "#/components/schemas/TemplateData"},
              "idempotency_key": {"type": "string", "pattern": "^[!-~]{1,64}$", "description": "Sent to WeChat as client_msg_id; repeating it for the same recipient returns the first message (200) instead of queueing another"}
            },
            "required": ["template_id", "data"]
          },
          "Recipient": {
            "type": "object",
            "description": "Exactly one of user_id (a business user who signed in inside WeChat), external_id (the same, by the business's own id) and openid",
            "properties": {
              "user_id": {"type": "string", "format": "uuid"},
              "external_id": {"type": "string", "description": "An unknown one answers 404 (a batch lists it as refused)"},
              "openid": {"$ref": "#/components/schemas/OpenID"}
            },
            "oneOf": [{"required": ["user_id"]}, {"required": ["external_id"]}, {"required": ["openid"]}]
          },
          "TemplateMessageRequest": {
            "description": "The content, and exactly one of user_id, external_id and openid",
            "allOf": [{"$ref": "#/components/schemas/TemplateContent"}, {"$ref": "#/components/schemas/Recipient"}]
          },
          "TemplateBatchRequest": {
            "allOf": [
              {"$ref": "#/components/schemas/TemplateContent"},
              {"type": "object", "properties": {"recipients": {"type": "array", "minItems": 1, "maxItems": 1000, "items": {"$ref": "#/components/schemas/Recipient"}}}, "required": ["recipients"]}
            ]
          },
          "UserUpsertRequest": {
            "type": "object",
            "description": "What the business knows of the user; absent, null or empty fields leave what is on file alone",
            "properties": {
              "phone": {"type": ["string", "null"], "description": "A mainland China mobile number: 11 digits starting with 1; +86 or 0086, spaces and dashes allowed. Stored as the 11 digits binding looks up"},
              "email": {"type": ["string", "null"], "description": "Trimmed and lowercased"},
              "name": {"type": ["string", "null"], "maxLength": 64, "description": "Shown as the user's display name"}
            }
          },
          "UserUpdateRequest": {
            "allOf": [{"$ref": "#/components/schemas/UserUpsertRequest"},
                      {"type": "object", "properties": {"externalID": {"type": ["string", "null"], "description": "As the ExternalID path parameter; sets or changes the user's external id"}}}]
          },
          "UserUpsertResult": {
            "type": "object",
            "properties": {
              "result": {"type": "string", "enum": ["created", "updated", "unchanged"]},
              "user": {"$ref": "#/components/schemas/User"}
            },
            "required": ["result", "user"],
            "additionalProperties": false
          },
          "UserBatchRequest": {
            "type": "object",
            "properties": {
              "users": {"type": "array", "minItems": 1, "maxItems": 1000, "items": {
                "allOf": [{"$ref": "#/components/schemas/UserUpsertRequest"},
                          {"type": "object", "properties": {"externalID": {"type": "string", "description": "As the ExternalID path parameter"}}, "required": ["externalID"]}]}}
            },
            "required": ["users"]
          },
          "UserBatchResult": {
            "type": "object",
            "properties": {
              "results": {"type": "array", "items": {"type": "object", "properties": {
                "index": {"type": "integer", "minimum": 0},
                "result": {"type": "string", "enum": ["created", "updated", "unchanged", "rejected"]},
                "userID": {"type": "string", "format": "uuid"},
                "reason": {"type": "string", "description": "Why the item was rejected"}}, "required": ["index", "result"], "additionalProperties": false}},
              "created": {"type": "integer", "minimum": 0},
              "updated": {"type": "integer", "minimum": 0},
              "unchanged": {"type": "integer", "minimum": 0},
              "rejected": {"type": "integer", "minimum": 0}
            },
            "required": ["results", "created", "updated", "unchanged", "rejected"],
            "additionalProperties": false
          },
          "MessageStatus": {"type": "string", "enum": ["queued", "sending", "sent", "delivered", "blocked", "failed"]},
          "TemplateMessage": {
            "type": "object",
            "properties": {
              "id": {"type": "string", "format": "uuid"},
              "status": {"$ref": "#/components/schemas/MessageStatus"},
              "user_id": {"type": "string", "format": "uuid"},
              "openid": {"type": "string"},
              "template_id": {"type": "string"},
              "batch_id": {"type": "string", "format": "uuid"},
              "msgid": {"type": "string", "pattern": "^[0-9]+$", "description": "WeChat's msgid, as a string (it exceeds 2^53)"},
              "errcode": {"type": "integer"},
              "reason": {"type": "string"},
              "delivery_status": {"type": "string", "description": "The Status of WeChat's TEMPLATESENDJOBFINISH report"},
              "attempts": {"type": "integer", "minimum": 0},
              "next_attempt_at": {"type": "string", "format": "date-time", "description": "Only while queued"},
              "created_at": {"type": "string", "format": "date-time"},
              "sent_at": {"type": "string", "format": "date-time"},
              "finished_at": {"type": "string", "format": "date-time"}
            },
            "required": ["id", "status", "openid", "template_id", "attempts"],
            "additionalProperties": false
          },
          "TemplateBatchResult": {
            "type": "object",
            "properties": {
              "batch_id": {"type": "string", "format": "uuid"},
              "accepted": {"type": "array", "items": {"type": "object", "properties": {"index": {"type": "integer", "minimum": 0}, "id": {"type": "string", "format": "uuid"}, "status": {"$ref": "#/components/schemas/MessageStatus"}}, "required": ["index", "id", "status"], "additionalProperties": false}},
              "rejected": {"type": "array", "items": {"type": "object", "properties": {"index": {"type": "integer", "minimum": 0}, "reason": {"type": "string"}}, "required": ["index", "reason"], "additionalProperties": false}}
            },
            "required": ["batch_id", "accepted", "rejected"],
            "additionalProperties": false
          },
          "OutboxEntry": {
            "type": "object",
            "properties": {
              "channel": {"type": "string", "enum": ["phone", "email"]},
              "destination": {"type": "string"},
              "body": {"type": "string"},
              "code": {"type": "string", "pattern": "^[0-9]{6}$"},
              "createdAt": {"type": "string", "format": "date-time"}
            },
            "required": ["channel", "destination", "body"],
            "additionalProperties": false
          },
          "URIList": {"type": ["array", "null"], "maxItems": 10, "items": {"type": "string", "minLength": 1, "maxLength": 1024}},
          "ClientMetadata": {
            "type": "object",
            "description": "RFC 7591 client metadata; other fields are ignored",
            "properties": {
              "client_name": {"type": ["string", "null"], "maxLength": 200},
              "redirect_uris": {"type": "array", "minItems": 1, "maxItems": 10, "items": {"type": "string", "minLength": 1, "maxLength": 1024}},
              "post_logout_redirect_uris": {"$ref": "#/components/schemas/URIList"},
              "token_endpoint_auth_method": {"type": ["string", "null"], "enum": ["client_secret_basic", "client_secret_post", "none", null]},
              "grant_types": {"type": ["array", "null"], "minItems": 1, "items": {"type": "string", "enum": ["authorization_code", "refresh_token"]}},
              "response_types": {"type": ["array", "null"], "items": {"type": "string", "enum": ["code"]}},
              "scope": {"type": ["string", "null"], "description": "Space-separated, from openid, profile, email, phone, offline_access (with the refresh_token grant, and only then), wechat, external_id; must include openid"},
              "id_token_signed_response_alg": {"type": ["string", "null"], "enum": ["RS256", "ES256", null], "description": "How the client's ID tokens are signed (OpenID Connect Dynamic Client Registration §2); RS256 when omitted. Access tokens are RS256 either way."}
            },
            "required": ["redirect_uris"]
          },
          "ClientRegistration": {
            "type": "object",
            "properties": {
              "client_id": {"type": "string"},
              "client_secret": {"type": "string", "description": "Confidential clients only; shown this once, stored only as its SHA-256"},
              "client_id_issued_at": {"type": "integer"},
              "client_secret_expires_at": {"type": "integer", "const": 0, "description": "With a secret: it does not expire"},
              "client_name": {"type": "string"},
              "redirect_uris": {"type": "array", "items": {"type": "string"}},
              "post_logout_redirect_uris": {"type": "array", "items": {"type": "string"}},
              "token_endpoint_auth_method": {"type": "string", "enum": ["client_secret_basic", "client_secret_post", "none"]},
              "grant_types": {"type": "array", "items": {"type": "string", "enum": ["authorization_code", "refresh_token"]}},
              "response_types": {"type": "array", "items": {"type": "string", "enum": ["code"]}},
              "scope": {"type": "string"},
              "id_token_signed_response_alg": {"type": "string", "enum": ["RS256", "ES256"]}
            },
            "required": ["client_id", "client_id_issued_at", "redirect_uris", "post_logout_redirect_uris", "token_endpoint_auth_method", "grant_types", "response_types", "scope", "id_token_signed_response_alg"],
            "additionalProperties": false
          },
          "Client": {
            "type": "object",
            "description": "A registered client as the admin API shows it; never its secret",
            "properties": {
              "client_id": {"type": "string"},
              "client_name": {"type": "string"},
              "redirect_uris": {"type": "array", "items": {"type": "string"}},
              "post_logout_redirect_uris": {"type": "array", "items": {"type": "string"}},
              "token_endpoint_auth_method": {"type": "string", "enum": ["client_secret_basic", "client_secret_post", "none"]},
              "grant_types": {"type": "array", "items": {"type": "string", "enum": ["authorization_code", "refresh_token"]}},
              "response_types": {"type": "array", "items": {"type": "string", "enum": ["code"]}},
              "scope": {"type": "string"},
              "id_token_signed_response_alg": {"type": "string", "enum": ["RS256", "ES256"]},
              "status": {"type": "string", "enum": ["active", "revoked"]},
              "created_at": {"type": "string", "format": "date-time"},
              "updated_at": {"type": "string", "format": "date-time"},
              "revoked_at": {"type": "string", "format": "date-time"}
            },
            "required": ["client_id", "redirect_uris", "post_logout_redirect_uris", "token_endpoint_auth_method", "grant_types", "response_types", "scope", "id_token_signed_response_alg", "status", "created_at", "updated_at"],
            "additionalProperties": false
          },
          "ClientList": {
            "type": "object",
            "properties": {"clients": {"type": "array", "items": {"$ref": "#/components/schemas/Client"}}},
            "required": ["clients"],
            "additionalProperties": false
          },
          "RotatedSecret": {
            "type": "object",
            "properties": {"client_id": {"type": "string"}, "client_secret": {"type": "string"}, "client_secret_expires_at": {"type": "integer", "const": 0}},
            "required": ["client_id", "client_secret", "client_secret_expires_at"],
            "additionalProperties": false
          },
          "OpenIDConfiguration": {
            "type": "object",
            "properties": {
              "issuer": {"type": "string"}, "authorization_endpoint": {"type": "string"}, "token_endpoint": {"type": "string"},
              "userinfo_endpoint": {"type": "string"}, "jwks_uri": {"type": "string"}, "registration_endpoint": {"type": "string"}, "end_session_endpoint": {"type": "string"}, "revocation_endpoint": {"type": "string"}, "revocation_endpoint_auth_methods_supported": {"type": "array", "items": {"type": "string"}},
              "scopes_supported": {"type": "array", "items": {"type": "string"}},
              "response_types_supported": {"type": "array", "items": {"type": "string"}},
              "response_modes_supported": {"type": "array", "items": {"type": "string"}},
              "grant_types_supported": {"type": "array", "items": {"type": "string"}},
              "subject_types_supported": {"type": "array", "items": {"type": "string"}},
              "id_token_signing_alg_values_supported": {"type": "array", "items": {"type": "string"}},
              "token_endpoint_auth_methods_supported": {"type": "array", "items": {"type": "string"}},
              "code_challenge_methods_supported": {"type": "array", "items": {"type": "string"}},
              "claims_supported": {"type": "array", "items": {"type": "string"}},
              "prompt_values_supported": {"type": "array", "items": {"type": "string"}},
              "ui_locales_supported": {"type": "array", "items": {"type": "string"}},
              "authorization_response_iss_parameter_supported": {"type": "boolean"}
            },
            "required": ["issuer", "authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri", "registration_endpoint", "end_session_endpoint", "revocation_endpoint", "revocation_endpoint_auth_methods_supported",
              "scopes_supported", "response_types_supported", "response_modes_supported", "grant_types_supported", "subject_types_supported",
              "id_token_signing_alg_values_supported", "token_endpoint_auth_methods_supported", "code_challenge_methods_supported",
              "claims_supported", "prompt_values_supported", "ui_locales_supported", "authorization_response_iss_parameter_supported"],
            "additionalProperties": false
          },
          "TokenResponse": {
            "type": "object",
            "properties": {
              "access_token": {"type": "string", "description": "A JWT (RFC 9068, typ at+jwt) for /oauth/userinfo"},
              "token_type": {"type": "string", "const": "Bearer"},
              "expires_in": {"type": "integer"},
              "id_token": {"type": "string", "description": "A JWS signed with the client's id_token_signed_response_alg (RS256 by default, or ES256): iss, sub, aud, exp, iat, auth_time, nonce, azp, amr, at_hash"},
              "scope": {"type": "string"},
              "refresh_token": {"type": "string", "description": "Opaque, single use; only when offline_access was granted"}
            },
            "required": ["access_token", "token_type", "expires_in", "id_token", "scope"],
            "additionalProperties": false
          },
          "TokenError": {
            "type": "object",
            "description": "The token endpoint's errors (RFC 6749 §5.2)",
            "properties": {"error": {"type": "string", "enum": ["invalid_request", "invalid_client", "invalid_grant", "invalid_scope", "unauthorized_client", "unsupported_grant_type"]}, "error_description": {"type": "string"}},
            "required": ["error"],
            "additionalProperties": false
          },
          "BearerError": {
            "type": "object",
            "description": "The userinfo endpoint's errors (RFC 6750 §3.1)",
            "properties": {"error": {"type": "string", "enum": ["invalid_request", "invalid_token"]}, "error_description": {"type": "string"}},
            "required": ["error"],
            "additionalProperties": false
          },
          "UserInfo": {
            "type": "object",
            "description": "sub always; profile: name, picture, updated_at; email: email, email_verified; phone: phone_number (E.164), phone_number_verified; wechat (our own scope): wechat_identities; external_id (our own scope): external_id",
            "properties": {
              "sub": {"type": "string", "description": "The user's id here (never a WeChat openid)"},
              "name": {"type": "string"}, "picture": {"type": "string"}, "updated_at": {"type": "integer"},
              "email": {"type": "string"}, "email_verified": {"type": "boolean"},
              "phone_number": {"type": "string"}, "phone_number_verified": {"type": "boolean"},
              "wechat_identities": {"type": "array", "items": {"type": "object", "properties": {
                "appid": {"type": "string"}, "openid": {"type": "string"}, "unionid": {"type": "string"},
                "app_kind": {"type": "string", "enum": ["officialAccount", "website"]}}, "required": ["appid", "openid", "app_kind"], "additionalProperties": false}},
              "external_id": {"type": "string", "description": "The business's own id for the user, when it gave one"}
            },
            "required": ["sub"],
            "additionalProperties": false
          },
          "OAuthError": {
            "type": "object",
            "description": "OAuth's error shape (RFC 6749 §5.2, RFC 7591 §3.2.2)",
            "properties": {"error": {"type": "string", "enum": ["invalid_redirect_uri", "invalid_client_metadata", "invalid_token", "invalid_request"]}, "error_description": {"type": "string"}},
            "required": ["error"],
            "additionalProperties": false
          },
          "OAuthMiddlewareError": {
            "type": "object",
            "description": "What the provider's machine endpoints answer for what no route answered: a rate-limit refusal, a body too large, a malformed body or an unexpected failure (RFC 6749 §5.2's shape; error_description is printable ASCII)",
            "properties": {"error": {"type": "string", "enum": ["invalid_request", "invalid_client_metadata", "temporarily_unavailable", "server_error"]}, "error_description": {"type": "string"}},
            "required": ["error", "error_description"],
            "additionalProperties": false
          }
        }
      }
    }
    """#
}
