import HTTPServer
import UnionCardCore

/// JSON answers and the error envelope `{"error": "<code>", "message": "…"}` of DESIGN.md.
enum APIResponses {
    /// A JSON body with the given status.
    static func json(_ status: Int, _ body: [UInt8], headers: [(name: String, value: String)] = [])
        -> HTTPResponse
    {
        HTTPResponse(
            status: status,
            headers: [("Content-Type", "application/json; charset=utf-8"), ("Cache-Control", "no-store")]
                + headers,
            body: body)
    }

    /// An error answer.
    static func error(
        _ status: Int, _ code: String, _ message: String, headers: [(name: String, value: String)] = []
    ) -> HTTPResponse {
        var json = JSONWriter()
        json.object { object in
            object.field("error", string: code)
            object.field("message", string: message)
        }
        return Self.json(status, json.bytes, headers: headers)
    }

    static func notFound() -> HTTPResponse {
        error(404, "not_found", "No such endpoint. Try GET /v1/lookup?code=…")
    }

    static func methodNotAllowed(_ allowed: [String]) -> HTTPResponse {
        let list = allowed.joined(separator: ", ")
        return error(405, "method_not_allowed", "This endpoint accepts \(list).", headers: [("Allow", list)])
    }

    static func payloadTooLarge(limit: Int) -> HTTPResponse {
        error(413, "payload_too_large", "The request body is larger than \(limit / 1024) KiB.")
    }

    static func unsupportedMediaType() -> HTTPResponse {
        error(415, "unsupported_media_type", "Send the body as Content-Type: application/json.")
    }

    static func unauthorized(_ message: String) -> HTTPResponse {
        error(401, "unauthorized", message, headers: [("WWW-Authenticate", "Bearer")])
    }

    static func forbidden(_ message: String) -> HTTPResponse {
        error(403, "forbidden", message)
    }

    static func unavailable() -> HTTPResponse {
        error(
            503, "unavailable",
            "The registry is unavailable; nothing was recorded. Retry with the same reference.",
            headers: [("Retry-After", "1")])
    }

    static func badRequest(_ input: InputError) -> HTTPResponse {
        error(400, input.error, input.message)
    }
}
