import CallMetrics
import CallModel
import Foundation

/// A SIP ladder (sequence) diagram of one call, as sngrep and Homer draw it: each host
/// (`address:port`) a column in order of first appearance, one arrow per message in capture order
/// from its sender to its receiver, labelled with the method or status line, the time offset from
/// the first message on the left (RFC 3261 §7: requests and responses; §20.16 CSeq).
///
/// Inline SVG built through ``Markup``: addresses and first lines come from the network and are
/// escaped by construction. The messages are also listed as a table (the text alternative).
public enum LadderDiagram {
    /// Messages drawn at most; a longer ladder notes how many were left out.
    public static let messageLimit = 1000

    static let rowHeight = 30.0, headerHeight = 56.0, timeColumn = 90.0, margin = 100.0
    /// Columns far enough apart for a 40-character label and an `[IPv6]:port` heading.
    static let minimumSpacing = 220.0, maximumSpacing = 560.0

    /// The diagram and its table; an empty `Markup` when there are no messages.
    public static func render(_ messages: [SIPMessageSummary], title: String) -> Markup {
        guard let first = messages.first else { return .empty }
        let shown = Array(messages.prefix(messageLimit))
        let hosts = columns(shown)
        let spacing = hosts.count > 1 ? min(maximumSpacing, max(minimumSpacing, (SVGChart.width - timeColumn - 2 * margin) / Double(hosts.count - 1))) : 0
        let width = timeColumn + margin * 2 + spacing * Double(max(hosts.count - 1, 0)) + (hosts.count == 1 ? 120 : 0)
        let height = headerHeight + rowHeight * Double(shown.count) + 16
        func x(_ host: String) -> Double { timeColumn + margin + spacing * Double(hosts.firstIndex(of: host) ?? 0) }
        var parts: [Markup] = [
            .element("title", text: title),
            .element("desc", text: "Ladder diagram: \(shown.count) SIP messages between \(hosts.count) hosts in time order"),
        ]
        for host in hosts {
            let hx = x(host)
            parts.append(.element("text", ["x": n(hx), "y": "20", "text-anchor": "middle", "class": "host"], text: host))
            parts.append(.leaf("line", ["x1": n(hx), "x2": n(hx), "y1": "30", "y2": n(height - 8), "stroke": "#9aa0a6", "stroke-dasharray": "4 4"]))
        }
        for (index, message) in shown.enumerated() {
            let y = headerHeight + rowHeight * Double(index) + rowHeight / 2
            let from = x(message.source), to = x(message.destination)
            let colour = colour(of: message)
            let text = label(message)
            let offset = "+" + KPIRendering.format(Double(first.time.distance(to: message.time)) / 1e9, 3) + " s"
            var arrow: [Markup] = [
                .element("title", text: "\(message.firstLine)  (CSeq \(message.cseqNumber) \(message.cseqMethod), \(message.transport), \(message.source) → \(message.destination), \(message.time.iso8601))"),
                .element("text", ["x": n(timeColumn - 6), "y": n(y + 4), "text-anchor": "end", "class": "offset"], text: offset),
            ]
            if from == to {
                // A message a host sent itself: a small loop on its line.
                arrow.append(.leaf("path", ["d": "M\(n(from)) \(n(y - 8)) h36 v16 h-36", "fill": "none", "stroke": colour, "stroke-width": "1.5"]))
                arrow.append(.element("text", ["x": n(from + 42), "y": n(y + 4)], text: text))
            } else {
                let direction = to > from ? 1.0 : -1.0
                arrow.append(.leaf("line", ["x1": n(from), "x2": n(to - direction * 8), "y1": n(y), "y2": n(y), "stroke": colour, "stroke-width": "1.5"]))
                arrow.append(.leaf("polygon", ["points": "\(n(to)),\(n(y)) \(n(to - direction * 9)),\(n(y - 4.5)) \(n(to - direction * 9)),\(n(y + 4.5))", "fill": colour]))
                arrow.append(.element("text", ["x": n((from + to) / 2), "y": n(y - 5), "text-anchor": "middle", "fill": colour], text: text))
            }
            parts.append(.element("g", ["class": "message", "data-index": String(index)], arrow))
        }
        let svg = Markup.element("svg", [
            "xmlns": "http://www.w3.org/2000/svg", "viewBox": "0 0 \(n(width)) \(n(height))", "width": n(width), "height": n(height),
            "role": "img", "aria-label": title, "font-family": "system-ui, sans-serif", "font-size": "12", "class": "ladder",
        ], parts)
        var figure: [Markup] = [svg]
        if messages.count > shown.count {
            figure.append(.element("p", ["class": "note"], text: "The first \(shown.count) of \(messages.count) messages are drawn."))
        }
        figure.append(table(messages, start: first.time))
        return .element("figure", ["class": "ladder-wrap"], figure)
    }

    /// The hosts in order of first appearance (sender before receiver).
    static func columns(_ messages: [SIPMessageSummary]) -> [String] {
        var hosts: [String] = []
        var seen: Set<String> = []
        for message in messages {
            for host in [message.source, message.destination] where seen.insert(host).inserted { hosts.append(host) }
        }
        return hosts
    }

    /// `INVITE` for a request; the status line without `SIP/2.0` (`180 Ringing`) for a response,
    /// cut to 40 characters so an arrow's label stays on it.
    public static func label(_ message: SIPMessageSummary) -> String {
        guard message.isResponse else { return message.label }
        var line = Substring(message.firstLine)
        if line.hasPrefix("SIP/2.0 ") { line = line.dropFirst(8) } else { return message.label }
        return line.count > 40 ? String(line.prefix(39)) + "…" : String(line)
    }

    /// Requests blue, provisional responses grey, success green, failures vermillion (Okabe-Ito).
    static func colour(of message: SIPMessageSummary) -> String {
        guard message.isResponse, let status = Int(message.label) else { return SVGChart.Colour.blue }
        switch status {
        case ..<200: return "#6b6b6b"
        case 200..<300: return SVGChart.Colour.green
        default: return SVGChart.Colour.vermillion
        }
    }

    /// Every message as a row: offset, time, from, to, CSeq, first line.
    static func table(_ messages: [SIPMessageSummary], start: Timestamp) -> Markup {
        let header = ["#", "offset s", "time (UTC)", "from", "to", "transport", "CSeq", "first line"]
        return .element("details", [:], [
            .element("summary", text: "Messages (\(messages.count))"),
            .element("table", ["class": "numbers messages"], [
                .element("thead", [:], [.element("tr", [:], header.map { .element("th", text: $0) })]),
                .element("tbody", [:], messages.enumerated().map { index, message in
                    .element("tr", [:], [
                        .element("td", ["class": "num"], text: String(index + 1)),
                        .element("td", ["class": "num"], text: KPIRendering.format(Double(start.distance(to: message.time)) / 1e9, 3)),
                        .element("td", text: message.time.iso8601),
                        .element("td", text: message.source),
                        .element("td", text: message.destination),
                        .element("td", text: message.transport),
                        .element("td", text: "\(message.cseqNumber) \(message.cseqMethod)"),
                        .element("td", text: message.firstLine),
                    ])
                }),
            ]),
        ])
    }

    static func n(_ value: Double) -> String { SVGChart.number(value, 1) }
}
