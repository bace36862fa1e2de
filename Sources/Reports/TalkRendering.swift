import CallMetrics
import CallModel
import Foundation

/// Talk-ownership output: a coloured strip per call for the terminal, records for machines,
/// and SVG pictures for people (README "callscope talk").
public enum TalkRendering {
    /// One character per cell of the strip, by owner: plain text and ANSI colour forms.
    static func cell(_ owner: TalkOwner, colour: Bool) -> String {
        guard colour else {
            switch owner {
            case .agent: return "A"
            case .caller: return "C"
            case .both: return "#"
            case .silence: return "."
            }
        }
        switch owner {
        case .agent: return "\u{1B}[32m█\u{1B}[0m"    // green
        case .caller: return "\u{1B}[34m█\u{1B}[0m"   // blue
        case .both: return "\u{1B}[31m█\u{1B}[0m"     // red
        case .silence: return "\u{1B}[90m·\u{1B}[0m"  // grey
        }
    }

    /// The legend printed under a table of strips.
    public static func legend(colour: Bool) -> String {
        "legend: \(cell(.caller, colour: colour)) caller  \(cell(.agent, colour: colour)) agent  \(cell(.both, colour: colour)) both (overtalk)  \(cell(.silence, colour: colour)) silence\n"
    }

    /// The owners of `width` equal cells of the timeline: each cell shows whoever held most
    /// of its time (speech before silence on ties).
    public static func cells(_ talk: TalkSummary, width: Int) -> [TalkOwner] {
        guard width > 0, talk.duration > 0 else { return [] }
        var owners: [TalkOwner] = []
        owners.reserveCapacity(width)
        var segmentIndex = 0
        for index in 0..<width {
            let start = talk.duration * Int64(index) / Int64(width)
            let end = talk.duration * Int64(index + 1) / Int64(width)
            var time: [TalkOwner: Int64] = [:]
            while segmentIndex < talk.segments.count, talk.segments[segmentIndex].end <= start { segmentIndex += 1 }
            var probe = segmentIndex
            while probe < talk.segments.count, talk.segments[probe].start < end {
                let segment = talk.segments[probe]
                time[segment.owner, default: 0] += min(segment.end, end) - max(segment.start, start)
                probe += 1
            }
            let order: [TalkOwner] = [.both, .agent, .caller, .silence]
            let best = order.max { (time[$0] ?? 0) < (time[$1] ?? 0) } ?? .silence
            owners.append((time[best] ?? 0) > 0 ? best : .silence)
        }
        return owners
    }

    /// The strip of one call.
    public static func strip(_ talk: TalkSummary, width: Int, colour: Bool) -> String {
        cells(talk, width: width).map { cell($0, colour: colour) }.joined()
    }

    /// One row per call with its figures and strip.
    /// Start times on the site's clock of `time`, and a last line with the period and zone.
    public static func table(_ calls: [Call], width: Int, colour: Bool, time: SiteTime = .utc) -> String {
        var time = time
        var table = TextTable(columns: [
            .init("call_id", maxWidth: 24), .init("start (\(time.label))"), .init("caller", maxWidth: 16), .init("dialed", maxWidth: 16),
            .init("dur_s", .right), .init("caller_s", .right), .init("agent_s", .right), .init("both_s", .right),
            .init("silence_s", .right), .init("agent%", .right), .init("lost c/a", .right), .init("mos c/a", .right),
            .init("timeline", maxWidth: 10_000, styled: true),
        ])
        for call in calls {
            guard let talk = call.talk else { continue }
            let quality = quality(call, talk)
            table.append([
                call.callID, time.tableText(call.start), call.caller ?? "", call.dialed ?? "",
                seconds(talk.duration), seconds(talk.callerTalk), seconds(talk.agentTalk), seconds(talk.overtalk),
                seconds(talk.silence), talk.agentShare.map { KPIRendering.format($0 * 100, 0) } ?? "-",
                quality.lost, quality.mos,
                strip(talk, width: width, colour: colour),
            ])
        }
        return table.render() + legend(colour: colour) + "\(calls.count) \(calls.count == 1 ? "call" : "calls") \(time.period(starts: calls.map(\.start)))\n"
    }

    /// `caller/agent` lost packets and lowest MOS of the streams each side sent (`-` for none).
    static func quality(_ call: Call, _ talk: TalkSummary) -> (lost: String, mos: String) {
        let agent = call.rtpQuality(sentBy: talk.agentParty)
        let caller = call.rtpQuality(sentBy: talk.agentParty == .caller ? .callee : .caller)
        func lost(_ quality: DirectionQuality?) -> String { quality.map { String($0.lost) } ?? "-" }
        func mos(_ quality: DirectionQuality?) -> String { quality?.mos.map { KPIRendering.format($0, 2) } ?? "-" }
        return (lost(caller) + "/" + lost(agent), mos(caller) + "/" + mos(agent))
    }

    static func seconds(_ nanoseconds: Int64) -> String {
        KPIRendering.format(Double(nanoseconds) / 1e9, 1)
    }

    /// The machine form of one call's talk analysis (`talk --format json`).
    public static func record(_ call: Call) -> Record {
        var record: Record = [
            ("call_id", .string(call.callID)),
            ("source", .string(call.source)),
            ("start", .time(call.start)),
            ("caller", .string(call.caller)),
            ("dialed", .string(call.dialed)),
            ("agent", .string(call.talk.map { _ in TalkOwnership.agent(of: call) })),
            ("direction", .string(call.direction?.rawValue)),
            ("outcome", .string(call.outcome.rawValue)),
        ]
        guard let talk = call.talk else { return record + [("talk", .null)] }
        func duration(_ value: Int64) -> FieldValue { .seconds(Duration3(nanoseconds: value)) }
        record.append(contentsOf: [
            ("timeline_start", .time(talk.start)),
            ("duration_s", duration(talk.duration)),
            ("agent_party", .string(talk.agentParty.rawValue)),
            ("caller_talk_s", duration(talk.callerTalk)),
            ("agent_talk_s", duration(talk.agentTalk)),
            ("overtalk_s", duration(talk.overtalk)),
            ("silence_s", duration(talk.silence)),
            ("agent_share", talk.agentShare.map { .decimal(KPIRendering.format($0, 3)) } ?? .null),
            ("longest_caller_monologue_s", duration(talk.longestCallerMonologue)),
            ("longest_agent_monologue_s", duration(talk.longestAgentMonologue)),
            ("caller_interruptions", .integer(talk.callerInterruptions)),
            ("agent_interruptions", .integer(talk.agentInterruptions)),
            ("caller_talk_by_tenth_s", .array(talk.callerTalkByTenth.map(duration))),
            ("agent_talk_by_tenth_s", .array(talk.agentTalkByTenth.map(duration))),
            ("segments", .array(talk.segments.map { segment in
                .object([("owner", .string(segment.owner.rawValue)), ("start_s", duration(segment.start)), ("end_s", duration(segment.end))])
            })),
            ("streams", .array(call.streams.map(CallRecord.streamRecord))),
        ])
        return record
    }

    // MARK: SVG

    static let colours: [TalkOwner: String] = [.caller: "#2f6fd6", .agent: "#2e9d4f", .both: "#d64541", .silence: "#e6e6e6"]

    /// Pixels per second of call in the per-call picture: an 8-minute call is 2400 px wide
    /// instead of a barcode squeezed into the minimum width.
    static let pixelsPerSecond = 5.0
    /// The plot's width bounds: short calls keep 860 px (a 960 px picture); past 32 minutes the
    /// picture stops growing.
    static let plotWidthRange = 860.0...9600.0
    /// Average advance of a character of 12 px sans-serif, generously rounded up (DejaVu Sans
    /// digits and lower case are 7.0-7.6 px at 12 px), to keep header lines inside the picture.
    static let characterWidth = 7.7

    /// A picture of one call: the caller's and the agent's speech on two lanes, the ownership
    /// band under them, a clock-time axis (in `timeZone`, else UTC), and the figures and the RTP
    /// quality (lost packets, MOS per direction) in the header. The width grows with the call
    /// (``pixelsPerSecond``); header lines longer than the picture are cut with `…`.
    public static func svg(_ call: Call, timeZone: TimeZone? = nil) -> String? {
        guard let talk = call.talk, talk.duration > 0 else { return nil }
        let left = 70.0, right = 30.0
        let total = Double(talk.duration)
        let plot = min(max(total / 1e9 * pixelsPerSecond, plotWidthRange.lowerBound), plotWidthRange.upperBound)
        let width = (left + plot + right).rounded(.up)
        func x(_ offset: Int64) -> String { KPIRendering.format(left + plot * Double(offset) / total, 1) }
        func w(_ span: Int64) -> String { KPIRendering.format(max(plot * Double(span) / total, 0.5), 1) }
        /// Escaped header text that fits between the left margin and the right edge.
        func line(_ text: String, fontSize: Double = 12) -> String {
            let room = Int((width - 10 - 10) / (characterWidth * fontSize / 12))
            return escape(text.count > room ? String(text.prefix(max(room - 1, 1))) + "…" : text)
        }
        let zone = timeZone ?? TimeZone(identifier: "UTC") ?? .current
        let zoneName = timeZone?.identifier ?? "UTC"
        let quality = quality(call, talk)
        let share = talk.agentShare.map { KPIRendering.format($0 * 100, 0) + "%" } ?? "-"
        let header = [
            "\(date(call.start, zone)) \(clock(call.start, zone, seconds: true)) \(zoneName) · \(call.caller ?? "?") → \(call.dialed ?? "?") · agent \(TalkOwnership.agent(of: call))",
            "talk: caller \(seconds(talk.callerTalk)) s, agent \(seconds(talk.agentTalk)) s, both \(seconds(talk.overtalk)) s, silence \(seconds(talk.silence)) s, agent share \(share)",
            "RTP caller/agent: lost \(quality.lost) packets, MOS \(quality.mos)",
        ]
        let top = 76.0  // below the title and the three header lines
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(top + 154))" viewBox="0 0 \(Int(width)) \(Int(top + 154))" font-family="sans-serif" font-size="12">
            <title>Talk ownership of call \(escape(call.callID))</title>
            <rect width="100%" height="100%" fill="white"/>
            <text x="10" y="18" font-size="14" font-weight="bold">\(line(call.callID, fontSize: 14))</text>
            <text x="10" y="36">\(line(header[0]))</text>
            <text x="10" y="52">\(line(header[1]))</text>
            <text x="10" y="68">\(line(header[2]))</text>
            <text x="\(left - 8)" y="\(top + 32)" text-anchor="end">caller</text>
            <text x="\(left - 8)" y="\(top + 62)" text-anchor="end">agent</text>
            <text x="\(left - 8)" y="\(top + 92)" text-anchor="end">owner</text>
            <rect x="\(left)" y="\(top + 20)" width="\(KPIRendering.format(plot, 1))" height="18" fill="#f4f4f4"/>
            <rect x="\(left)" y="\(top + 50)" width="\(KPIRendering.format(plot, 1))" height="18" fill="#f4f4f4"/>

            """
        for segment in talk.segments where segment.owner != .silence {
            if segment.owner == .caller || segment.owner == .both {
                svg += "<rect x=\"\(x(segment.start))\" y=\"\(top + 20)\" width=\"\(w(segment.duration))\" height=\"18\" fill=\"\(colours[.caller] ?? "")\"/>\n"
            }
            if segment.owner == .agent || segment.owner == .both {
                svg += "<rect x=\"\(x(segment.start))\" y=\"\(top + 50)\" width=\"\(w(segment.duration))\" height=\"18\" fill=\"\(colours[.agent] ?? "")\"/>\n"
            }
        }
        for segment in talk.segments {
            svg += "<rect x=\"\(x(segment.start))\" y=\"\(top + 80)\" width=\"\(w(segment.duration))\" height=\"18\" fill=\"\(colours[segment.owner] ?? "")\"><title>\(segment.owner.rawValue) \(seconds(segment.start))–\(seconds(segment.end)) s</title></rect>\n"
        }
        // Ticks on whole multiples of the step in clock time, labelled with the local clock.
        let step = axisStep(seconds: total / 1e9, plotWidth: plot)
        let stepNanoseconds = Int64(step * 1e9)
        let startOffset = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(talk.start.nanoseconds) / 1e9))) * 1_000_000_000
        let localStart = talk.start.nanoseconds &+ startOffset
        var offset = (stepNanoseconds - localStart % stepNanoseconds) % stepNanoseconds
        while offset <= talk.duration {
            let instant = Timestamp(nanoseconds: talk.start.nanoseconds &+ offset)
            svg += "<line x1=\"\(x(offset))\" y1=\"\(top + 104)\" x2=\"\(x(offset))\" y2=\"\(top + 110)\" stroke=\"#555\"/><text x=\"\(x(offset))\" y=\"\(top + 124)\" text-anchor=\"middle\">\(clock(instant, zone, seconds: step < 60))</text>\n"
            offset += stepNanoseconds
        }
        var legendX = left
        for owner in [TalkOwner.caller, .agent, .both, .silence] {
            svg += "<rect x=\"\(KPIRendering.format(legendX, 0))\" y=\"\(top + 136)\" width=\"12\" height=\"12\" fill=\"\(colours[owner] ?? "")\"/><text x=\"\(KPIRendering.format(legendX + 16, 0))\" y=\"\(top + 146)\">\(owner == .both ? "both (overtalk)" : owner.rawValue)</text>\n"
            legendX += 130
        }
        svg += "<text x=\"\(KPIRendering.format(width - 10, 0))\" y=\"\(top + 146)\" text-anchor=\"end\">time (\(escape(zoneName)))</text>\n"
        svg += "</svg>\n"
        return svg
    }

    /// `YYYY-MM-DD` of `instant` in `zone`.
    static func date(_ instant: Timestamp, _ zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(instant.nanoseconds) / 1e9))
        func two(_ value: Int?) -> String { let v = value ?? 0; return v < 10 ? "0\(v)" : String(v) }
        return String(parts.year ?? 0) + "-" + two(parts.month) + "-" + two(parts.day)
    }

    /// `HH:MM:SS` (or `HH:MM`) of `instant` in `zone`.
    static func clock(_ instant: Timestamp, _ zone: TimeZone, seconds: Bool) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let date = Date(timeIntervalSince1970: Double(instant.nanoseconds) / 1e9)
        let parts = calendar.dateComponents([.hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { let v = value ?? 0; return v < 10 ? "0\(v)" : String(v) }
        return two(parts.hour) + ":" + two(parts.minute) + (seconds ? ":" + two(parts.second) : "")
    }

    /// A tick spacing giving at most 12 ticks, and at least 90 px between labels (a clock label
    /// `HH:MM:SS` is about 55 px wide).
    static func axisStep(seconds: Double, plotWidth: Double) -> Double {
        for step in [1.0, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600]
        where seconds / step <= max(12, plotWidth / 120) && plotWidth * step / max(seconds, 1e-9) >= 90 {
            return step
        }
        return 7200
    }

    /// Text from input as SVG/XML character data or an attribute value: markup characters as
    /// entities (XML 1.0 §2.4), both quotes included, and control characters, which XML 1.0
    /// forbids (§2.2) and would make the whole picture unreadable, as visible escapes.
    /// (The HTML report's rules: ``MarkupEscaping/text(_:)``.)
    static func escape(_ text: String) -> String { MarkupEscaping.text(text) }

    // MARK: Per-agent phases

    /// Per-agent table: share of speech by tenth of the call, and where ownership is lost.
    public static func agentTable(_ rows: [AgentOwnership]) -> String {
        var columns: [TextTable.Column] = [.init("agent", maxWidth: 24), .init("calls", .right), .init("agent%", .right)]
        columns += (1...10).map { TextTable.Column("p\($0)%", .right) }
        columns += [.init("loses_at", .right)]
        var table = TextTable(columns: columns)
        for row in rows {
            var cells = [row.agent, String(row.calls), percent(row.share)]
            cells += row.shareByTenth.map(percent)
            cells.append(row.losesOwnershipAt.map { "p\($0)" } ?? "-")
            table.append(cells)
        }
        return table.render() + "p1..p10: the agent's share of speech in each tenth of their calls; loses_at: the tenth from which the agent holds under half of the speech to the end.\n"
    }

    static func percent(_ value: Double?) -> String {
        value.map { KPIRendering.format($0 * 100, 0) } ?? "-"
    }

    /// Machine records of the per-agent report.
    public static func agentRecords(_ rows: [AgentOwnership]) -> [Record] {
        rows.map { row in
            [
                ("agent", .string(row.agent)),
                ("calls", .integer(row.calls)),
                ("agent_talk_s", .seconds(Duration3(nanoseconds: row.agentTalk))),
                ("caller_talk_s", .seconds(Duration3(nanoseconds: row.callerTalk))),
                ("overtalk_s", .seconds(Duration3(nanoseconds: row.overtalk))),
                ("silence_s", .seconds(Duration3(nanoseconds: row.silence))),
                ("agent_share", row.share.map { .decimal(KPIRendering.format($0, 3)) } ?? .null),
                ("share_by_tenth", .array(row.shareByTenth.map { $0.map { .decimal(KPIRendering.format($0, 3)) } ?? .null })),
                ("loses_ownership_at", row.losesOwnershipAt.map { .integer($0) } ?? .null),
            ]
        }
    }

    /// A line chart of each agent's share by phase, with the 50% line.
    public static func agentSVG(_ rows: [AgentOwnership]) -> String {
        let left = 60.0, top = 40.0, plotWidth = 520.0, plotHeight = 300.0
        // The legend beside the plot is as wide as its longest line, so no name runs off the picture.
        let legends = rows.map { "\($0.agent) (\($0.calls) call\($0.calls == 1 ? "" : "s"))" }
        let legendWidth = Double(legends.map(\.count).max() ?? 0) * characterWidth
        let width = max(760.0, (left + plotWidth + 38 + legendWidth + 10).rounded(.up))
        let height = max(420.0, top + 14 + Double(rows.count) * 18 + 10)  // room for every legend line
        let palette = ["#2e9d4f", "#2f6fd6", "#d64541", "#8e44ad", "#e67e22", "#16a085", "#7f8c8d", "#c0392b", "#2c3e50", "#f1c40f"]
        func x(_ tenth: Int) -> String { KPIRendering.format(left + plotWidth * (Double(tenth) + 0.5) / 10, 1) }
        func y(_ share: Double) -> String { KPIRendering.format(top + plotHeight * (1 - share), 1) }
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
            <title>Agent share of speech by call phase</title>
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(left)" y="22" font-size="14" font-weight="bold">Agent share of speech by phase of the call</text>
            <rect x="\(left)" y="\(top)" width="\(plotWidth)" height="\(plotHeight)" fill="none" stroke="#999"/>
            <line x1="\(left)" y1="\(y(0.5))" x2="\(left + plotWidth)" y2="\(y(0.5))" stroke="#999" stroke-dasharray="4 4"/>

            """
        for share in stride(from: 0.0, through: 1.0, by: 0.25) {
            svg += "<text x=\"\(left - 6)\" y=\"\(y(share))\" text-anchor=\"end\" dominant-baseline=\"middle\">\(KPIRendering.format(share * 100, 0))%</text>\n"
        }
        // Labels on the tenths' boundaries (`0%` ... `100%`, at most 4 characters in 52 px): the
        // ranges (`80–90%`) under each tenth were as wide as the tenth and ran into each other.
        for boundary in 0...10 {
            let position = KPIRendering.format(left + plotWidth * Double(boundary) / 10, 1)
            svg += "<line x1=\"\(position)\" y1=\"\(top + plotHeight)\" x2=\"\(position)\" y2=\"\(top + plotHeight + 5)\" stroke=\"#999\"/><text x=\"\(position)\" y=\"\(KPIRendering.format(top + plotHeight + 18, 0))\" text-anchor=\"middle\">\(boundary * 10)%</text>\n"
        }
        svg += "<text x=\"\(KPIRendering.format(left + plotWidth / 2, 0))\" y=\"\(KPIRendering.format(top + plotHeight + 38, 0))\" text-anchor=\"middle\">phase of the call (share of its duration)</text>\n"
        for (index, row) in rows.enumerated() {
            let colour = palette[index % palette.count]
            let points = row.shareByTenth.enumerated().compactMap { tenth, share in share.map { "\(x(tenth)),\(y($0))" } }
            if !points.isEmpty {
                svg += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"/>\n"
            }
            for (tenth, share) in row.shareByTenth.enumerated() {
                guard let share else { continue }
                svg += "<circle cx=\"\(x(tenth))\" cy=\"\(y(share))\" r=\"3\" fill=\"\(colour)\"><title>\(escape(row.agent)) p\(tenth + 1): \(percent(share))%</title></circle>\n"
            }
            let legendY = top + 14 + Double(index) * 18
            svg += "<rect x=\"\(KPIRendering.format(left + plotWidth + 20, 0))\" y=\"\(KPIRendering.format(legendY - 10, 0))\" width=\"12\" height=\"12\" fill=\"\(colour)\"/><text x=\"\(KPIRendering.format(left + plotWidth + 38, 0))\" y=\"\(KPIRendering.format(legendY, 0))\">\(escape(legends[index]))</text>\n"
        }
        svg += "</svg>\n"
        return svg
    }
}
