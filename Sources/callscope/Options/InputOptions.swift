import ArgumentParser
import CDRImport
import CallIngest
import CallModel
import CallReconstruction
import CallStore
import Foundation

/// The inputs every reading command takes, and how they become calls.
struct InputOptions: ParsableArguments {
    @Argument(help: ArgumentHelp(
        "Captures (pcap, pcapng), PBX CDR files, stereo WAV call recordings, directories of them, or - for a capture on standard input.",
        discussion: """
            Captures are merged in timestamp order, so a call spanning rotated files comes out whole. \
            CDR formats are detected from content: Asterisk Master.csv, cdr_custom and cdr table \
            exports, queue_log, FreeSWITCH CSV and JSON, Cisco CUCM, Kamailio acc logs; any other CSV through \
            --mapping (or a FILE.mapping.yaml beside FILE.csv).
            """,
        valueName: "input"))
    var inputs: [String] = []

    @Option(help: ArgumentHelp(
        "The site profile (YAML, README \"Site profile\"): time zone, own numbers, patterns, thresholds, windows, campaigns, database; options given here override it. Default: $CALLSCOPE_CONFIG, else ./callscope.yaml when it exists.",
        valueName: "file"))
    var config: String?

    @Option(help: ArgumentHelp(
        "The callscope database (SQLite): reading commands read its calls besides any inputs; import and db write it. Default: the profile's database; for import and db, else $CALLSCOPE_DB, else ./callscope.sqlite.",
        valueName: "path"))
    var db: String?

    @Option(help: ArgumentHelp(
        "A ClickHouse store instead of --db (HTTP interface, docs/clickhouse.md): reading commands read its calls besides any inputs; import writes it. The user and password come from the URL, else $CALLSCOPE_CLICKHOUSE_USER and $CALLSCOPE_CLICKHOUSE_PASSWORD.",
        valueName: "http://host:8123/?database=NAME"))
    var clickhouse: String?

    @Option(help: ArgumentHelp(
        "The site's time zone, also of CDR timestamps written without an offset: an IANA name (Europe/London), UTC, or +HH:MM; abbreviations such as BST are refused as ambiguous. Default: the profile's timezone, else the machine's.",
        valueName: "zone"))
    var timezone: String?

    @Option(help: ArgumentHelp("Read every CDR input as this format instead of detecting it.", valueName: "format"))
    var inputFormat: CDRFormat?

    @Option(help: ArgumentHelp("Column mapping (YAML) of a CSV export from any other PBX; see README.", valueName: "file"))
    var mapping: String?

    @Flag(help: "Stop importing a CDR file at its first bad row (default: report it, skip it, go on).")
    var strict = false

    @Option(parsing: .upToNextOption, help: ArgumentHelp(
        "The site's own public numbers (tracking numbers, DIDs), space- or comma-separated; a trailing * matches a prefix. Used to tell inbound from outbound. Default: the profile's own_numbers.",
        valueName: "number"))
    var ownNumbers: [String] = []

    @Option(help: ArgumentHelp(
        "Which numbers are internal extensions: an Asterisk-style pattern (X any digit, N 2-9, [1-5], . the rest). Default: the profile's extension_pattern, else 2 to 5 digits.",
        valueName: "pattern"))
    var extensionPattern: String?

    @Option(name: .customLong("caller-from"), parsing: .upToNextOption, help: ArgumentHelp(
        "Where the caller number comes from, in order of preference (default: the profile's caller_from, else pai rpid from).",
        valueName: "pai|rpid|from"))
    var callerFrom: [ReconstructionOptions.CallerSource] = []

    @Option(name: .customLong("dialed-from"), parsing: .upToNextOption, help: ArgumentHelp(
        "Where the dialled (tracking) number comes from, in order of preference (default: the profile's dialed_from, else ruri to).",
        valueName: "ruri|to"))
    var dialedFrom: [ReconstructionOptions.DialedSource] = []

    @Option(name: .shortAndLong, help: ArgumentHelp("Threads reading and decoding capture files (two or more files); the analysis stays one time-ordered pass, so calls spanning files come out whole and the output is the same. With 2 or more, calls also writes the records it streams on a thread of its own.", valueName: "n"))
    var jobs = 1

    @Option(help: "Diagnostics printed per input before the rest are only counted (0: print all).")
    var maxDiagnostics = 20

    @Flag(name: .shortAndLong, help: "Print no diagnostics and no summary line on stderr.")
    var quiet = false

    @OptionGroup(title: "Campaigns and visit attribution") var campaigns: CampaignOptions
    @OptionGroup(title: "Campaigns and visit attribution") var attribution: AttributionOptions

    func validate() throws {
        if let db, db.isEmpty { throw ValidationError("--db needs a file path.") }
        if db != nil && clickhouse != nil { throw ValidationError("Give --db or --clickhouse, not both.") }
        if let clickhouse { _ = try StoreOpening.endpoint(clickhouse) }
        // No input is fine when the profile names a database, or when the profile is bad: the
        // run then reports the profile's error (exit status 65) rather than a usage error.
        let profileDatabase = Result { try SiteSettings.loadProfile(option: config) }.map { $0?.1.database != nil }
        if inputs.isEmpty, db == nil, clickhouse == nil, (try? profileDatabase.get()) == false { throw ValidationError("Give at least one capture or CDR file, a directory, - for a capture on stdin, or --db PATH.") }

        if !(1...64).contains(jobs) { throw ValidationError("--jobs must be between 1 and 64.") }
        if inputs.filter({ $0 == "-" }).count > 1 { throw ValidationError("Standard input (-) can be read only once.") }
        if let timezone, case .failure(let error) = TimeZoneName.parse(timezone) { throw ValidationError(error.description) }
        if let mapping, !FileManager.default.fileExists(atPath: mapping) {
            throw ValidationError("Mapping file '\(mapping)' not found.")
        }
    }

    /// The run's effective site settings: these options (and the command's other groups) over
    /// the site profile over the defaults. Throws a ``CommandFailure`` for a bad profile.
    func settings(talk: TalkOptions? = nil, windows: HistoryWindowOptions? = nil, thresholds: KPIThresholdOptions? = nil,
                  campaigns: CampaignOptions? = nil, agentStates: AgentStateOptionsGroup? = nil,
                  rules: String? = nil, shifts: String? = nil) throws -> SiteSettings {
        SiteSettings(profile: try SiteSettings.loadProfile(option: config), input: self, talk: talk, windows: windows, thresholds: thresholds,
                     campaigns: campaigns ?? self.campaigns, agentStates: agentStates, rules: rules, shifts: shifts)
    }

    /// How inputs become calls; with `talk`, audio is decoded and voice activity found.
    func ingest(site: SiteSettings, talk: TalkOptions?) -> IngestOptions {
        IngestOptions(
            reconstruction: ReconstructionOptions(
                callerOrder: site.callerFrom.value, dialedOrder: site.dialedFrom.value, media: MediaAnalysisOptions(voiceActivity: talk?.voiceActivity),
                jobs: jobs
            ),
            cdr: CDRImportOptions(
                timeZone: site.timeZone,
                strict: strict, mappingPath: mapping, format: mapping != nil && inputFormat == nil ? .mappedCSV : inputFormat
            ),
            direction: site.directionRules,
            recordings: talk?.recordings ?? RecordingOptions()
        )
    }

    /// Reads every input into calls, printing diagnostics as they come. Call the returned
    /// `finish` after the output: it prints the summary line and throws exit status 1 when an
    /// input could not be read at all.
    /// - Parameter storedRange: the start times to read from the database (an indexed range
    ///   query); nil reads every stored call.
    /// - Parameter talk: decode audio and find voice activity with these settings.
    /// - Parameter site: the run's settings (``settings(talk:windows:thresholds:campaigns:agentStates:rules:shifts:)``);
    ///   nil resolves those of the input and talk options alone.
    /// - Parameter messages: read stored calls' SIP messages too (`calls`: its json `messages`).
    func collect(site: SiteSettings? = nil, readDatabase: Bool = true, storedRange: (from: Timestamp?, to: Timestamp?)? = nil, talk: TalkOptions? = nil, messages: Bool = false) throws -> (CollectedCalls, finish: () throws -> Void) {
        let site = try site ?? settings(talk: talk)
        let ingest = ingest(site: site, talk: talk)
        let printer = DiagnosticPrinter(limit: maxDiagnostics, quiet: quiet)
        let progress = ProgressLine(enabled: !quiet)
        var collected = CallCollector(options: ingest).collect(InputDiscovery.expand(inputs, recordings: talk != nil), progress: progress.update) { diagnostic in
            progress.clear()
            printer.print(diagnostic)
        }
        progress.clear()
        var db = clickhouse == nil ? site.database.value : nil
        if readDatabase, let path = db, site.database.source != .option("--db"), !FileManager.default.fileExists(atPath: path) {
            // The profile names a database that no import has created yet: the inputs alone.
            if !quiet { StandardError.line("callscope: note: no database at '\(path)' (\(site.database.source)) yet: 'callscope import' creates it") }
            db = nil
        }
        if readDatabase, clickhouse != nil || db != nil {
            // Stored calls join the inputs' calls; a call also given as an input is the same
            // call twice (same Call-ID and start), which the metrics count once.
            let stored: [Call]
            let store = try StoreOpening.forReading(clickhouse: clickhouse, path: db ?? "")
            do {
                stored = try store.calls(from: storedRange?.from, to: storedRange?.to, legs: true, messages: messages)
            } catch { throw CommandFailure.database(error) }
            collected = CallCollector(options: ingest).merging(stored: stored, into: collected)
        }
        if let attribution = try site.loadAttribution(report: printer.print) {
            collected.calls = attribution.attribute(collected.calls)
        }
        let summary = collected.summary
        let quiet = quiet
        return (collected, {
            printer.finish()
            if !quiet { StandardError.line(summary.line) }
            if summary.unreadableInputs > 0 { throw ExitCode(1) }
        })
    }

    /// ``collect(site:readDatabase:storedRange:talk:messages:)`` for a command that writes each
    /// call as it comes (`calls` in ndjson, json or csv) or aggregates it (`report`): the calls of captures, or of a lone CDR
    /// file, are handed to `emit` in start order while they are read
    /// (``CallCollector/stream(_:window:progress:diagnostics:emit:)``), so memory follows the
    /// calls in progress. Returns the `finish` of `collect`, or nil, having read nothing, when
    /// the run needs all its calls at once (captures with CDR files, several CDR files, a
    /// database, visit attribution): then call `collect`.
    /// - Parameter talk: decode audio and find voice activity with these settings (`talk`);
    ///   WAV recordings among the inputs then make the run need all its calls.
    /// - Parameter site: the run's settings, as for `collect`; nil resolves those of the input
    ///   and talk options alone.
    func stream(site: SiteSettings? = nil, talk: TalkOptions? = nil, emit: (consuming Call) -> Void) throws -> (() throws -> Void)? {
        let site = try site ?? settings(talk: talk)
        guard clickhouse == nil, site.database.value == nil else { return nil }
        if let attribution = site.attributionOptions {
            let pools = try site.loadPools()
            if !attribution.visits.isEmpty || !pools.isEmpty { return nil }
        }
        let printer = DiagnosticPrinter(limit: maxDiagnostics, quiet: quiet)
        let progress = ProgressLine(enabled: !quiet)
        let summary = CallCollector(options: ingest(site: site, talk: talk)).stream(
            InputDiscovery.expand(inputs, recordings: talk != nil), progress: progress.update, diagnostics: { diagnostic in
                progress.clear()
                printer.print(diagnostic)
            }, emit: emit)
        progress.clear()
        guard let summary else { return nil }
        let quiet = quiet
        return {
            printer.finish()
            if !quiet { StandardError.line(summary.line) }
            if summary.unreadableInputs > 0 { throw ExitCode(1) }
        }
    }

    /// For reading commands: `--db` must name an existing database (import creates one).
    func requireExistingDatabase() throws {
        if let db, !FileManager.default.fileExists(atPath: db) {
            throw ValidationError("No database at '\(db)': create it with 'callscope import FILES --db \(db)'.")
        }
    }

    /// The site's time zone for checks before the run (`--timezone`, else the profile's, else
    /// the machine's); a bad profile is reported when the command runs (``settings(talk:windows:thresholds:campaigns:agentStates:rules:shifts:)``).
    var siteTimeZone: TimeZone {
        timezone.flatMap(LocalTimeConverter.zone(named:))
            ?? (try? SiteSettings.loadProfile(option: config))??.1.timeZone.flatMap { LocalTimeConverter.zone(named: $0.value) } ?? .current
    }
}

extension ReconstructionOptions.CallerSource: ExpressibleByArgument {}
extension CDRFormat: ExpressibleByArgument {}
extension ReconstructionOptions.DialedSource: ExpressibleByArgument {}
