import ArgumentParser
import CDRImport
import CallIngest
import CallMetrics
import CallModel
import CallReconstruction
import CallStore
import Foundation
import PacketCapture
import Reports
import SiteConfiguration
import Webhook

/// `callscope watch`: calls from live sources, each printed the moment it is over.
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Reconstruct calls live from network interfaces, HEP feeds and growing CDR files; print each call as it ends.",
        discussion: """
            Sources, any mix: -i IFACE (live capture through libpcap; 'any' is every interface; \
            needs root or CAP_NET_RAW), --hep-listen ADDR:PORT (a HEP collector: the SIP that \
            Kamailio's siptrace, OpenSIPS, FreeSWITCH or heplify mirror, HEPv1-v3 over UDP and \
            HEPv3 over TCP) and --follow FILE (Master.csv, cdr_custom, FreeSWITCH CSV or queue_log \
            that keep growing). Each call is written to stdout as one ndjson line (the schema of \
            'calls -f ndjson') when it is final: --linger after its end. SIGINT or SIGTERM \
            stops: calls still open are written marked truncated, then the summary line goes to \
            stderr. Kernel drops (pcap_stats) are reported as warnings at the stop.
            """
    )

    @Option(name: [.customShort("i"), .customLong("interface")], help: ArgumentHelp("Capture live on this interface (repeatable; 'any' on Linux).", valueName: "iface"))
    var interfaces: [String] = []

    @Option(help: ArgumentHelp("BPF filter of the live interfaces (tcpdump syntax). The default keeps every UDP, TCP and SCTP packet: SIP on any port and its RTP.", valueName: "bpf"))
    var filter = "udp or tcp or sctp"

    @Option(help: ArgumentHelp("Listen for HEP on this UDP address (repeatable), e.g. 127.0.0.1:9060 or [::1]:9060.", valueName: "addr:port"))
    var hepListen: [String] = []

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Follow these growing CDR files (Master.csv, cdr_custom, FreeSWITCH CSV, queue_log) from their end: each new call is read once its rows are written, across rotation (a new file or a truncated one); a half-written last line waits for its newline.", valueName: "file"))
    var follow: [String] = []

    @Option(help: ArgumentHelp("Read the followed files as this format instead of detecting it (asterisk-csv, asterisk-csv-custom, freeswitch-csv, queue-log).", valueName: "format"))
    var inputFormat: CDRFormat?

    @Option(help: ArgumentHelp("The time zone of CDR timestamps written without an offset (IANA name, UTC or +HH:MM). Default: the profile's timezone, else the machine's.", valueName: "zone"))
    var timezone: String?

    @Option(help: ArgumentHelp("Also save the live interfaces' frames as pcap files in this directory (created if missing), rotated by --rotate: the evidence of what was analysed.", valueName: "dir"))
    var write: String?

    @Option(help: ArgumentHelp("When --write moves to a new file: a size (500KB, 100MB, 2GB) or a span of capture time (30s, 15m, 1h, 1d).", valueName: "size|time"))
    var rotate = "100MB"

    @Option(help: ArgumentHelp("Also store each call in this database the moment it is final (same natural keys as import, so nothing is stored twice). Default: the site profile's database, if it names one.", valueName: "path"))
    var db: String?

    @Option(help: ArgumentHelp("Store each call in this ClickHouse store instead of --db, the moment it is final (docs/clickhouse.md).", valueName: "http://host:8123/?database=NAME"))
    var clickhouse: String?

    @Option(help: ArgumentHelp("Control rules (YAML, as for events; default: the profile's events.rules): the rules that judge one call (agent_ended_within, wait_longer_than, poor_audio) raise their events the moment the call ends, kpi window rules as calls end and as the window slides, the agent-state rules (pause_longer_than, pauses_per_day, rona_per_day) as a followed queue_log is written and as a pause goes on, as ndjson lines with \"kind\": \"event\" on stdout.", valueName: "file"))
    var rules: String?

    @Option(help: ArgumentHelp("Also POST each control event of --rules to this URL as one JSON object (the event's ndjson line), from a queue of 1,000 that never holds the capture up: a failed POST (refused, timed out, 5xx) is tried again after 0.25 s, doubling up to 8 s, 8 times in all; what was not delivered is counted on stderr at the stop.", valueName: "url"))
    var webhook: String?

    @Option(help: ArgumentHelp("The site profile (YAML, README \"Site profile\"): its own numbers and extension pattern give each call its direction. Default: $CALLSCOPE_CONFIG, else ./callscope.yaml when it exists.", valueName: "file"))
    var config: String?

    @Option(help: ArgumentHelp("Seconds a call is kept after its end (BYE, final response or CANCEL) before it is written, for its last messages (the 200 to the BYE, the ACK). Later retransmissions count as messages of no call, never as a second call. 'calls' on files waits 32 s (RFC 3261 Timer B).", valueName: "seconds"))
    var linger = 0.5

    /// What standard output carries: on a terminal the live view unless `--format` says ndjson.
    enum Format: String, ExpressibleByArgument, CaseIterable { case ndjson }

    @Option(name: .shortAndLong, help: ArgumentHelp("ndjson: one line per call and per event even on a terminal (default on a terminal: the live view of calls in progress, the last calls, each queue's KPIs over 15 minutes and today, and the latest events; ndjson when piped).", valueName: "format"))
    var format: Format?

    @Option(help: "Diagnostics printed before the rest are only counted (0: print all).")
    var maxDiagnostics = 20

    @Flag(name: .shortAndLong, help: "Print no diagnostics and no summary line on stderr.")
    var quiet = false

    func validate() throws {
        if interfaces.isEmpty && hepListen.isEmpty && follow.isEmpty { throw ValidationError("Give a source: -i IFACE, --hep-listen ADDR:PORT or --follow FILE.") }
        if let timezone, case .failure(let error) = TimeZoneName.parse(timezone) { throw ValidationError(error.description) }
        if CaptureRotation(rotate) == nil { throw ValidationError("--rotate '\(rotate)' is not a size (500KB, 100MB, 2GB; at least 1KB) or a time (30s, 15m, 1h, 1d).") }
        if !(0...32).contains(linger) { throw ValidationError("--linger \(linger) is not between 0 and 32 seconds.") }
        if db != nil && clickhouse != nil { throw ValidationError("Give --db or --clickhouse, not both.") }
        if let clickhouse { _ = try StoreOpening.endpoint(clickhouse) }
        if write != nil, interfaces.isEmpty { throw ValidationError("--write saves the frames of live interfaces: give -i IFACE (HEP messages are not frames).") }
    }

    func run() throws {
        let site = SiteSettings(profile: try SiteSettings.loadProfile(option: config), timezone: timezone, db: db)
        var liveRules = try loadLiveRules(site: site)
        var sender: WebhookSender?
        if let webhook {
            guard liveRules != nil else { throw ValidationError("--webhook POSTs control events: give --rules FILE (or events.rules in the site profile).") }
            do throws(WebhookError) { sender = try WebhookSender(url: webhook) } catch { throw ValidationError(error.description) }
        }
        var database: (any CallStoring)?
        if let clickhouse {
            database = try StoreOpening.forWriting(clickhouse: clickhouse, path: "")
        } else if let path = site.database.value {
            do { database = try CallDatabase(path: path) } catch { throw CommandFailure.database(error) }
        }
        var saving: (directory: String, rotation: CaptureRotation)?
        if let write, let rotation = CaptureRotation(rotate) {
            do { try FileManager.default.createDirectory(atPath: write, withIntermediateDirectories: true) } catch {
                throw CommandFailure(.output, "Cannot create '\(write)': \(error.localizedDescription)")
            }
            saving = (write, rotation)
        }
        let printer = DiagnosticPrinter(limit: maxDiagnostics, quiet: quiet)
        let view = try liveView(site: site)
        let analyzer: LiveAnalyzer
        do {
            analyzer = try LiveAnalyzer(interfaces: interfaces, filter: filter, hepListen: hepListen, follow: follow,
                                        cdrOptions: CDRImportOptions(timeZone: site.timeZone, format: inputFormat),
                                        options: ReconstructionOptions(lingerNanoseconds: Int64(linger * 1e9)), direction: site.directionRules, write: saving,
                                        agentStates: liveRules?.judgesAgents == true) { printer.print($0) }
        } catch {
            throw CommandFailure(.input, error.description)
        }
        if !quiet { StandardError.line("callscope: watching \(analyzer.inputs.joined(separator: ", ")); SIGINT or SIGTERM stops") }
        var line: [UInt8] = []
        var emitted = 0
        var raised = 0
        var stored = ImportCounts()
        let storeLocation = database?.location
        let live = LiveImport(sources: analyzer.inputs, startedAt: Timestamp(nanoseconds: Int64(Date().timeIntervalSince1970 * 1e9)))
        let writeEvents = { (events: [ControlEvent]) in
            guard !events.isEmpty else { return }
            view?.raised(events)
            line.removeAll(keepingCapacity: true)
            for event in events {
                raised += 1
                let start = line.count
                JSONWriter.append([("kind", .string("event"))] + ControlEventRendering.record(event), to: &line)
                sender?.send(Array(line[start...]))
                line.append(0x0A)
            }
            if view == nil { Output.write(line) }
        }
        let summary = analyzer.run(onCall: { call in
            emitted += 1
            if let store = database {
                do throws(StoreError) {
                    switch try live.store([call], in: store) {
                    case .imported(_, let counts), .completed(_, _, let counts):
                        stored.inserted += counts.inserted; stored.updated += counts.updated; stored.unchanged += counts.unchanged
                    case .alreadyImported: stored.unchanged += 1
                    }
                } catch {
                    // The call is still written to stdout; the database is left alone from here on.
                    printer.print(Diagnostic(.error, input: storeLocation ?? "database", packet: nil, message: "\(error.description): calls are no longer stored"))
                    database = nil
                }
            }
            if let view {
                view.finished(call)
            } else {
                line.removeAll(keepingCapacity: true)
                JSONWriter.append(CallRecord.record(call, detail: true), to: &line)
                line.append(0x0A)
                Output.write(line)
            }
            writeEvents(liveRules?.finished(call, wall: Self.wallClock()) ?? [])
        }, onAgentChanges: { changes in
            writeEvents(liveRules?.agentChanges(changes, wall: Self.wallClock()) ?? [])
        }, onTick: {
            writeEvents(liveRules?.tick(wall: Self.wallClock()) ?? [])
            view?.tick(inProgress: analyzer.callsInProgress, now: Self.wallClock())
        })
        view?.close(now: Self.wallClock())
        let delivery = sender?.stop()
        printer.finish()
        if !quiet, liveRules?.rules.isEmpty == false {
            StandardError.line("callscope: \(raised) control event\(raised == 1 ? "" : "s") raised")
        }
        if !quiet, let webhook, let delivery { StandardError.line(Self.deliveryLine(delivery, url: webhook)) }
        if !quiet, let path = storeLocation {
            StandardError.line("callscope: stored in \(path): \(stored.inserted) new, \(stored.updated) updated, \(stored.unchanged) unchanged")
        }
        if !quiet, let write {
            StandardError.line("callscope: frames saved in \(analyzer.writtenFiles.count) file\(analyzer.writtenFiles.count == 1 ? "" : "s") in \(write)")
        }
        if !quiet {
            StandardError.line("callscope: \(summary.inputs) sources, \(summary.packets) packets, \(summary.sipMessages) SIP messages"
                + (summary.hepMessages > 0 ? " (\(summary.hepMessages) from HEP)" : "")
                + (follow.isEmpty ? "" : ", \(analyzer.cdrRows) CDR rows") + ", \(emitted) calls, \(summary.errors) errors")
        }
    }

    /// The live view, on a terminal without `--format`; nil otherwise.
    private func liveView(site: SiteSettings) throws -> WatchView? {
        guard format == nil, isatty(STDOUT_FILENO) == 1 else { return nil }
        let options = try MetricsOptions(site: site, period: PeriodOptions.parse([]), campaigns: try site.loadCampaigns())
        let sources = interfaces + hepListen.map { "hep:\($0)" } + follow
        return WatchView(screen: LiveScreen(title: sources.joined(separator: ", "), options: options))
    }

    /// The rules of `--rules` (or the profile's `events.rules`) judged live: those about one call,
    /// the `kpi` windows and the agent-state rules (on a followed queue_log); the others (shifts,
    /// lost-call returns) are named on stderr as not live. Nil without rules.
    private func loadLiveRules(site: SiteSettings) throws -> LiveControlRules? {
        guard let path = rules ?? site.rules.value else { return nil }
        let campaigns = try site.loadCampaigns()
        let all: [ControlRule]
        do throws(ConfigurationError) { all = try ControlRulesFile.load(path) } catch { throw CommandFailure.configuration(error) }
        let options = try MetricsOptions(site: site, period: PeriodOptions.parse([]), campaigns: campaigns)
        let live = LiveControlRules(rules: all, options: options)
        if !quiet, !live.notLive.isEmpty {
            StandardError.line("callscope: rules not judged live (they need shifts or later calls): \(live.notLive.map { TerminalText.escaped($0.name) }.joined(separator: ", "))")
        }
        return live
    }

    /// The webhook's line of the stop summary: what was delivered, and each way events were lost.
    static func deliveryLine(_ counts: WebhookSender.Counts, url: String) -> String {
        var text = "callscope: webhook \(url): \(counts.delivered) event\(counts.delivered == 1 ? "" : "s") delivered"
        if counts.retries > 0 { text += " (\(counts.retries) POST\(counts.retries == 1 ? "" : "s") retried)" }
        guard counts.lost > 0 else { return text }
        var ways: [String] = []
        if counts.failed > 0 { ways.append("\(counts.failed) given up after retries or refused") }
        if counts.dropped > 0 { ways.append("\(counts.dropped) dropped with the queue full") }
        if counts.undelivered > 0 { ways.append("\(counts.undelivered) still queued at the stop") }
        text += ", \(counts.lost) NOT delivered (\(ways.joined(separator: ", ")))"
        if let failure = counts.lastFailure { text += "; last failure: \(failure)" }
        return text
    }

    /// The wall clock, nanoseconds since the epoch.
    private static func wallClock() -> Int64 { Int64((Date().timeIntervalSince1970 * 1e9).rounded()) }
}
