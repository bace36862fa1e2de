import CallMetrics
import CallModel
import Foundation
import Reports

/// What `callscope serve` serves and how (README "Dashboard"): the store, the address, the
/// token, and the site's settings the pages compute with.
public struct DashboardConfiguration: Sendable {
    /// The callscope database, opened read-only.
    public var databasePath: String
    public var listen: ListenAddress
    /// Required from every client (bearer header or cookie) when set; required to listen on
    /// anything but a loopback address.
    public var token: String?
    /// The site's metric settings (time zone, thresholds, windows, campaigns); `from`/`to` unset.
    public var options: MetricsOptions
    public var targets: ReportTargets
    public var site: String?
    /// The overview reloads itself this often (so it follows `watch --db`); nil for never.
    public var refreshSeconds: Int?
    /// The clock the default range (the last 7 local days) is taken from.
    public var now: @Sendable () -> Timestamp
    /// Visit attribution on the pages (`/attribution`, the overview's section, each call's fields).
    public var attribution: DashboardAttribution

    public init(databasePath: String, listen: ListenAddress = .init(host: "127.0.0.1", port: 8080), token: String? = nil,
                options: MetricsOptions, targets: ReportTargets = .init(), site: String? = nil, refreshSeconds: Int? = 60,
                now: @escaping @Sendable () -> Timestamp = { Timestamp(nanoseconds: Int64(Date().timeIntervalSince1970 * 1e9)) },
                attribution: DashboardAttribution = .init()) {
        self.databasePath = databasePath; self.listen = listen; self.token = token; self.options = options
        self.targets = targets; self.site = site; self.refreshSeconds = refreshSeconds; self.now = now
        self.attribution = attribution
    }

    /// Refuses to serve the store's data beyond this machine without a token.
    public func validate() throws(DashboardError) {
        if let token, token.utf8.count < 16 {
            throw DashboardError(.badRequest, "--token must be at least 16 characters (got \(token.utf8.count)).")
        }
        if !listen.isLoopback, token == nil {
            throw DashboardError(.badRequest, "--listen \(listen) is not a loopback address: give --token (or CALLSCOPE_TOKEN) so that only people with it can read the calls.")
        }
    }
}

/// How the pages attribute calls to website visits (README "Visit attribution").
///
/// Without an engine the pages show the attribution `import` stored with each call (`import
/// --visits`). With one (`serve --visits FILE`, with the pools of `--pool`, the profile or the
/// campaigns file) every call the pages read is attributed again, as `report --db ... --visits` does: over the calls of the
/// range and the repeat window before it, so a repeat caller keeps their first touch
/// (`--touch first`), and the pool exhaustion of the visits is shown.
public struct DashboardAttribution: Sendable {
    public var engine: AttributionEngine?
    public var touch: RepeatTouch
    /// Ad spend per day (`--costs`), for cost per call and ROI.
    public var costs: [CostEntry]
    /// Revenue of a qualified call attributed to a visit (`--value`).
    public var valuePerQualified: Double?
    /// The pools' exhaustion over every visit (computed once).
    let exhaustion: [PoolExhaustion]

    public init(engine: AttributionEngine? = nil, touch: RepeatTouch = .first, costs: [CostEntry] = [], valuePerQualified: Double? = nil) {
        self.engine = engine; self.touch = touch; self.costs = costs; self.valuePerQualified = valuePerQualified
        exhaustion = engine?.exhaustion() ?? []
    }

    /// `calls` (the stored calls of a range widened by the repeat window) with their attribution.
    func attribute(_ calls: [Call], options: MetricsOptions) -> [Call] {
        engine.map { $0.attribute(calls, touch: touch, repeatWindow: options.repeatWindow) } ?? calls
    }

    /// The attribution view of prepared calls, by `by` (one of the visit fields).
    func report(_ history: CallHistory, by: GroupBy, options: MetricsOptions) -> AttributionReport {
        MetricsEngine.attributionReport(history, by: by, options: options, costs: costs, valuePerQualified: valuePerQualified,
                                        exhaustion: exhaustion)
    }
}

/// `--listen HOST:PORT`: `127.0.0.1:8080`, `[::1]:8080`, `0.0.0.0:80`, `localhost:8080`.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) { self.host = host; self.port = port }

    /// Parses `HOST:PORT` (IPv6 in brackets); nil when it is not one.
    public static func parse(_ text: String) -> ListenAddress? {
        let host: Substring, portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, let port = Int(portText), (0...65_535).contains(port) else { return nil }
        return ListenAddress(host: String(host), port: port)
    }

    /// 127.0.0.0/8, ::1 or `localhost`: reachable from this machine only.
    public var isLoopback: Bool {
        if host == "localhost" || host == "::1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
