import CallMetrics
import CallModel
import Foundation
import Reports
import SiteConfiguration

/// The HTML pages: each a function of the configuration, the store and the request's
/// parameters, rendered through ``HTMLPage`` with the report's own sections (README "Dashboard").
/// Every value from input reaches a page through ``Markup`` or ``Links``.
struct DashboardPages: Sendable {
    let configuration: DashboardConfiguration
    let store: DashboardStore

    /// Served pages may submit their forms to themselves; nothing else is allowed.
    static let policy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    static let rangeParameters: Set<String> = ["from", "to"]

    var zone: TimeZone { configuration.options.timeZone }

    func range(_ parameters: QueryParameters) throws(DashboardError) -> DashboardRange {
        try DashboardRange.resolve(parameters, zone: zone, now: configuration.now())
    }

    func options(_ range: DashboardRange) -> MetricsOptions {
        var options = configuration.options
        options.from = range.from
        options.to = range.to
        return options
    }

    func context(_ range: DashboardRange) -> HTMLReportContext {
        HTMLReportContext(site: configuration.site, inputs: ["--db " + configuration.databasePath], generatedAt: configuration.now(),
                          options: options(range), targets: configuration.targets, links: Links.report(range))
    }

    /// Computes the default range's figures whenever the store has changed (checked every
    /// `seconds`), so the page a lead opens every morning, and reloads of it while `watch --db`
    /// writes, come from the cache instead of reading and counting every call of the range.
    func keepWarm(every seconds: Int = 5) async {
        while !Task.isCancelled {
            if let range = try? range(QueryParameters(nil, allowed: [])) {
                _ = try? store.read(for: options(range), figures: true)
            }
            try? await Task.sleep(for: .seconds(seconds))
        }
    }

    // MARK: Frame

    static let pages: [(path: String, name: String)] = [
        ("/", "Overview"), ("/calls", "Calls"), ("/lost", "Lost calls"), ("/agents", "Agents"), ("/campaigns", "Campaigns"),
        ("/attribution", "Attribution"), ("/heatmap", "Heatmap"),
    ]

    /// The groupings of the attribution view (`report --view attribution --by`).
    static let visitFields: [GroupBy] = [.utmSource, .utmMedium, .utmCampaign, .keyword, .landingPage, .attribution]
    static let attributionParameters: Set<String> = ["from", "to", "by"]

    /// The site navigation (keeping the range) and the range form of `path`.
    func navigation(current: String, range: DashboardRange?, form: Bool = true) -> Markup {
        let query = range.map { "?" + $0.query } ?? ""
        var parts: [Markup] = [.element("nav", ["class": "site"], Self.pages.map { page in
            .element("a", ["href": page.path + query, "class": page.path == current ? "current" : nil], text: page.name)
        } + [.element("a", ["href": "/api/report" + query], text: "JSON")])]
        if form, let range {
            parts.append(.element("form", ["class": "filters", "method": "get", "action": current], [
                .element("label", [:], [Markup(text: "from"), .leaf("input", ["type": "date", "name": "from", "value": range.fromText])]),
                .element("label", [:], [Markup(text: "to (excluded)"), .leaf("input", ["type": "date", "name": "to", "value": range.toText])]),
                .element("button", ["type": "submit"], text: "Show"),
            ]))
        }
        return Markup(parts)
    }

    func page(title: String, current: String, range: DashboardRange?, header: Markup = .empty, sections: [HTMLSection], refresh: Bool = false) -> String {
        let heading = Markup.element("h1", text: title + (configuration.site.map { " — " + $0 } ?? ""))
        return HTMLPage.render(title: title, header: navigation(current: current, range: range) + heading + header, sections: sections,
                               refreshSeconds: refresh ? configuration.refreshSeconds : nil, policy: Self.policy)
    }

    // MARK: Overview and report sections

    /// Lost calls the overview lists; `/lost` lists up to ``HTMLReport/lostRowLimit``. Rendering
    /// 1,000 rows was two thirds of the overview's page (docs/performance.md "Dashboard").
    static let overviewLostRows = 100

    /// `/`: the HTML report of the range, refreshed while the store is written; its lost calls
    /// cut at ``overviewLostRows`` with a link to `/lost`.
    func overview(_ parameters: QueryParameters) throws(DashboardError) -> String {
        let range = try range(parameters)
        var context = context(range)
        context.lostRows = Self.overviewLostRows
        guard let figures = try store.read(for: context.options, figures: true).figures else { return "" }
        return HTMLPage.render(
            title: "Call dashboard" + (configuration.site.map { " — " + $0 } ?? ""),
            header: navigation(current: "/", range: range) + HTMLReport.header(figures, context: context),
            sections: HTMLReport.sections(figures, context: context), refreshSeconds: configuration.refreshSeconds, policy: Self.policy)
    }

    /// `/lost`, `/agents`, `/campaigns`, `/heatmap`: one section of the report.
    func section(_ path: String, _ parameters: QueryParameters) throws(DashboardError) -> String {
        let range = try range(parameters)
        let context = context(range)
        guard let figures = try store.read(for: context.options, figures: true).figures else { return "" }
        let section: HTMLSection
        switch path {
        case "/lost": section = HTMLReport.lostSection(figures, context: context)
        case "/agents": section = HTMLReport.agentSection(figures, links: context.links)
        case "/campaigns":
            section = figures.campaigns.map(HTMLReport.campaignSection)
                ?? HTMLSection(id: "campaigns", title: "Campaigns", body: .element("p", ["class": "note"], text: "No campaigns configured: give --campaigns FILE to serve, or campaigns in the site profile."))
        default: section = HTMLReport.heatmapSection(figures)
        }
        let title = Self.pages.first { $0.path == path }?.name ?? "Heatmap"
        return page(title: title, current: path, range: range, sections: [section], refresh: true)
    }

    /// `/attribution?by=`: the attribution view of the range (`report --view attribution`), by
    /// `utm_source` unless `by` names another visit field, with links to the other groupings.
    func attribution(_ parameters: QueryParameters) throws(DashboardError) -> String {
        let range = try range(parameters)
        var by = GroupBy.utmSource
        if let text = parameters.value("by") {
            guard let value = GroupBy(rawValue: text), Self.visitFields.contains(value) else {
                throw DashboardError(.badRequest, "by '\(String(text.prefix(40)))' is not one of: \(Self.visitFields.map(\.rawValue).joined(separator: ", ")).")
            }
            by = value
        }
        let options = options(range)
        let history = try store.history(for: options)
        let report = store.attribution.report(history, by: by, options: options)
        let choices = Markup.element("nav", ["class": "site"], Self.visitFields.map { field in
            .element("a", ["href": "/attribution?" + range.query + "&by=" + field.rawValue, "class": field == by ? "current" : nil], text: "by " + field.rawValue)
        })
        var sections = [HTMLReport.attributionSection(report, zone: zone)]
        if store.attribution.engine == nil, report.poolCalls + report.staticCalls == 0 {
            sections.insert(HTMLSection(id: "no-attribution", title: "No visit attribution", body: .element("p", ["class": "note"], text:
                "No call of this range carries an attribution: import the calls with --visits FILE, or give serve --visits FILE.")), at: 0)
        }
        return page(title: "Visit attribution", current: "/attribution", range: range, header: choices, sections: sections, refresh: true)
    }

    // MARK: Calls

    static let listParameters: Set<String> = ["from", "to", "q", "where", "sort", "page", "per"]

    /// The calls of the range that match `q` (a number or Call-ID prefix) and every `where`
    /// condition (``CallQuery``, as `calls --where`), in `sort` order, one page of them.
    func selectCalls(_ parameters: QueryParameters) throws(DashboardError) -> (range: DashboardRange, calls: [Call], total: Int, page: Int, per: Int) {
        let range = try range(parameters)
        let zone = zone
        let query: CallQuery
        do {
            query = try CallQuery(where: parameters.values("where"), sort: parameters.value("sort"), fields: CallRecord.selectableFields(time: SiteTime(zone: zone)),
                                  time: { LocalDateTime.instant($0, in: zone) })
        } catch {
            throw DashboardError(.badRequest, error.description.replacingOccurrences(of: "--where", with: "where").replacingOccurrences(of: "--sort", with: "sort"))
        }
        let page = try parameters.integer("page", in: 1...1_000_000) ?? 1
        let per = try parameters.integer("per", in: 1...1000) ?? 100
        // The calls of the range, read whole (cached while the store is unchanged).
        var calls = try store.read(for: options(range), figures: false, whole: true).whole ?? []
        if let q = parameters.value("q") {
            let digits = q.filter(\.isNumber)
            calls = calls.filter { call in
                call.callID.hasPrefix(q) || [call.caller, call.dialed].contains { number in
                    guard let number else { return false }
                    return number.hasPrefix(q) || (!digits.isEmpty && number.filter(\.isNumber).hasPrefix(digits))
                }
            }
        }
        var time = SiteTime(zone: zone)
        calls = query.apply(calls) { CallRecord.record($0, detail: false, time: &time) }
        let total = calls.count
        let start = min(total, (page - 1) * per)
        return (range, Array(calls[start..<min(total, start + per)]), total, page, per)
    }

    func callList(_ parameters: QueryParameters) throws(DashboardError) -> String {
        let selection = try selectCalls(parameters)
        let range = selection.range
        let rows = selection.calls.map { call -> [Markup] in
            [HTMLReport.cell(String(HTMLReport.localTime(call.start, zone: zone).prefix(19)), href: Links.call(call.callID, start: call.start)),
             HTMLReport.cell(call.caller), HTMLReport.cell(call.dialed), HTMLReport.cell(call.outcome.rawValue),
             HTMLReport.cell(call.direction?.rawValue), HTMLReport.cell(call.agent, href: call.agent.map { Links.calls(where: "agent=" + $0, range: range) }),
             HTMLReport.cell(call.queue), HTMLReport.number(call.ringTime.map { $0.seconds3 } ?? "–"),
             HTMLReport.number(call.talkTime.map { $0.seconds3 } ?? "–"), HTMLReport.cell(call.format)]
        }
        let form = Markup.element("form", ["class": "filters", "method": "get", "action": "/calls"], [
            .leaf("input", ["type": "hidden", "name": "from", "value": range.fromText]),
            .leaf("input", ["type": "hidden", "name": "to", "value": range.toText]),
            .element("label", [:], [Markup(text: "number or Call-ID"), .leaf("input", ["type": "search", "name": "q", "value": parameters.value("q") ?? ""])]),
            .element("label", [:], [Markup(text: "where (e.g. outcome=busy)"), .leaf("input", ["type": "text", "name": "where", "value": parameters.values("where").first ?? ""])]),
            .element("label", [:], [Markup(text: "sort (e.g. -talk_s)"), .leaf("input", ["type": "text", "name": "sort", "value": parameters.value("sort") ?? ""])]),
            .element("button", ["type": "submit"], text: "Find"),
        ])
        var body: [Markup] = [form, .element("p", ["class": "note"], text: "\(selection.total) calls" + (selection.total > selection.per ? ", page \(selection.page) of \((selection.total + selection.per - 1) / selection.per)" : "") + ".")]
        if !rows.isEmpty {
            body.append(HTMLReport.table([("start (\(zone.identifier))", false), ("caller", false), ("dialed", false), ("outcome", false), ("direction", false),
                                          ("agent", false), ("queue", false), ("ring s", true), ("talk s", true), ("format", false)], rows))
        }
        var pages: [Markup] = []
        func pageLink(_ number: Int, _ label: String) -> Markup {
            var pairs = parameters.pairs.filter { $0.name != "page" }
            pairs.append(("page", String(number)))
            return .element("a", ["href": "/calls?" + pairs.map { Links.component($0.name) + "=" + Links.component($0.value) }.joined(separator: "&")], text: label)
        }
        if selection.page > 1 { pages.append(pageLink(selection.page - 1, "← previous")) }
        if selection.page * selection.per < selection.total { pages.append(pageLink(selection.page + 1, "next →")) }
        if !pages.isEmpty { body.append(.element("div", ["class": "pages"], pages)) }
        return page(title: "Calls", current: "/calls", range: range, sections: [HTMLSection(id: "calls", title: "Calls", body: Markup(body))])
    }

    /// `/calls/{key}`: the ladder, RTP per direction and per stream, the talk strip, the legs and every field.
    func callDetail(_ key: CallKey) throws(DashboardError) -> String {
        guard let call = try store.call(key, options: configuration.options) else { throw DashboardError(.notFound, "No stored call has this key.") }
        var time = SiteTime(zone: zone)
        let record = CallRecord.record(call, detail: false, time: &time).filter { $0.name != "legs" }
        let fields = Markup.element("dl", ["class": "meta"], record.flatMap { field -> [Markup] in
            [.element("dt", text: field.name), .element("dd", text: Self.text(field.value))]
        })
        var sections = [HTMLSection(id: "ladder", title: "SIP ladder", body: call.messages.isEmpty
            ? .element("p", ["class": "note"], text: call.format == "pcap" ? "No SIP messages stored for this call (stored before schema version 5: import its capture into a new store)." : "A call from a CDR file has no SIP messages.")
            : LadderDiagram.render(call.messages, title: "SIP ladder of call " + call.callID))]
        if !call.legs.isEmpty {
            sections.append(HTMLSection(id: "legs", title: "Legs", body: HTMLReport.table(
                [("id", false), ("status", false), ("start", false), ("answered", false), ("destination", false), ("agent", false), ("talk s", true)],
                call.legs.map { leg in
                    [HTMLReport.cell(leg.id), HTMLReport.cell(leg.status), HTMLReport.cell(String(HTMLReport.localTime(leg.start, zone: zone).prefix(23))),
                     HTMLReport.cell(leg.answered ? "yes" : "no"), HTMLReport.cell(leg.destination), HTMLReport.cell(leg.agent),
                     HTMLReport.number(leg.talkNanoseconds.map { Duration3(nanoseconds: $0).seconds3 } ?? "–")]
                })))
        }
        let directions = [CallParty.caller, .callee].compactMap { party in call.rtpQuality(sentBy: party).map { (party, $0) } }
        if !directions.isEmpty || !call.streams.isEmpty {
            var body: [Markup] = []
            if !directions.isEmpty {
                body.append(HTMLReport.table([("sent by", false), ("lost", true), ("mean jitter ms", true), ("MOS", true)], directions.map { party, quality in
                    [HTMLReport.cell(party.rawValue), HTMLReport.number(String(quality.lost)), HTMLReport.number(SVGChart.number(quality.meanJitterMilliseconds, 3)),
                     HTMLReport.number(quality.mos.map { SVGChart.number($0, 2) } ?? "–")]
                }))
            }
            body.append(HTMLReport.table([("SSRC", false), ("from", false), ("to", false), ("codec", false), ("packets", true), ("lost", true), ("jitter ms", true), ("MOS", true)],
                                         call.streams.map { s in
                [HTMLReport.cell(s.ssrcText), HTMLReport.cell(s.source), HTMLReport.cell(s.destination), HTMLReport.cell(s.codec), HTMLReport.number(String(s.packets)),
                 HTMLReport.number(String(s.lost)), HTMLReport.number(SVGChart.number(s.jitterMilliseconds, 3)), HTMLReport.number(s.mos.map { SVGChart.number($0, 2) } ?? "–")]
            }))
            sections.append(HTMLSection(id: "rtp", title: "RTP quality", body: Markup(body)))
        }
        if let strip = HTMLReport.strip(call, zone: zone) { sections.append(HTMLSection(id: "talk", title: "Talk", body: strip)) }
        sections.append(HTMLSection(id: "fields", title: "Fields", body: fields))
        let title = "Call " + (call.caller ?? "?") + " → " + (call.dialed ?? "?")
        return page(title: title, current: "/calls", range: nil, header: .element("p", ["class": "note"], text: "Call-ID " + call.callID), sections: sections)
    }

    /// A record value as text: strings as they are, the rest as JSON.
    static func text(_ value: FieldValue) -> String {
        switch value {
        case .string(let s): return s
        case .null: return "–"
        case .time(let t): return t.iso8601
        case .seconds(let d): return d.seconds3
        case .decimal(let d): return d
        case .integer(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        default:
            var bytes: [UInt8] = []
            JSONWriter.append(value, to: &bytes)
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
