import CallModel

/// The CDR formats callscope reads; the raw value is the `--input-format` name and the
/// `format` field of the calls.
public enum CDRFormat: String, CaseIterable, Sendable, Hashable {
    /// Asterisk cdr_csv `Master.csv`: no header, 16, 17, 18 or 21 positional fields.
    case asteriskCSV = "asterisk-csv"
    /// Asterisk cdr_custom with its default template (19 fields, no header).
    case asteriskCustom = "asterisk-csv-custom"
    /// An Asterisk `cdr` table export: FreePBX/other exports with a header row of column
    /// names, or the 25-field FreePBX export without one.
    case asteriskTable = "asterisk-db"
    /// A mysqldump of the Asterisk `cdr` table (CREATE TABLE + INSERT ... VALUES).
    case asteriskSQL = "asterisk-sql"
    /// Asterisk `queue_log`: `epoch|callid|queue|agent|EVENT|data...`, or a queue_log table export with a header.
    case queueLog = "queue-log"
    /// A mysqldump of the Asterisk realtime `queue_log` table.
    case queueLogSQL = "queue-log-sql"
    /// FreeSWITCH mod_cdr_csv with the default (example) template, 15 fields.
    case freeswitchCSV = "freeswitch-csv"
    /// FreeSWITCH mod_json_cdr documents.
    case freeswitchJSON = "freeswitch-json"
    /// Cisco CUCM CDR flat files (header of names, optional row of types).
    case cucm = "cucm"
    /// Kamailio/OpenSIPS acc records in a log (transactions and dialog CDRs), joined by call_id.
    case kamailioAcc = "kamailio-acc"
    /// Any CSV with a header, read through a `--mapping` file.
    case mappedCSV = "mapped-csv"
}

/// The start of a file, for format detection without reading it all.
public struct CDRSample: Sendable {
    /// Up to the first 64 KiB.
    public var bytes: [UInt8]
    /// The first lines as text (up to 5, any line ending).
    public var lines: [String]
    /// The field count of the first CSV record (comma-separated).
    public var firstRecordFieldCount: Int
    /// The first CSV record's fields as text (header names when there is a header).
    public var firstRecordFields: [String]

    public init(bytes: [UInt8]) {
        self.bytes = Array(bytes.prefix(65_536))
        let text = String(decoding: self.bytes, as: UTF8.self)
        self.lines = Array(text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }).prefix(5).map(String.init))
        var fields: [String] = []
        var count = 0
        self.bytes.withUnsafeBytes { buffer in
            var scanner = CSVScanner(bytes: buffer)
            var record = CSVRecord()
            if scanner.next(into: &record) {
                count = record.count
                fields = record.fields.map { buffer.string($0) }
            }
        }
        self.firstRecordFieldCount = count
        self.firstRecordFields = fields
    }
}

/// What a reader made of one file.
public struct CDRReadResult: Sendable {
    public var calls: [Call]
    /// Agent and queue member events (login, logoff, pause, unpause...) kept for agent reports.
    public var agentEvents: [AgentEvent]

    public init(calls: [Call], agentEvents: [AgentEvent] = []) {
        self.calls = calls
        self.agentEvents = agentEvents
    }
}

/// One agent event of a queue_log: login, member and pause events (AGENTLOGIN, ADDMEMBER,
/// PAUSE, ...) and the agent's part of calls (CONNECT, COMPLETE*, transfers, RINGNOANSWER,
/// RINGCANCELED, AGENTDUMP), which `AgentStateBuilder` turns into `AgentTimeline`s.
public struct AgentEvent: Sendable, Hashable {
    public var time: Timestamp
    public var agent: String
    public var queue: String?
    /// The event name as written, e.g. `PAUSE`.
    public var event: String
    /// The data fields after the event (empty for call events).
    public var data: [String]
    /// The callid of a call event; nil for login, member and pause events.
    public var callID: String?
    /// Where the event was read: the input as given and its line (diagnostics name them).
    public var input: String
    public var line: Int?

    public init(time: Timestamp, agent: String, queue: String?, event: String, data: [String], callID: String? = nil, input: String = "", line: Int? = nil) {
        self.time = time; self.agent = agent; self.queue = queue; self.event = event; self.data = data
        self.callID = callID; self.input = input; self.line = line
    }
}

/// A reader of one CDR format: detection from content, then rows into calls.
///
/// Readers work on the file's bytes (`CSVScanner`, `FieldDecoding`), build `String`s only for
/// values that reach the call, report every bad row through the context (`file:line: reason`)
/// and never trap on input.
public protocol CDRReader: Sendable {
    /// The format read.
    static var format: CDRFormat { get }
    /// How sure the reader is that a file starting with `sample` is its format: 0 (not at all)
    /// to 100 (certain). The importer picks the highest score above 50.
    static func detect(_ sample: CDRSample) -> Int
    init()
    /// Reads every record of `bytes` (the whole file) into calls.
    func read(_ bytes: UnsafeRawBufferPointer, context: inout CDRContext) throws(CDRError) -> CDRReadResult
}
