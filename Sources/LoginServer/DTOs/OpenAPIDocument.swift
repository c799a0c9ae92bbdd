/// The OpenAPI 3.1 description of the JSON API, served at `/openapi.json`.
enum OpenAPIDocument {
    static let json = #"""
    {
      "openapi": "3.1.0",
      "info": {
        "title": "wechat-login",
        "version": "0.1.0",
        "description": "Sign in with WeChat: the signed-in user's account and WeChat identities. Authentication is the session cookie set by the login flow (`/login` → WeChat → `/auth/wechat/callback`). Responses never contain WeChat tokens."
      },
      "paths": {
        "/api/me": {
          "get": {
            "summary": "The signed-in user and their WeChat identities",
            "operationId": "getMe",
            "responses": {
              "200": {"description": "Signed in", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Me"}}}},
              "401": {"description": "Not signed in", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            }
          }
        },
        "/api/me/identities/{identityID}/unbind": {
          "post": {
            "summary": "Unlink one WeChat identity (never the last one)",
            "operationId": "unbindIdentity",
            "parameters": [{"name": "identityID", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
            "responses": {
              "200": {"description": "Unlinked; the account as it is now", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Me"}}}},
              "401": {"description": "Not signed in", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "404": {"description": "No such identity on this account", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "409": {"description": "It is the last way to sign in", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            }
          }
        },
        "/api/me/identities/{identityID}/refresh": {
          "post": {
            "summary": "Re-read one identity's WeChat profile (the stored user token is refreshed first when expired)",
            "operationId": "refreshIdentity",
            "parameters": [{"name": "identityID", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
            "responses": {
              "200": {"description": "Refreshed; the account as it is now", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Me"}}}},
              "401": {"description": "Not signed in", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "404": {"description": "No such identity on this account", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "409": {"description": "WeChat authorization expired: sign in with WeChat again", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "502": {"description": "WeChat refused or failed", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            }
          }
        },
        "/api/logout": {
          "post": {
            "summary": "End the session",
            "operationId": "logout",
            "responses": {"204": {"description": "Signed out"}}
          }
        },
        "/api/admin/users/{userID}": {
          "get": {
            "summary": "A user and their WeChat identities (admin bearer token)",
            "operationId": "adminGetUser",
            "security": [{"adminToken": []}],
            "parameters": [{"name": "userID", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
            "responses": {
              "200": {"description": "Found", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Me"}}}},
              "401": {"description": "Missing or wrong bearer token", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "404": {"description": "No such user, or the admin API is not configured", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            }
          }
        },
        "/api/admin/users": {
          "get": {
            "summary": "Find a user by phone, email or WeChat openid (exactly one; appid narrows an openid)",
            "operationId": "adminFindUser",
            "security": [{"adminToken": []}],
            "parameters": [
              {"name": "phone", "in": "query", "schema": {"type": "string"}},
              {"name": "email", "in": "query", "schema": {"type": "string"}},
              {"name": "openid", "in": "query", "schema": {"type": "string"}},
              {"name": "appid", "in": "query", "schema": {"type": "string"}}
            ],
            "responses": {
              "200": {"description": "Found", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Me"}}}},
              "400": {"description": "Not exactly one of phone, email, openid", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "401": {"description": "Missing or wrong bearer token", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "404": {"description": "No user matches, or the admin API is not configured", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            }
          }
        },
        "/api/admin/access-token": {
          "get": {
            "summary": "The shared access_token: today's fetches against WeChat's daily quota, and its expiry",
            "operationId": "adminAccessToken",
            "security": [{"adminToken": []}],
            "responses": {
              "200": {"description": "Status", "content": {"application/json": {"schema": {"type": "object", "properties": {
                "appID": {"type": "string"}, "mode": {"type": "string", "enum": ["classic", "stable"]},
                "fetchesToday": {"type": "integer"}, "dailyLimit": {"type": "integer"}, "nearDailyLimit": {"type": "boolean"},
                "expiresAt": {"type": ["string", "null"], "format": "date-time"}},
                "required": ["appID", "mode", "fetchesToday", "dailyLimit", "nearDailyLimit"]}}}},
              "401": {"description": "Missing or wrong bearer token", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "404": {"description": "No official account, or the admin API is not configured", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            }
          }
        },
        "/api/template-messages": {
          "post": {
            "summary": "Queue a template message to a business user or an openid (answers at once; workers send)",
            "operationId": "queueTemplateMessage",
            "security": [{"adminToken": []}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TemplateMessageRequest"}}}},
            "responses": {
              "202": {"description": "Queued", "headers": {"Location": {"schema": {"type": "string"}}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TemplateMessage"}}}},
              "200": {"description": "The idempotency key was used before for this recipient: that message", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TemplateMessage"}}}},
              "400": {"description": "Not JSON of the expected shape", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "401": {"description": "Missing or wrong bearer token", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "404": {"description": "No such user, no official account, or the admin API is not configured", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "422": {"description": "Invalid content (the reason says which field)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            }
          }
        },
        "/api/template-messages/batch": {
          "post": {
            "summary": "Queue one template message to many recipients (at most 1000)",
            "operationId": "queueTemplateMessageBatch",
            "security": [{"adminToken": []}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {
              "recipients": {"type": "array", "maxItems": 1000, "items": {"type": "object", "properties": {"user_id": {"type": "string", "format": "uuid"}, "openid": {"type": "string"}}}},
              "template_id": {"type": "string"}, "url": {"type": "string"}, "miniprogram": {"$ref": "#/components/schemas/MiniProgram"},
              "data": {"$ref": "#/components/schemas/TemplateData"}, "idempotency_key": {"type": "string", "maxLength": 64}},
              "required": ["recipients", "template_id", "data"]}}}},
            "responses": {
              "202": {"description": "Queued (some recipients may be refused)", "content": {"application/json": {"schema": {"type": "object", "properties": {
                "batch_id": {"type": "string", "format": "uuid"},
                "accepted": {"type": "array", "items": {"type": "object", "properties": {"index": {"type": "integer"}, "id": {"type": "string", "format": "uuid"}, "status": {"type": "string"}}, "required": ["index", "id", "status"]}},
                "rejected": {"type": "array", "items": {"type": "object", "properties": {"index": {"type": "integer"}, "reason": {"type": "string"}}, "required": ["index", "reason"]}}},
                "required": ["batch_id", "accepted", "rejected"]}}}},
              "401": {"description": "Missing or wrong bearer token", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "422": {"description": "Invalid content, or every recipient refused", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            }
          }
        },
        "/api/template-messages/{messageID}": {
          "get": {
            "summary": "A queued message's status",
            "operationId": "getTemplateMessage",
            "security": [{"adminToken": []}],
            "parameters": [{"name": "messageID", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
            "responses": {
              "200": {"description": "The message", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TemplateMessage"}}}},
              "401": {"description": "Missing or wrong bearer token", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "404": {"description": "No such message", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            }
          }
        },
        "/livez": {
          "get": {
            "summary": "Liveness: the process answers (no database, no upstream)",
            "operationId": "live",
            "responses": {"200": {"description": "Alive", "content": {"application/json": {"schema": {"type": "object", "properties": {"status": {"type": "string", "const": "ok"}}, "required": ["status"]}}}}}
          }
        },
        "/healthz": {
          "get": {
            "summary": "Readiness: the process and its database answer",
            "operationId": "health",
            "responses": {"200": {"description": "Healthy", "content": {"application/json": {"schema": {"type": "object", "properties": {"status": {"type": "string", "const": "ok"}}, "required": ["status"]}}}}}
          }
        }
      },
      "components": {
        "securitySchemes": {
          "adminToken": {"type": "http", "scheme": "bearer", "description": "ADMIN_API_TOKEN"}
        },
        "schemas": {
          "TemplateData": {
            "type": "object",
            "description": "The template's placeholders: {{keyword1.DATA}} is filled from keyword1.value",
            "additionalProperties": {"type": "object", "properties": {"value": {"type": "string", "maxLength": 2000}, "color": {"type": "string", "pattern": "^#[0-9A-Fa-f]{6}$"}}, "required": ["value"]}
          },
          "MiniProgram": {
            "type": "object",
            "properties": {"appid": {"type": "string"}, "pagepath": {"type": "string"}},
            "required": ["appid"]
          },
          "TemplateMessageRequest": {
            "type": "object",
            "description": "Exactly one of user_id and openid",
            "properties": {
              "user_id": {"type": "string", "format": "uuid"},
              "openid": {"type": "string"},
              "template_id": {"type": "string"},
              "url": {"type": "string", "format": "uri"},
              "miniprogram": {"$ref": "#/components/schemas/MiniProgram"},
              "data": {"$ref": "#/components/schemas/TemplateData"},
              "idempotency_key": {"type": "string", "maxLength": 64, "description": "Sent to WeChat as client_msg_id; repeating it for the same recipient returns the first message"}
            },
            "required": ["template_id", "data"]
          },
          "TemplateMessage": {
            "type": "object",
            "properties": {
              "id": {"type": "string", "format": "uuid"},
              "status": {"type": "string", "enum": ["queued", "sending", "sent", "delivered", "blocked", "failed"]},
              "user_id": {"type": ["string", "null"], "format": "uuid"},
              "openid": {"type": "string"},
              "template_id": {"type": "string"},
              "batch_id": {"type": ["string", "null"], "format": "uuid"},
              "msgid": {"type": ["string", "null"], "description": "WeChat's msgid, as a string (it exceeds 2^53)"},
              "errcode": {"type": ["integer", "null"]},
              "reason": {"type": ["string", "null"]},
              "delivery_status": {"type": ["string", "null"], "description": "The Status of WeChat's TEMPLATESENDJOBFINISH report"},
              "attempts": {"type": "integer"},
              "next_attempt_at": {"type": ["string", "null"], "format": "date-time"},
              "created_at": {"type": ["string", "null"], "format": "date-time"},
              "sent_at": {"type": ["string", "null"], "format": "date-time"},
              "finished_at": {"type": ["string", "null"], "format": "date-time"}
            },
            "required": ["id", "status", "openid", "template_id", "attempts"]
          },
          "Error": {
            "type": "object",
            "properties": {"error": {"type": "boolean"}, "reason": {"type": "string"}},
            "required": ["error", "reason"]
          },
          "Me": {
            "type": "object",
            "properties": {
              "user": {
                "type": "object",
                "properties": {
                  "id": {"type": "string", "format": "uuid"},
                  "displayName": {"type": ["string", "null"]},
                  "phone": {"type": ["string", "null"]},
                  "email": {"type": ["string", "null"]},
                  "createdAt": {"type": ["string", "null"], "format": "date-time"}
                },
                "required": ["id"]
              },
              "identities": {
                "type": "array",
                "items": {
                  "type": "object",
                  "properties": {
                    "id": {"type": "string", "format": "uuid"},
                    "appKind": {"type": "string", "enum": ["officialAccount", "website"]},
                    "appID": {"type": "string"},
                    "openID": {"type": "string"},
                    "unionID": {"type": ["string", "null"]},
                    "nickname": {"type": ["string", "null"]},
                    "avatarURL": {"type": ["string", "null"]},
                    "scopes": {"type": "array", "items": {"type": "string"}},
                    "needsReauthorization": {"type": "boolean"},
                    "lastLoginAt": {"type": ["string", "null"], "format": "date-time"}
                  },
                  "required": ["id", "appKind", "appID", "openID", "scopes", "needsReauthorization"]
                }
              }
            },
            "required": ["user", "identities"]
          }
        }
      }
    }
    """#
}
