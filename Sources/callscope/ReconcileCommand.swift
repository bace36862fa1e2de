import ArgumentParser
import CDRImport
import CallModel
import Reconciliation
import Reports

/// `callscope reconcile`: the PBX's call records beside the captured calls (README "Reconcile").
struct ReconcileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Put CDR calls beside the captured calls: matched, CDR-only, wire-only and every disagreement.",
        discussion: """
            Give captures and CDR files together. Each CDR call is paired with the captured call \
            that is the same call: by SIP Call-ID when the CDR carries it (Kamailio acc), else by \
            caller, dialled number and start within --max-skew once the clock offset between the PBX \
            and the capture host (estimated from the Call-ID matches) is removed. Pairs are compared \
            on outcome, status, answer and end times, talk time, who hung up and the numbers.

            Exit status: 0 when the ledger and the wire agree; 3 when anything disagrees (a CDR-only or \
            wire-only call, or a mismatch); 1, 64 as for every command.
            """
    )

    /// The exit status when the ledger and the wire disagree (README "Exit status").
    static let disagreementStatus: Int32 = 3

    enum Formats: OutputFormats {
        static let command = "reconcile"
        static let accepted: [OutputFormat] = [.table, .json, .ndjson, .csv]
        static let help = "Output format: table for people; json (the summary and every call), ndjson or csv (one record per call) for machines."
    }

    @OptionGroup var input: InputOptions

    @Option(help: ArgumentHelp("How far apart, in seconds, a CDR call's start and a captured call's start may be (clock offset removed) to pair them without a Call-ID.", valueName: "seconds"))
    var maxSkew: Double = 2

    @Option(help: ArgumentHelp("The largest difference, in seconds, of talk, answer and end times that is not a mismatch.", valueName: "seconds"))
    var talkTolerance: Double = 1

    @OptionGroup var output: OutputFormatOptions<Formats>

    func validate() throws {
        if input.db != nil { throw ValidationError("reconcile reads captures and CDR files given as inputs, not --db.") }
        guard maxSkew.isFinite, (0...86_400).contains(maxSkew) else { throw ValidationError("--max-skew must be between 0 and 86400 seconds.") }
        guard talkTolerance.isFinite, (0...86_400).contains(talkTolerance) else { throw ValidationError("--talk-tolerance must be between 0 and 86400 seconds.") }
    }

    func run() throws {
        let (collected, finish) = try input.collect(readDatabase: false)
        if collected.summary.cdrFiles == 0 || collected.summary.capture.inputs == 0, collected.summary.unreadableInputs == 0 {
            throw ValidationError("reconcile needs both sides: at least one capture and one CDR file (got \(collected.summary.capture.inputs) capture(s), \(collected.summary.cdrFiles) CDR file(s)).")
        }
        let isCDR = { (call: Call) in CDRFormat(rawValue: call.format) != nil }
        let options = ReconcileOptions(maxSkewNanoseconds: Int64(maxSkew * 1e9), toleranceNanoseconds: Int64(talkTolerance * 1e9))
        let report = Reconciler.reconcile(cdr: collected.calls.filter(isCDR), wire: collected.calls.filter { !isCDR($0) }, options: options)
        switch output.format {
        case .json:
            Output.write(ReconcileRendering.json(report))
        case .ndjson, .csv:
            guard let format = output.format.recordStream else { break }
            var stream = RecordStream(format: format, header: ReconcileRendering.fields, write: Output.write)
            for record in ReconcileRendering.records(report) { stream.append(record) }
            stream.finish()
        case .table, .svg, .html:  // svg and html: refused by OutputFormatOptions.validate()
            Output.write(ReconcileRendering.table(report))
        }
        try finish()
        if !report.allAgree { throw ExitCode(Self.disagreementStatus) }
    }
}
