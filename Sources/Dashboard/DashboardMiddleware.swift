import Foundation
import Hummingbird

/// What every response gets, whatever the route (README "Dashboard", security model):
/// - the token check when one is set: `Authorization: Bearer TOKEN` or the `callscope_token`
///   cookie (set by `/login?token=`), compared in constant time; `/healthz` and `/login` are open;
/// - security headers: a Content-Security-Policy with no script source at all (the pages have
///   none), `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`, no framing, no caching;
/// - errors as plain-text 4xx/503 with their message: a bad parameter is a 400, never a 500.
struct DashboardMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        if let token, !["/healthz", "/login"].contains(request.uri.path), !Self.authorized(request, token: token) {
            response = Self.plain(.unauthorized, "A token is needed: send 'Authorization: Bearer TOKEN', or open /login?token=TOKEN once in this browser.\n")
            response.headers[.wwwAuthenticate] = "Bearer"
        } else {
            do {
                response = try await next(request, context)
            } catch let error as DashboardError {
                response = Self.plain(error.httpStatus, error.description + "\n")
            } catch let error as any HTTPResponseError {
                response = Self.plain(error.status, error.status == .notFound ? "No such page.\n" : "\(error.status.reasonPhrase)\n")
            } catch {
                response = Self.plain(.serviceUnavailable, "The store could not be read: \(error)\n")
            }
        }
        response.headers[.contentSecurityPolicy] = DashboardPages.policy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.init("Referrer-Policy")!] = "no-referrer"
        response.headers[.init("X-Frame-Options")!] = "DENY"
        response.headers[.cacheControl] = "no-store"
        return response
    }

    static func plain(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func authorized(_ request: Request, token: String) -> Bool {
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer "),
           TokenCheck.constantTimeEqual(String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces), token) {
            return true
        }
        if let cookie = request.cookies[TokenCheck.cookieName], TokenCheck.constantTimeEqual(cookie.value.removingPercentEncoding ?? cookie.value, token) { return true }
        return false
    }
}

/// Token comparison that leaks no position of the first difference.
enum TokenCheck {
    /// Whether `a` equals `b`, in time that depends on their lengths only (not on where they differ).
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var difference = x.count == y.count ? 0 : 1
        for i in 0..<max(x.count, y.count) {
            difference |= Int((i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0))
        }
        return difference == 0
    }

    static let cookieName = "callscope_token"

    /// `/login?token=T`: sets the cookie (HttpOnly, SameSite=Strict) and goes to the overview.
    static func login(_ parameters: QueryParameters, token: String?) throws(DashboardError) -> Response {
        guard let token else { return Response(status: .seeOther, headers: [.location: "/"]) }
        guard let given = parameters.value("token"), TokenCheck.constantTimeEqual(given, token) else {
            throw DashboardError(.unauthorized, "Wrong or missing token.")
        }
        return Response(status: .seeOther, headers: [.location: "/", .setCookie: "\(cookieName)=\(Links.component(token)); Path=/; HttpOnly; SameSite=Strict"])
    }
}
