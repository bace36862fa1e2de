import CallMetrics
import CallModel
import Foundation

/// The talk-ownership section (README "Talk ownership"): each agent's share of speech by phase
/// of the call, and the strips of the five calls with the most overtalk plus dead air.
extension HTMLReport {
    /// Okabe-Ito colours of the owners of a stretch of the call.
    static let ownerColours: [TalkOwner: String] = [
        .caller: SVGChart.Colour.blue, .agent: SVGChart.Colour.green, .both: SVGChart.Colour.vermillion, .silence: "#e6e6e6",
    ]

    static func talkSection(_ figures: HTMLReportFigures, zone: TimeZone) -> HTMLSection {
        let palette = [SVGChart.Colour.green, SVGChart.Colour.blue, SVGChart.Colour.vermillion, SVGChart.Colour.orange,
                       SVGChart.Colour.purple, SVGChart.Colour.sky, SVGChart.Colour.grey]
        let phases = (0..<10).map { "\($0 * 10)–\(($0 + 1) * 10)%" }
        let chart = SVGChart.lines(
            title: "Agent share of speech by phase of the call", unit: "% of speech", categories: phases,
            series: figures.talkAgents.enumerated().map { i, row in
                SVGChart.Series(name: TerminalText.escaped(row.agent), colour: palette[i % palette.count], values: row.shareByTenth.map { $0.map { $0 * 100 } })
            },
            maximum: 100, target: 50, targetLabel: "half", format: { KPIRendering.format($0, 0) + "%" })
        func percent(_ value: Double?) -> String { value.map { KPIRendering.format($0 * 100, 0) + "%" } ?? "–" }
        let agents = table([("agent", false), ("calls", true), ("agent share", true), ("loses the call from", true)], figures.talkAgents.map { row in
            [cell(row.agent), number(String(row.calls)), number(percent(row.share)), number(row.losesOwnershipAt.map { "p\($0)" } ?? "–")]
        })
        let strips = figures.talkCalls.compactMap { strip($0, zone: zone) }
        return HTMLSection(id: "talk", title: "Talk ownership", body: Markup([
            .element("p", ["class": "note"], text: "Who spoke when, from the calls' audio: the agent's share of speech in each tenth of their calls; "
                     + "loses the call from: the tenth from which the agent holds under half of the speech to the end."),
            chart, agents, .element("h3", text: "The calls with the most overtalk and dead air"),
        ] + strips))
    }

    /// One call's ownership band with its figures, a time axis and a legend.
    public static func strip(_ call: Call, zone: TimeZone) -> Markup? {
        guard let talk = call.talk, talk.duration > 0 else { return nil }
        let width = SVGChart.width, left = 16.0, plot = width - 32, height = 92.0
        let total = Double(talk.duration)
        func x(_ offset: Int64) -> String { SVGChart.number(left + plot * Double(offset) / total, 1) }
        func w(_ span: Int64) -> String { SVGChart.number(max(plot * Double(span) / total, 0.5), 1) }
        func seconds(_ ns: Int64) -> String { KPIRendering.format(Double(ns) / 1e9, 1) }
        let title = "\(String(localTime(call.start, zone: zone).prefix(19)))  \(call.caller ?? "?") → \(call.dialed ?? "?")  agent \(TalkOwnership.agent(of: call))"
            + "  overtalk \(seconds(talk.overtalk)) s  silence \(seconds(talk.silence)) s  of \(seconds(talk.duration)) s"
        var parts: [Markup] = [
            .element("title", text: "Talk ownership of call " + call.callID),
            .element("text", ["x": SVGChart.number(left, 0), "y": "16"], text: title),
        ]
        for segment in talk.segments {
            parts.append(.element("rect", ["x": x(segment.start), "y": "26", "width": w(segment.duration), "height": "22",
                                           "fill": ownerColours[segment.owner] ?? "#e6e6e6"],
                                  [.element("title", text: "\(segment.owner.rawValue) \(seconds(segment.start))–\(seconds(segment.end)) s")]))
        }
        let step = TalkRendering.axisStep(seconds: total / 1e9, plotWidth: plot)
        var tick = 0.0
        while tick <= total / 1e9 + 1e-9 {
            parts.append(.element("text", ["x": x(Int64(tick * 1e9)), "y": "64", "text-anchor": "middle"], text: KPIRendering.format(tick, 0) + " s"))
            tick += step
        }
        var legendX = left
        for owner in [TalkOwner.caller, .agent, .both, .silence] {
            parts.append(.leaf("rect", ["x": SVGChart.number(legendX, 0), "y": "74", "width": "12", "height": "12", "fill": ownerColours[owner] ?? ""]))
            parts.append(.element("text", ["x": SVGChart.number(legendX + 16, 0), "y": "85"], text: owner == .both ? "both (overtalk)" : owner.rawValue))
            legendX += 130
        }
        return .element("figure", [:], [SVGChart.svg(parts, height: height, title: "Talk ownership of call " + call.callID)])
    }
}
