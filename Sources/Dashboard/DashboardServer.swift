import CallMetrics
import CallModel
import Foundation
import Hummingbird
import Reports

/// `callscope serve`: the dashboard's pages and JSON over the store on Hummingbird
/// (README "Dashboard"). The router is built in one function from the page functions; security
/// headers, the token and the mapping of errors to 4xx/503 are one middleware.
public enum DashboardServer {
    /// The application, ready to run (`try await app.runService()`); `onListening` gets the bound
    /// address (the port the system chose for port 0).
    public static func application(_ configuration: DashboardConfiguration,
                                   onListening: @escaping @Sendable (String) -> Void = { _ in }) throws(DashboardError) -> some ApplicationProtocol {
        try configuration.validate()
        let store = try DashboardStore(path: configuration.databasePath, attribution: configuration.attribution)
        let pages = DashboardPages(configuration: configuration, store: store)
        let router = router(pages)
        let host = configuration.listen.host
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: configuration.listen.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.listen.port
                onListening("http://" + ListenAddress(host: host, port: port).description + "/")
                Task.detached(priority: .utility) { await pages.keepWarm() }
            })
    }

    static func router(_ pages: DashboardPages) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: DashboardMiddleware(token: pages.configuration.token))
        let sectionParameters = DashboardPages.rangeParameters
        router.get("/") { request, _ in
            html(try pages.overview(QueryParameters(request.uri.query, allowed: sectionParameters)))
        }
        for path in ["/lost", "/agents", "/campaigns", "/heatmap"] {
            router.get(RouterPath(path)) { request, _ in
                html(try pages.section(path, QueryParameters(request.uri.query, allowed: sectionParameters)))
            }
        }
        router.get("/attribution") { request, _ in
            html(try pages.attribution(QueryParameters(request.uri.query, allowed: DashboardPages.attributionParameters)))
        }
        router.get("/calls") { request, _ in
            html(try pages.callList(QueryParameters(request.uri.query, allowed: DashboardPages.listParameters)))
        }
        router.get("/calls/:key") { request, context in
            _ = try QueryParameters(request.uri.query, allowed: [])
            return html(try pages.callDetail(try key(context)))
        }
        let api = DashboardAPI(pages: pages)
        router.get("/api/report") { request, _ in
            json(try api.report(QueryParameters(request.uri.query, allowed: DashboardAPI.reportParameters)))
        }
        router.get("/api/calls") { request, _ in
            json(try api.calls(QueryParameters(request.uri.query, allowed: DashboardPages.listParameters)))
        }
        router.get("/api/calls/:key") { request, context in
            _ = try QueryParameters(request.uri.query, allowed: [])
            return json(try api.call(try key(context)))
        }
        router.get("/api/lost") { request, _ in
            json(try api.lost(QueryParameters(request.uri.query, allowed: sectionParameters)))
        }
        router.get("/healthz") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        router.get("/login") { request, _ in
            try TokenCheck.login(QueryParameters(request.uri.query, allowed: ["token"]), token: pages.configuration.token)
        }
        return router
    }

    /// The `{key}` path segment, percent-decoded.
    static func key(_ context: BasicRequestContext) throws(DashboardError) -> CallKey {
        guard let raw = context.parameters.get("key"), let text = raw.removingPercentEncoding, let key = CallKey(text) else {
            throw DashboardError(.badRequest, "A call's key is <start in nanoseconds>-<Call-ID>, as the call list links it.")
        }
        return key
    }

    static func html(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func json(_ bytes: [UInt8]) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// The dashboard's pages rendered in process, without HTTP: what `callscope-dev bench dashboard`
/// times (the page's own cost: reading the store, the metrics, the markup).
public struct DashboardRenderer: Sendable {
    let pages: DashboardPages

    public init(_ configuration: DashboardConfiguration) throws(DashboardError) {
        pages = DashboardPages(configuration: configuration, store: try DashboardStore(path: configuration.databasePath, attribution: configuration.attribution))
    }

    /// The HTML of `/`, `/calls`, `/lost`, `/agents`, `/campaigns`, `/attribution` or `/heatmap` for `query`.
    public func page(_ path: String, query: String?) throws(DashboardError) -> String {
        switch path {
        case "/": return try pages.overview(QueryParameters(query, allowed: DashboardPages.rangeParameters))
        case "/calls": return try pages.callList(QueryParameters(query, allowed: DashboardPages.listParameters))
        case "/attribution": return try pages.attribution(QueryParameters(query, allowed: DashboardPages.attributionParameters))
        default: return try pages.section(path, QueryParameters(query, allowed: DashboardPages.rangeParameters))
        }
    }
}
