import CallMetrics
import CallModel
import Foundation

/// Targets a site sets for its KPIs, as fractions; nil when not set. The report marks each
/// tile's figure as met or missed.
public struct ReportTargets: Sendable, Hashable {
    /// Service level at least this.
    public var serviceLevel: Double?
    /// Abandonment rate at most this.
    public var abandonment: Double?
    /// Blocked-call rate at most this (`--blocked-target`).
    public var blockedRate: Double?

    public init(serviceLevel: Double? = nil, abandonment: Double? = nil, blockedRate: Double? = nil) {
        self.serviceLevel = serviceLevel; self.abandonment = abandonment; self.blockedRate = blockedRate
    }
}

/// What the report's header says besides the figures.
public struct HTMLReportContext: Sendable {
    /// The site's name, when known.
    public var site: String?
    /// The inputs as given (files, folders, the database).
    public var inputs: [String]
    public var generatedAt: Timestamp
    public var options: MetricsOptions
    public var targets: ReportTargets
    /// Where names and calls link to (the dashboard's pages); nil in the self-contained report.
    public var links: HTMLReportLinks?
    /// How many lost calls the lost-calls section lists (the first by start): 1,000 unless a
    /// page that links to a list of them all (``HTMLReportLinks/lost``) asks for fewer.
    public var lostRows = HTMLReport.lostRowLimit

    public init(site: String?, inputs: [String], generatedAt: Timestamp, options: MetricsOptions, targets: ReportTargets, links: HTMLReportLinks? = nil) {
        self.site = site; self.inputs = inputs; self.generatedAt = generatedAt; self.options = options; self.targets = targets
        self.links = links
    }
}

/// The URLs a page served over the store gives a call, an agent and a caller: each returns an
/// `href` built from our own path with the value percent-encoded (``MarkupEscaping/urlComponent(_:)``),
/// or nil for no link.
public struct HTMLReportLinks: Sendable {
    public var call: @Sendable (_ callID: String, _ start: Timestamp) -> String?
    public var agent: @Sendable (_ name: String) -> String?
    public var caller: @Sendable (_ number: String) -> String?
    /// The page that lists the range's lost calls, when there is one.
    public var lost: String?

    public init(call: @escaping @Sendable (String, Timestamp) -> String?, agent: @escaping @Sendable (String) -> String?,
                caller: @escaping @Sendable (String) -> String?, lost: String? = nil) {
        self.call = call; self.agent = agent; self.caller = caller; self.lost = lost
    }
}

/// `report --format html`: one self-contained page for a call-centre lead (README "HTML report").
///
/// The page is built from ``HTMLSection``s (KPI tiles, volume, speed of answer, abandons,
/// heatmaps, lost calls, agents, outbound, campaigns, control events, talk ownership), each a function of
/// ``HTMLReportFigures``, rendered by ``HTMLPage``. A web view over the store can reuse them
/// page by page: compute the figures for the range asked, pick the sections, render.
/// Every value from input reaches the page through ``Markup`` (escaped by construction).
public enum HTMLReport {
    /// The whole report page.
    public static func render(_ figures: HTMLReportFigures, context: HTMLReportContext) -> String {
        HTMLPage.render(title: title(context), header: header(figures, context: context), sections: sections(figures, context: context))
    }

    /// Every section, in page order; sections with nothing to show are left out.
    public static func sections(_ figures: HTMLReportFigures, context: HTMLReportContext) -> [HTMLSection] {
        var sections = [
            kpiSection(figures, context: context), volumeSection(figures), speedSection(figures, context: context),
            abandonSection(figures), heatmapSection(figures), lostSection(figures, context: context), agentSection(figures, links: context.links),
            outboundSection(figures),
        ]
        if let campaigns = figures.campaigns { sections.append(campaignSection(campaigns)) }
        if let attribution = figures.attribution { sections.append(attributionSection(attribution, zone: context.options.timeZone)) }
        if let events = figures.events { sections.append(eventSection(events, zone: context.options.timeZone)) }
        if !figures.talkCalls.isEmpty { sections.append(talkSection(figures, zone: context.options.timeZone)) }
        return sections
    }

    static func title(_ context: HTMLReportContext) -> String {
        "Call report" + (context.site.map { " — " + $0 } ?? "")
    }

    // MARK: Header

    /// Title, period, time zone, inputs, generation time, the service-level definition.
    public static func header(_ figures: HTMLReportFigures, context: HTMLReportContext) -> Markup {
        let zone = context.options.timeZone
        var rows: [(String, String)] = []
        if let site = context.site { rows.append(("Site", site)) }
        rows.append(("Period", period(figures.range, explicit: (context.options.from, context.options.to), zone: zone)))
        rows.append(("Compared with", figures.previousRange.map { range(($0.from, $0.to), zone: zone) + (figures.previous == nil ? " (no data)" : "") } ?? "no previous period"))
        rows.append(("Time zone", zone.identifier))
        rows.append(("Inputs", context.inputs.isEmpty ? "-" : context.inputs.joined(separator: ", ")))
        rows.append(("Generated", localTime(context.generatedAt, zone: zone)))
        rows.append(("Service level", serviceLevelDefinition(context.options)))
        var parts: [Markup] = [
            .element("h1", text: title(context)),
            .element("dl", ["class": "meta"], rows.flatMap { [Markup.element("dt", text: $0.0), .element("dd", text: $0.1)] }),
        ]
        if let warning = figures.report.directionCoverage.warning {
            parts.append(.element("p", ["class": "warning"], text: "Warning: " + warning))
        }
        return Markup(parts)
    }

    /// The definition with this run's thresholds.
    static func serviceLevelDefinition(_ options: MetricsOptions) -> String {
        "answered within \(seconds(options.serviceLevelThreshold)) s / (offered - short abandons), inbound calls; "
            + "abandons under \(seconds(options.shortAbandon)) s are short abandons"
    }

    static func seconds(_ duration: Duration) -> String {
        KPIRendering.format(Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18, duration.components.attoseconds == 0 ? 0 : 1)
    }

    static func period(_ closed: (from: Timestamp, to: Timestamp)?, explicit: (Timestamp?, Timestamp?), zone: TimeZone) -> String {
        guard let closed else { return "no calls" }
        let text = range(closed, zone: zone)
        return explicit.0 == nil && explicit.1 == nil ? text + " (the days of the calls given)" : text
    }

    /// `2026-03-28 00:00 to 2026-03-30 00:00 (end excluded)`.
    static func range(_ range: (from: Timestamp, to: Timestamp), zone: TimeZone) -> String {
        String(localTime(range.from, zone: zone).prefix(16)) + " to " + String(localTime(range.to, zone: zone).prefix(16)) + " (end excluded)"
    }

    public static func localTime(_ time: Timestamp, zone: TimeZone) -> String { ControlEventRendering.localTime(time, zone: zone) }
}
