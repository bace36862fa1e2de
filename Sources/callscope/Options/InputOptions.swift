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
            exports, queue_log, FreeSWITCH CSV and JSON, Cisco CUCM; any other CSV through \
            --mapping (or a FILE.mapping.yaml beside FILE.csv).
            """,
        valueName: "input"))
    var inputs: [String] = []

    @Option(help: ArgumentHelp(
        "The callscope database (SQLite): reading commands read its calls besides any inputs; import and db write it. Default: $CALLSCOPE_DB, else ./callscope.sqlite (for import and db).",
        valueName: "path"))
    var db: String?

    @Option(help: ArgumentHelp(
        "Time zone of CDR timestamps written without an offset: an IANA name (Europe/London), UTC, or +HH:MM; abbreviations such as BST are refused as ambiguous.",
        valueName: "zone"))
    var timezone: String?

    @Option(help: ArgumentHelp("Read every CDR input as this format instead of detecting it.", valueName: "format"))
    var inputFormat: CDRFormat?

    @Option(help: ArgumentHelp("Column mapping (YAML) of a CSV export from any other PBX; see README.", valueName: "file"))
    var mapping: String?

    @Flag(help: "Stop importing a CDR file at its first bad row (default: report it, skip it, go on).")
    var strict = false

    @Option(parsing: .upToNextOption, help: ArgumentHelp(
        "The site's own public numbers (tracking numbers, DIDs), space- or comma-separated; a trailing * matches a prefix. Used to tell inbound from outbound.",
        valueName: "number"))
    var ownNumbers: [String] = []

    @Option(help: ArgumentHelp(
        "Which numbers are internal extensions: an Asterisk-style pattern (X any digit, N 2-9, [1-5], . the rest). Default: 2 to 5 digits.",
        valueName: "pattern"))
    var extensionPattern: String?

    @Option(name: .customLong("caller-from"), parsing: .upToNextOption, help: ArgumentHelp(
        "Where the caller number comes from, in order of preference.",
        valueName: "pai|rpid|from"))
    var callerFrom: [ReconstructionOptions.CallerSource] = [.pai, .rpid, .from]

    @Option(name: .customLong("dialed-from"), parsing: .upToNextOption, help: ArgumentHelp(
        "Where the dialled (tracking) number comes from, in order of preference.",
        valueName: "ruri|to"))
    var dialedFrom: [ReconstructionOptions.DialedSource] = [.ruri, .to]

    @Option(name: .shortAndLong, help: ArgumentHelp("Threads reading and decoding capture files (two or more files); the analysis stays one time-ordered pass, so calls spanning files come out whole and the output is the same.", valueName: "n"))
    var jobs = 1

    @Option(help: "Diagnostics printed per input before the rest are only counted (0: print all).")
    var maxDiagnostics = 20

    @Flag(name: .shortAndLong, help: "Print no diagnostics and no summary line on stderr.")
    var quiet = false

    func validate() throws {
        if let db, db.isEmpty { throw ValidationError("--db needs a file path.") }
        if inputs.isEmpty, db == nil { throw ValidationError("Give at least one capture or CDR file, a directory, - for a capture on stdin, or --db PATH.") }

        if !(1...64).contains(jobs) { throw ValidationError("--jobs must be between 1 and 64.") }
        if inputs.filter({ $0 == "-" }).count > 1 { throw ValidationError("Standard input (-) can be read only once.") }
        if let timezone, case .failure(let error) = TimeZoneName.parse(timezone) { throw ValidationError(error.description) }
        if let mapping, !FileManager.default.fileExists(atPath: mapping) {
            throw ValidationError("Mapping file '\(mapping)' not found.")
        }
    }

    /// How inputs become calls; with `talk`, audio is decoded and voice activity found.
    func ingest(talk: TalkOptions?) -> IngestOptions {
        IngestOptions(
            reconstruction: ReconstructionOptions(
                callerOrder: callerFrom, dialedOrder: dialedFrom, media: MediaAnalysisOptions(voiceActivity: talk?.voiceActivity),
                jobs: jobs
            ),
            cdr: CDRImportOptions(
                timeZone: timezone.flatMap(LocalTimeConverter.zone(named:)) ?? .current,
                strict: strict, mappingPath: mapping, format: mapping != nil && inputFormat == nil ? .mappedCSV : inputFormat
            ),
            direction: DirectionRules(
                ownNumbers: ownNumbers.flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } },
                extensionPattern: extensionPattern, agentPattern: talk?.agentPattern
            ),
            recordings: talk?.recordings ?? RecordingOptions()
        )
    }

    /// Reads every input into calls, printing diagnostics as they come. Call the returned
    /// `finish` after the output: it prints the summary line and throws exit status 1 when an
    /// input could not be read at all.
    /// - Parameter storedRange: the start times to read from the database (an indexed range
    ///   query); nil reads every stored call.
    /// - Parameter talk: decode audio and find voice activity with these settings.
    func collect(readDatabase: Bool = true, storedRange: (from: Timestamp?, to: Timestamp?)? = nil, talk: TalkOptions? = nil) throws -> (CollectedCalls, finish: () throws -> Void) {
        let ingest = ingest(talk: talk)
        let printer = DiagnosticPrinter(limit: maxDiagnostics, quiet: quiet)
        let progress = ProgressLine(enabled: !quiet)
        var collected = CallCollector(options: ingest).collect(InputDiscovery.expand(inputs, recordings: talk != nil), progress: progress.update) { diagnostic in
            progress.clear()
            printer.print(diagnostic)
        }
        progress.clear()
        if readDatabase, let db {
            // Stored calls join the inputs' calls; a call also given as an input is the same
            // call twice (same Call-ID and start), which the metrics count once.
            let stored: [Call]
            do {
                let database = try CallDatabase.opened(forReading: db)
                if let storedRange {
                    stored = try database.calls(from: storedRange.from, to: storedRange.to)
                } else {
                    stored = try database.allCalls()
                }
            } catch { throw CommandFailure.database(error) }
            collected = CallCollector(options: ingest).merging(stored: stored, into: collected)
        }
        let summary = collected.summary
        let quiet = quiet
        return (collected, {
            printer.finish()
            if !quiet { StandardError.line(summary.line) }
            if summary.unreadableInputs > 0 { throw ExitCode(1) }
        })
    }

    /// For reading commands: `--db` must name an existing database (import creates one).
    func requireExistingDatabase() throws {
        if let db, !FileManager.default.fileExists(atPath: db) {
            throw ValidationError("No database at '\(db)': create it with 'callscope import FILES --db \(db)'.")
        }
    }

    /// The time zone of `--timezone`, else the machine's.
    var siteTimeZone: TimeZone { timezone.flatMap(LocalTimeConverter.zone(named:)) ?? .current }
}

extension ReconstructionOptions.CallerSource: ExpressibleByArgument {}
extension CDRFormat: ExpressibleByArgument {}
extension ReconstructionOptions.DialedSource: ExpressibleByArgument {}
