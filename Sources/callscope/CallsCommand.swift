import ArgumentParser
import CallIngest
import CallModel
import Foundation
import Reports

/// `callscope calls`: one record per call.
struct CallsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calls",
        abstract: "Print one record per call found in the inputs.",
        discussion: """
            From captures, a call is the set of SIP dialogs sharing a Call-ID that begin with an \
            initial INVITE. Retransmissions are counted, never double-counted; an INVITE challenged \
            with 401/407 and re-sent is one call; calls still open when the input ends are marked \
            truncated. From CDR files, the rows of one call (linkedid, uuid, global call id) are one \
            call with its legs; a queue_log given with Asterisk CDR enriches their calls.
            Diagnostics (file:packet or file:line) and a summary line go to stderr. The exit status \
            is 1 only when an input cannot be opened or read at all.
            """
    )

    enum Formats: OutputFormats {
        static let command = "calls"
        static let accepted: [OutputFormat] = [.table, .json, .ndjson, .csv]
        static let help = "Output format: table for people; json, ndjson or csv for machines."
    }

    @OptionGroup var input: InputOptions
    @OptionGroup(title: "Talk analysis") var talkOptions: TalkOptions

    @Flag(help: "Decode the calls' audio and fill caller_talk_s, agent_talk_s, overtalk_s, silence_s and agent_share (slower; RTP quality is always measured).")
    var talk = false

    @OptionGroup(title: "Finding calls") var selection: CallSelectionOptions
    @OptionGroup var output: OutputFormatOptions<Formats>
    @OptionGroup var display: DisplayOptions

    func validate() throws {
        try input.requireExistingDatabase()
        _ = try selection.query(fields: CallRecord.selectableFields(time: SiteTime(zone: input.siteTimeZone)), timeZone: input.siteTimeZone)
    }

    func run() throws {
        // Captures, or one CDR file, to ndjson, json or csv with no selection: each call is
        // written as soon as it is complete and in order, with no list of every call held.
        if let streamFormat = output.format.recordStream, !talk, try selection.isEmpty(timeZone: input.siteTimeZone) {
            // Made at the first call (or after the last input, for none): a run that cannot stream
            // starts no writer thread and writes nothing here.
            var writer: CallRecordWriter?
            func made() -> CallRecordWriter {
                if let writer { return writer }
                let time = SiteTime(zone: input.siteTimeZone)
                let made = CallRecordWriter(format: streamFormat, header: CallRecord.scalarFields(time: time), detail: streamFormat != .csv,
                                            time: time, threaded: input.jobs > 1, write: Output.write)
                writer = made
                return made
            }
            if let finish = try input.stream(emit: { call in made().append(call) }) {
                made().finish()
                try finish()
                return
            }
        }
        let (collected, finish) = try input.collect(talk: talk ? talkOptions : nil, messages: output.format == .json || output.format == .ndjson)
        var time = SiteTime(zone: input.siteTimeZone)
        let calls = try selection.select(
            collected.calls, fields: CallRecord.selectableFields(time: time), timeZone: input.siteTimeZone,
            ids: { [$0.callID] + $0.legs.map(\.id) }, record: { CallRecord.record($0, detail: false, time: &time) }, failing: finish)
        if let streamFormat = output.format.recordStream {
            var stream = RecordStream(format: streamFormat, header: CallRecord.scalarFields(time: time, calls: calls), write: Output.write)
            for call in calls { stream.append(call: call, detail: streamFormat != .csv, time: &time) }
            stream.finish()
        } else {
            Output.write(calls.isEmpty ? "no calls\n" : CallTable.render(calls, time: time, width: display.tableWidth, talk: talk))
        }
        try finish()
    }
}
