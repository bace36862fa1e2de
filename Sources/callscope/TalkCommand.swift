import ArgumentParser
import CallMetrics
import CallModel
import Foundation
import Reports

/// `callscope talk`: who spoke when in each answered call, from the decoded audio.
struct TalkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "talk",
        abstract: "Show who owned each conversation and when: talk-ownership maps from the calls' audio.",
        discussion: """
            RTP audio (G.711 mu-law and A-law, L16) of the calls in the captures is decoded and each \
            side's speech found by an energy detector; stereo WAV recordings (PCM16, A-law, mu-law; \
            one side per channel) work the same way. The agent is the callee of inbound calls and the \
            caller of outbound calls (--agent-pattern overrides). A call's timeline is cut into \
            caller / agent / both / silence stretches. With --by agent, each agent's share of the \
            speech in each tenth of their calls shows where they lose the conversation.
            """
    )

    enum Formats: OutputFormats {
        static let command = "talk"
        static let accepted: [OutputFormat] = [.table, .json, .csv, .svg]
        static let help = "table (coloured strips) for people, json or csv for machines, svg pictures."
    }
    enum Grouping: String, ExpressibleByArgument, CaseIterable { case call, agent }
    enum Colour: String, ExpressibleByArgument, CaseIterable { case auto, always, never }

    @OptionGroup var input: InputOptions
    @OptionGroup var talk: TalkOptions

    @OptionGroup(title: "Finding calls") var selection: CallSelectionOptions

    @Option(help: "One report per call, or one row per agent with their share of speech by phase of the call.")
    var by: Grouping = .call

    @OptionGroup var output: OutputFormatOptions<Formats>

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Directory for the SVG files (one per call, or agents.svg); default: SVG on standard output for one call or --by agent.", valueName: "dir"))
    var outputDirectory: String?

    @Option(help: "Characters in each call's strip.")
    var width = 60

    @Option(help: "Colour the strips: auto (when standard output is a terminal), always or never.")
    var color: Colour = .auto

    func validate() throws {
        try input.requireExistingDatabase()
        guard (10...1000).contains(width) else { throw ValidationError("--width must be between 10 and 1000.") }
        if output.format == .csv, by == .call { throw ValidationError("--format csv is for --by agent; use json for per-call timelines.") }
        _ = try selection.query(fields: CallRecord.selectableFields(time: SiteTime(zone: input.siteTimeZone)), timeZone: input.siteTimeZone)
    }

    func run() throws {
        // Per-call timelines as json with no selection: each call written once final (captures,
        // README "Order and memory"), no list of every call held.
        if by == .call, output.format == .json, try selection.isEmpty(timeZone: input.siteTimeZone) {
            var stream = RecordStream(format: .json, header: [], write: Output.write)
            var (calls, skipped) = (0, 0)
            if let finish = try input.stream(talk: talk, emit: { call in
                calls += 1
                if call.talk == nil { skipped += 1 } else { stream.append(TalkRendering.record(call)) }
            }) {
                stream.finish()
                warnSkipped(skipped, of: calls)
                try finish()
                return
            }
        }
        let (collected, finish) = try input.collect(talk: talk)
        var time = SiteTime(zone: input.siteTimeZone)
        let calls = try selection.select(
            collected.calls, fields: CallRecord.selectableFields(time: time), timeZone: input.siteTimeZone,
            ids: { [$0.callID] + $0.legs.map(\.id) }, record: { CallRecord.record($0, detail: false, time: &time) }, failing: finish)
        let analysed = calls.filter { $0.talk != nil }
        let skipped = calls.count - analysed.count
        switch by {
        case .call: try renderCalls(analysed)
        case .agent: try renderAgents(TalkOwnership.byAgent(analysed), period: time.period(starts: analysed.map(\.start)))
        }
        warnSkipped(skipped, of: calls.count)
        try finish()
    }

    func warnSkipped(_ skipped: Int, of calls: Int) {
        if skipped > 0, !input.quiet {
            StandardError.line("callscope: \(skipped) of \(calls) calls have no talk timeline (not answered, no RTP captured, or a codec other than G.711/L16)")
        }
    }

    var colour: Bool {
        switch color {
        case .always: true
        case .never: false
        case .auto: isatty(STDOUT_FILENO) == 1
        }
    }

    func renderCalls(_ calls: [Call]) throws {
        switch output.format {
        case .table, .ndjson, .html:  // ndjson and html: refused by OutputFormatOptions.validate()
            Output.write(calls.isEmpty ? "no calls with a talk timeline\n" : TalkRendering.table(calls, width: width, colour: colour, time: SiteTime(zone: input.siteTimeZone)))
        case .json:
            var stream = RecordStream(format: .json, header: [], write: Output.write)
            for call in calls { stream.append(TalkRendering.record(call)) }
            stream.finish()
        case .csv:
            break  // refused by validate()
        case .svg:
            let zone = input.timezone == nil ? nil : input.siteTimeZone  // clock axis: the site's zone when given
            let pictures = calls.compactMap { call in TalkRendering.svg(call, timeZone: zone).map { (call, $0) } }
            if pictures.isEmpty {
                Output.write("no calls with a talk timeline\n")
            } else if let outputDirectory {
                var used: Set<String> = []
                for (call, svg) in pictures {
                    // Call-IDs that clean to the same name get -2, -3... instead of overwriting.
                    let base = Self.fileName(for: call.callID)
                    var name = base
                    var suffix = 2
                    while !used.insert(name).inserted {
                        name = "\(base)-\(suffix)"
                        suffix += 1
                    }
                    let path = try write(svg, named: name + ".svg", in: outputDirectory)
                    Output.write(path + "\n")
                }
            } else if pictures.count == 1, let svg = pictures.first?.1 {
                Output.write(svg)
            } else {
                throw ValidationError("\(pictures.count) calls have a timeline: give --output DIR for one SVG file each, or --call ID for one on standard output.")
            }
        }
    }

    /// - Parameter period: the span of the calls' starts and the zone, for the table's first line.
    func renderAgents(_ rows: [AgentOwnership], period: String) throws {
        switch output.format {
        case .table, .ndjson, .html:  // ndjson and html: refused by OutputFormatOptions.validate()
            Output.write(rows.isEmpty ? "no answered calls with a talk timeline\n" : "Period: \(period)\n\n" + TalkRendering.agentTable(rows))
        case .json, .csv:
            var stream = RecordStream(format: output.format == .json ? .json : .csv, header: ["agent", "calls", "agent_talk_s", "caller_talk_s", "overtalk_s", "silence_s", "agent_share", "share_by_tenth", "loses_ownership_at"], write: Output.write)
            for record in TalkRendering.agentRecords(rows) { stream.append(record) }
            stream.finish()
        case .svg:
            let svg = TalkRendering.agentSVG(rows)
            if let outputDirectory {
                Output.write(try write(svg, named: "agents.svg", in: outputDirectory) + "\n")
            } else {
                Output.write(svg)
            }
        }
    }

    /// Writes `text` to `directory/name`, creating the directory; returns the path.
    func write(_ text: String, named name: String, in directory: String) throws -> String {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let path = (directory as NSString).appendingPathComponent(name)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            return path
        } catch {
            throw CommandFailure(.output, "Cannot write \(name) in '\(directory)': \(error.localizedDescription)")
        }
    }

    /// A Call-ID made safe as a file name: anything but letters, digits, `-`, `_` and `.` becomes `_`.
    static func fileName(for callID: String) -> String {
        String(callID.map { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) ? $0 : "_" }.prefix(120))
    }
}
