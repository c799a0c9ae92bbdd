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
        "/healthz": {
          "get": {
            "summary": "Liveness and database reachability",
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
