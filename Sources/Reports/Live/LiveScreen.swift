import CallMetrics
import CallModel
import Foundation

/// The live view of `callscope watch` on a terminal (README "callscope watch"): calls in
/// progress (caller, dialled, ringing or talking and for how long), the last finished calls,
/// each queue's KPIs over the last 15 minutes and today, and the latest control events.
///
/// A frame is whole lines, each cut to the terminal's width (80 columns is the design width)
/// and the frame to its height; it is drawn from the top-left corner over the last one (ANSI
/// CUP `ESC [ H`, each line ended by EL `ESC [ K`, the rest cleared by ED `ESC [ J`; ECMA-48),
/// so the view redraws in place without scrolling. Every text that comes from input (numbers,
/// queue and rule names, details) goes through ``TerminalText`` first: a control character
/// in a caller ID is shown escaped, never sent to the terminal.
public struct LiveScreen: Sendable {
    /// Written once before the first frame: clear the screen, hide the cursor.
    public static let begin = "\u{1B}[2J\u{1B}[?25l"
    /// Written after the last frame: the cursor shown again, below the frame.
    public static let end = "\u{1B}[?25h\n"

    public let title: String
    private let zone: TimeZone
    private var figures: LiveQueueFigures
    private var recent: [Call] = []
    private var events: [ControlEvent] = []
    public private(set) var finishedCount = 0
    public private(set) var eventCount = 0
    static let recentKept = 5
    static let eventsKept = 5

    /// - Parameter title: what is watched (the sources), shown on the first line.
    public init(title: String, options: MetricsOptions) {
        self.title = title
        self.zone = options.timeZone
        self.figures = LiveQueueFigures(options: options)
    }

    /// A call is over: it joins the last finished calls and its queue's figures.
    public mutating func finished(_ call: Call) {
        finishedCount += 1
        figures.add(call)
        recent.append(call)
        if recent.count > Self.recentKept { recent.removeFirst(recent.count - Self.recentKept) }
    }

    /// Control events were raised.
    public mutating func raised(_ new: [ControlEvent]) {
        eventCount += new.count
        events += new
        if events.count > Self.eventsKept { events.removeFirst(events.count - Self.eventsKept) }
    }

    /// The frame at `now` (the wall clock) for a terminal of `columns` x `rows`, with the
    /// calls in progress as the reconstruction holds them (those already ended, waiting for
    /// their last messages, are left out).
    public mutating func frame(inProgress: [Call], now: Timestamp, columns: Int, rows: Int) -> String {
        let width = max(20, columns)
        var lines: [String] = []
        let open = inProgress.filter { $0.endedAt == nil }.sorted { ($0.start, $0.callID) < ($1.start, $1.callID) }
        lines.append("callscope watch  \(clock(now))  \(finishedCount) calls over, \(eventCount) events  \(TerminalText.escaped(title))")
        lines.append("")
        lines.append("IN PROGRESS (\(open.count))")
        // The other sections take what they need first; the calls in progress get the rest.
        let queueRows = figures.rows(at: now)
        let fixed = 3 + 2 + max(1, recent.count) + 1 + 2 + max(1, queueRows.count) + 1 + 1 + max(1, events.count)
        let room = max(1, rows - fixed - 1)
        if open.isEmpty {
            lines.append("  none")
        } else {
            lines.append(row([("STATE", 8), ("FOR", 8), ("CALLER", 22), ("DIALLED", 22), ("SOURCE", 16)]))
            let shown = open.count > room ? room - 1 : open.count
            for call in open.prefix(max(0, shown)) {
                let talking = call.answeredAt != nil
                let since = talking ? call.answeredAt ?? call.start : call.start
                lines.append(row([(talking ? "talking" : "ringing", 8), (Self.length(since.distance(to: now)), 8),
                                  (call.caller ?? "-", 22), (call.dialed ?? "-", 22), (call.source, 16)]))
            }
            if shown < open.count { lines.append("  ... and \(open.count - shown) more") }
        }
        lines.append("")
        lines.append("LAST FINISHED")
        if recent.isEmpty {
            lines.append("  none yet")
        } else {
            lines.append(row([("ENDED", 8), ("OUTCOME", 10), ("CALLER", 18), ("DIALLED", 18), ("WAIT", 6), ("TALK", 7), ("QUEUE", 8)]))
            for call in recent.reversed() {
                let wait = call.waitNanoseconds ?? call.answeredAt.map { call.start.distance(to: $0) }
                let talk = call.answeredAt.flatMap { answered in call.endedAt.map { answered.distance(to: $0) } }
                lines.append(row([(clock(call.endedAt ?? call.start), 8), (call.outcome.rawValue + (call.truncated ? "*" : ""), 10),
                                  (call.caller ?? "-", 18), (call.dialed ?? "-", 18), (wait.map(Self.length) ?? "-", 6),
                                  (talk.map(Self.length) ?? "-", 7), (call.queue ?? "-", 8)]))
            }
        }
        lines.append("")
        lines.append(row([("QUEUE", 12), ("15MIN offered", 14), ("ans", 5), ("aband", 6), ("SL", 6), ("| TODAY offered", 16), ("ans", 5), ("aband", 6), ("SL", 5)]))
        if queueRows.isEmpty {
            lines.append("  no calls yet")
        } else {
            for figure in queueRows {
                lines.append(row([(figure.queue.isEmpty ? "(none)" : figure.queue, 12), (String(figure.window.offered), 14), (String(figure.window.answered), 5),
                                  (Self.percent(figure.window.abandonmentRate), 6), (Self.percent(figure.window.serviceLevel), 6),
                                  ("| " + String(figure.today.offered), 16), (String(figure.today.answered), 5),
                                  (Self.percent(figure.today.abandonmentRate), 6), (Self.percent(figure.today.serviceLevel), 5)]))
            }
        }
        lines.append("")
        lines.append("LATEST EVENTS")
        if events.isEmpty {
            lines.append("  none")
        } else {
            for event in events.reversed() {
                let about = [event.agent.map { "agent " + $0 }, event.queue.map { "queue " + $0 }, event.callID].compactMap { $0 }.first ?? ""
                lines.append(row([(clock(event.time), 8), (event.severity.rawValue, 8), (event.rule, 16), (about, 16), (event.detail, 200)]))
            }
        }
        let visible = lines.prefix(max(1, rows - 1)).map { Self.cut($0, to: width) }
        return "\u{1B}[H" + visible.joined(separator: "\u{1B}[K\n") + "\u{1B}[K\n\u{1B}[J"
    }

    /// `HH:MM:SS` on the site's wall clock.
    private func clock(_ time: Timestamp) -> String { TalkRendering.clock(time, zone, seconds: true) }

    /// Fields each escaped, cut to its width and padded, after a two-space margin.
    private func row(_ fields: [(String, Int)]) -> String {
        "  " + fields.map { text, width in
            let shown = Self.cut(TerminalText.escaped(text), to: width - 1)
            return shown + String(repeating: " ", count: max(0, width - shown.count))
        }.joined()
    }

    /// `text` cut to `width` characters, the last one `~` when something was cut.
    static func cut(_ text: String, to width: Int) -> String {
        guard text.count > width else { return text }
        guard width > 1 else { return String(text.prefix(max(0, width))) }
        return String(text.prefix(width - 1)) + "~"
    }

    /// `0:07`, `12:30`, `1:02:03` (negative spans, from a clock step back, as `0:00`).
    static func length(_ nanoseconds: Int64) -> String {
        let seconds = Int(max(0, nanoseconds / 1_000_000_000))
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
        if seconds >= 3600 { return "\(seconds / 3600):\(two(seconds % 3600 / 60)):\(two(seconds % 60))" }
        return "\(seconds / 60):\(two(seconds % 60))"
    }

    /// `12%` or `-` when there is no figure.
    static func percent(_ rate: Double?) -> String {
        guard let rate, rate.isFinite else { return "-" }
        return "\(Int((rate * 100).rounded()))%"
    }
}
