import CallModel
@testable import CallStore
import Foundation
import GRDB
import Testing
import TestSupport

@Suite struct CallStoreTests {
    @Test func roundTripOfEveryField() throws {
        let dir = TemporaryDirectory()
        let db = try CallDatabase(path: dir.file("a.sqlite"))
        var full = Call(
            callID: "a84b4c76e66710@pc33.example.com", source: "day-1.pcap", transport: "tcp", start: Timestamp(nanoseconds: 1_772_442_000_123_456_789),
            caller: "+442071234567", dialed: "+448001234567", divertedFrom: "+448009999999", outcome: .busy,
            finalStatus: 486, reasonCause: 17, pddMilliseconds: 1234,
            answeredAt: Timestamp(nanoseconds: 1_772_442_003_000_000_001), endedAt: Timestamp(nanoseconds: 1_772_442_063_999_999_999),
            holdNanoseconds: 12_345_678_901, endedBy: .callee, agent: "alice \"A\"", queue: "sales\nteam",
            waitNanoseconds: 2_876_543_211, direction: .outbound, format: "pcap", packets: 17, retransmissions: 3, truncated: true,
            legs: [
                CallLeg(id: "tag-1", status: "180", start: Timestamp(nanoseconds: 1_772_442_001_000_000_000), answered: false),
                CallLeg(id: "tag-2", status: "200", start: Timestamp(nanoseconds: 1_772_442_002_000_000_000), answered: true,
                        destination: "sip:bob@example.com", answeredAt: Timestamp(nanoseconds: 1_772_442_003_000_000_001),
                        endedAt: Timestamp(nanoseconds: 1_772_442_063_999_999_999)),
            ],
            media: [
                MediaOffer(time: Timestamp(nanoseconds: 1_772_442_000_123_456_789), from: .caller, carriedBy: "INVITE", streams: [
                    MediaStream(media: "audio", address: "192.0.2.1", port: 49170, proto: "RTP/AVP", payloadTypes: [0, 8, 101],
                                encodings: [0: "PCMU/8000", 8: "PCMA/8000", 101: "telephone-event/8000"], direction: .sendrecv),
                ]),
                MediaOffer(time: Timestamp(nanoseconds: 1_772_442_010_000_000_000), from: .callee, carriedBy: "200", streams: [
                    MediaStream(media: "audio", address: nil, port: 0, proto: "RTP/AVP", payloadTypes: [], encodings: [:], direction: .inactive),
                ]),
            ])
        // The v4 columns, each with a value no other column holds.
        full.systemAnsweredAt = Timestamp(nanoseconds: 1_772_442_002_500_000_003)
        full.ivrNanoseconds = 4_444_444_444
        full.transfers = 5
        full.legs[1].agent = "bob"
        full.legs[1].talkNanoseconds = 60_999_999_998
        // The v5 ladder: a request and a response, every field distinct, a non-ASCII first line.
        full.messages = [
            SIPMessageSummary(time: Timestamp(nanoseconds: 1_772_442_000_123_456_789), source: "192.0.2.1:5060", destination: "[2001:db8::2]:5080",
                              transport: "tcp", label: "INVITE", cseqNumber: 4_294_967_295, cseqMethod: "INVITE", firstLine: "INVITE sip:+448001234567@example.com SIP/2.0"),
            SIPMessageSummary(time: Timestamp(nanoseconds: 1_772_442_001_000_000_000), source: "[2001:db8::2]:5080", destination: "192.0.2.1:5060",
                              transport: "tcp", label: "486", cseqNumber: 1, cseqMethod: "INVITE", firstLine: "SIP/2.0 486 Occupé \u{202E}"),
        ]
        // The v6 columns (visit attribution), each with a value no other column holds.
        full.attribution = VisitAttribution(kind: .pool, owner: "website", visitorID: "v-1", source: "google", medium: "cpc",
                                            campaign: "brand", keyword: "dentist, london", landingPage: "https://example.com/?a=1",
                                            clickID: "gclid-9", ambiguous: true)
        let bare = Call(callID: "", source: "", start: Timestamp(nanoseconds: -1_500_000), format: "cucm-cdr")
        let outcome = try db.importFile(identity("x"), calls: [full, bare], rows: 2, badRows: 0)
        #expect(outcome.counts == ImportCounts(inserted: 2))
        #expect(try db.allCalls(messages: true) == [bare, full])
        var withoutMessages = full
        withoutMessages.messages = []
        #expect(try db.allCalls() == [bare, withoutMessages])
        #expect(try db.calls(from: nil, to: nil, messages: true) == [bare, full])
    }

    /// The migrations are the text older callscope versions applied: editing one would give
    /// new databases a schema that existing ones do not have. A change is a new migration.
    @Test func migrationTextsAreFrozen() {
        let digests = CallSchema.migrations.map { "\($0.version) \(SHA256.hex(of: Array($0.sql.utf8)))" }
        #expect(digests == [
            "v1 7e704c5da2bfe993bcc3f39de07063859b85893e0be2ab6114ac078563e5a7dd",
            "v2 2018dfa06a7cff40cc53ad27579a834f86b3382617372cd0d3b61e31f92e1374",
            "v3 143ceab8ec11d7708b87a9256de1590adb16daf12c1e3673ff383d1a1d6fc67f",
            "v4 3ab74175b7f993a7e8803576154bd1729fa5557efb76fc0e3e4a4219bb6f8f1b",
            "v5 2f79a6ee21dff3c3aba7f553c2ea099b4cb467a12d882c6d77cbc50f97bb4548",
            "v6 906bf601347a96e2620809341053fc43066b3fb94c06b5051e4827bf69382cb1",
            "v7 138786f5c2267c44b0ea1491668fb5966944c87348cdf243b86ae1e89713c28c",
        ])
    }

    /// `CallRow` writes and reads rows by position in its column lists: each list holds every
    /// stored (not generated) column of its migrated table once, and reads select exactly the
    /// list, so a position means one column (`roundTripOfEveryField` checks each one's value).
    @Test func rowColumnListsAreTheStoredColumnsOfTheSchema() throws {
        let dir = TemporaryDirectory()
        _ = try CallDatabase(path: dir.file("a.sqlite"))
        let queue = try DatabaseQueue(path: dir.file("a.sqlite"))
        func stored(_ table: String) throws -> [String] {
            try queue.read { db in
                try Row.fetchAll(db, sql: "SELECT name FROM pragma_table_xinfo(?) WHERE hidden = 0", arguments: [table]).map { $0["name"] as String }
            }
        }
        let calls = try stored("calls"), legs = try stored("legs"), messages = try stored("messages")
        #expect(calls.count == CallRow.columns.count + 1 && Set(calls) == Set(["id"] + CallRow.columns))
        #expect(legs.count == CallRow.legColumns.count && Set(legs) == Set(CallRow.legColumns))
        #expect(messages.count == CallRow.messageColumns.count && Set(messages) == Set(CallRow.messageColumns))
        #expect(CallRow.selectColumns == "c.id, " + CallRow.columns.dropLast(2).map { "c.\($0)" }.joined(separator: ", "))
    }

    /// The generated columns give the README's text for times, durations and the natural key.
    @Test func generatedColumnsMatchTheOutputSchema() throws {
        let dir = TemporaryDirectory()
        let db = try CallDatabase(path: dir.file("a.sqlite"))
        var unanswered = cdrCall("2", 100)
        unanswered.answeredAt = nil
        unanswered.endedAt = Timestamp(nanoseconds: unanswered.start.nanoseconds + 12_345_500_000)
        unanswered.waitNanoseconds = nil
        unanswered.holdNanoseconds = -1_500_000
        var open = cdrCall("3", 200, truncated: true)
        open.format = "pcap"
        let calls = [cdrCall("1", 0), unanswered, open]
        _ = try db.importFile(identity("x"), calls: calls, rows: 3, badRows: 0)
        let rows = try db.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT start, answered_at, ended_at, ring_s, talk_s, hold_s, wait_s, natural_key FROM calls ORDER BY start_ns")
        }
        for (row, call) in zip(rows, calls) {
            #expect(row["start"] as String? == call.start.iso8601)
            #expect(row["answered_at"] as String? == call.answeredAt?.iso8601)
            #expect(row["ended_at"] as String? == call.endedAt?.iso8601)
            #expect((row["ring_s"] as Double?).map { String(format: "%.3f", $0) } == call.ringTime?.seconds3)
            #expect((row["talk_s"] as Double?).map { String(format: "%.3f", $0) } == call.talkTime?.seconds3)
            #expect(String(format: "%.3f", row["hold_s"] as Double) == call.holdTime.seconds3)
            #expect((row["wait_s"] as Double?).map { String(format: "%.3f", $0) } == call.waitTime?.seconds3)
            #expect(row["natural_key"] as String == CallRow.naturalKey(call))
        }
        #expect(rows[0]["natural_key"] as String == "asterisk-csv:1")
        #expect(rows[2]["natural_key"] as String == "sip:3@2026-03-02T09:03:20.000Z")
        let legStarts = try db.pool.read { try String.fetchAll($0, sql: "SELECT start FROM legs ORDER BY start_ns") }
        #expect(legStarts == calls.map(\.start.iso8601))
    }

    @Test func reimportingTheSameFileIsANoOp() throws {
        let dir = TemporaryDirectory()
        let db = try CallDatabase(path: dir.file("a.sqlite"))
        let calls = (0..<50).map { cdrCall("c\($0)", Int64($0) * 60) }
        let first = try db.importFile(identity("Master.csv"), calls: calls, rows: 52, badRows: 2)
        #expect(first.counts == ImportCounts(inserted: 50))
        let second = try db.importFile(identity("Master.csv"), calls: calls, rows: 52, badRows: 2)
        #expect(second.isAlreadyImported)
        #expect(second.description.contains("already imported"))
        let stats = try db.stats()
        #expect(stats.calls == 50 && stats.legs == 50 && stats.files == 1)
        #expect(stats.lastImports.first?.rows == 52 && stats.lastImports.first?.badRows == 2)
    }

    @Test func overlappingFilesStoreEveryCallOnce() throws {
        let dir = TemporaryDirectory()
        let db = try CallDatabase(path: dir.file("a.sqlite"))
        let monday = (0..<100).map { cdrCall("c\($0)", Int64($0) * 60, source: "mon.csv") }
        let tuesday = (80..<150).map { cdrCall("c\($0)", Int64($0) * 60, source: "tue.csv") }
        #expect(try db.importFile(identity("mon.csv"), calls: monday, rows: 100, badRows: 0).counts == ImportCounts(inserted: 100))
        #expect(try db.importFile(identity("tue.csv"), calls: tuesday, rows: 70, badRows: 0).counts == ImportCounts(inserted: 50, unchanged: 20))
        let all = try db.allCalls()
        #expect(all.count == 150)
        #expect(Set(all.map(\.callID)).count == 150)
        // An unchanged call keeps the source that first stored it.
        #expect(all.first { $0.callID == "c90" }?.source == "mon.csv")
        // The same Call-ID in another format is another call.
        var other = cdrCall("c1", 60)
        other.format = "freeswitch-csv"
        #expect(try db.importFile(identity("fs.csv"), calls: [other], rows: 1, badRows: 0).counts == ImportCounts(inserted: 1))
        // A changed file at the same path is imported again.
        #expect(try db.importFile(identity("mon.csv", "v2"), calls: monday, rows: 100, badRows: 0).counts == ImportCounts(unchanged: 100))
        #expect(try db.stats().files == 4)
    }

    @Test func aCompleteCallReplacesItsTruncatedCopyNeverTheOtherWay() throws {
        let dir = TemporaryDirectory()
        let db = try CallDatabase(path: dir.file("a.sqlite"))
        var partial = cdrCall("x", 0, source: "mon.csv", truncated: true)
        partial.legs.append(CallLeg(id: "x.2", status: "NO ANSWER", start: at(0), answered: false))
        _ = try db.importFile(identity("mon.csv"), calls: [partial], rows: 1, badRows: 0)
        let complete = cdrCall("x", 0, source: "tue.csv")
        #expect(try db.importFile(identity("tue.csv"), calls: [complete], rows: 1, badRows: 0).counts == ImportCounts(updated: 1))
        #expect(try db.allCalls() == [complete])
        #expect(try db.stats().legs == 1)
        // A truncated copy seen later does not overwrite the complete call.
        #expect(try db.importFile(identity("wed.csv"), calls: [partial], rows: 1, badRows: 0).counts == ImportCounts(unchanged: 1))
        #expect(try db.allCalls() == [complete])
        // Another complete version (say, corrected) replaces it.
        var corrected = complete
        corrected.agent = "SIP/202"
        corrected.source = "thu.csv"
        #expect(try db.importFile(identity("thu.csv"), calls: [corrected], rows: 1, badRows: 0).counts == ImportCounts(updated: 1))
        #expect(try db.allCalls() == [corrected])
    }

    @Test func rangeQueriesAreHalfOpenByStart() throws {
        let dir = TemporaryDirectory()
        let db = try CallDatabase(path: dir.file("a.sqlite"))
        let calls = (0..<10).map { cdrCall("c\($0)", Int64($0) * 60) }
        _ = try db.importFile(identity("x"), calls: calls.reversed(), rows: 10, badRows: 0)
        #expect(try db.calls(from: at(120), to: at(300)).map(\.callID) == ["c2", "c3", "c4"])
        #expect(try db.calls(from: Timestamp(nanoseconds: at(120).nanoseconds + 1), to: Timestamp(nanoseconds: at(300).nanoseconds + 1)).map(\.callID) == ["c3", "c4", "c5"])
        #expect(try db.calls(from: nil, to: at(120)).map(\.callID) == ["c0", "c1"])
        #expect(try db.calls(from: at(480), to: nil).map(\.callID) == ["c8", "c9"])
        #expect(try db.calls(from: at(600), to: nil).isEmpty)
        #expect(try db.calls(from: nil, to: nil, legs: false).allSatisfy(\.legs.isEmpty))
        #expect(try db.allCalls() == calls)
        let plan = try db.pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT \(CallRow.selectLegColumns) FROM calls c JOIN legs l ON l.call = c.id WHERE c.start_ns >= 1 AND c.start_ns < 2 ORDER BY c.start_ns, c.id, l.seq")
                .map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.contains("calls_on_start") })
        #expect(!plan.contains { $0.contains("TEMP B-TREE") })
    }

    @Test func pruneDeletesOldCallsAndTheirLegs() throws {
        let dir = TemporaryDirectory()
        let db = try CallDatabase(path: dir.file("a.sqlite"))
        let calls = (0..<10).map { cdrCall("c\($0)", Int64($0) * 60) }
        _ = try db.importFile(identity("x"), calls: calls, rows: 10, badRows: 0)
        #expect(try db.prune(before: at(240)) == 4)
        #expect(try db.allCalls() == Array(calls[4...]))
        let stats = try db.stats()
        #expect(stats.legs == 6)
        #expect(try db.prune(before: at(240)) == 0)
        // The prune horizon is remembered: re-running the import, or importing the file grown
        // with new calls, does not bring pruned calls back.
        #expect(try db.importFile(identity("x"), calls: calls, rows: 10, badRows: 0).isAlreadyImported)
        let grown = calls + [cdrCall("c10", 600)]
        let outcome = try db.importFile(identity("x-grown"), calls: grown, rows: 11, badRows: 0)
        #expect(outcome.description.hasSuffix("11 calls, 1 new, 0 updated, 6 unchanged, 4 older than the prune date skipped"))
        #expect(try db.allCalls().count == 7)
    }

    @Test func statsCountPerFormatAndSource() throws {
        let dir = TemporaryDirectory()
        let db = try CallDatabase(path: dir.file("a.sqlite"))
        #expect(try db.stats().firstStart == nil)
        var pcap = cdrCall("p", 600, source: "day.pcap")
        pcap.format = "pcap"
        _ = try db.importFile(identity("a.csv"), calls: [cdrCall("1", 0, source: "a.csv"), cdrCall("2", 60, source: "a.csv")], rows: 2, badRows: 0)
        _ = try db.importFile(identity("day.pcap"), calls: [pcap], rows: 40, badRows: 1)
        let stats = try db.stats()
        #expect(stats.calls == 3)
        #expect(stats.schemaVersion == CallSchema.currentVersion)
        #expect(stats.bySource == [.init(format: "asterisk-csv", source: "a.csv", calls: 2), .init(format: "pcap", source: "day.pcap", calls: 1)])
        #expect(stats.byFormat.map(\.format) == ["asterisk-csv", "pcap"])
        #expect(stats.firstStart == at(0) && stats.lastStart == at(600))
        #expect(stats.lastImports.map(\.file.path) == ["/data/day.pcap", "/data/a.csv"])
        #expect(stats.lastImports.first?.counts == ImportCounts(inserted: 1))
    }

    @Test func aVersion1DatabaseIsMigrated() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("old.sqlite")
        do {
            let old = try CallDatabase(path: path, busyTimeout: 1, migrateUpTo: "v1")
            #expect(try old.schemaVersion() == 1)
            // A call and a leg as a v1 callscope stored them (its columns only).
            try old.pool.write { db in
                try db.execute(sql: """
                    INSERT INTO calls (id, call_id, source, outcome, packets, retransmissions, truncated, format, start_ns, answered_at_ns, ended_at_ns, hold_ns, wait_ns, content_hash)
                    VALUES (1, 'v1call', 'a.csv', 'answered', 1, 0, 0, 'asterisk-csv', 0, 5000000000, 65000000000, 0, 5000000000, 0);
                    INSERT INTO legs (call, seq, id, status, answered, destination, start_ns, answered_at_ns, ended_at_ns)
                    VALUES (1, 0, 'v1call', 'ANSWERED', 1, 'SIP/201-00000001', 0, 5000000000, 65000000000);
                    """)
            }
            let indexes = try old.pool.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'index'") }
            #expect(!indexes.contains("calls_on_format_source"))
        }
        let db = try CallDatabase(path: path)
        #expect(try db.schemaVersion() == CallSchema.currentVersion)
        #expect(try db.pool.read { try $0.tableExists("meta") })
        let indexes = try db.pool.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'index'") }
        #expect(indexes.contains("calls_on_format_source"))
        // v4: the call-centre fields of a call stored before are not known (NULL, 0 transfers).
        let migrated = try #require(try db.allCalls().first)
        #expect(migrated.callID == "v1call" && migrated.outcome == .answered && migrated.answeredAt == Timestamp(seconds: 5))
        #expect(migrated.systemAnsweredAt == nil && migrated.ivrNanoseconds == nil && migrated.transfers == 0)
        #expect(migrated.legs.count == 1 && migrated.legs[0].agent == nil && migrated.legs[0].talkNanoseconds == nil)
        // And a call with them round-trips.
        var call = cdrCall("2", 120)
        call.systemAnsweredAt = at(120); call.ivrNanoseconds = 7_000_000_000; call.transfers = 1
        call.legs = [CallLeg(id: "2", status: "ANSWERED", start: at(127), answered: true, destination: "SIP/201-1", answeredAt: at(130), endedAt: at(190), agent: "201", talkNanoseconds: 60_000_000_000)]
        _ = try db.importFile(identity("b.csv"), calls: [call], rows: 1, badRows: 0)
        #expect(try db.allCalls().last == call)
        let row = try db.pool.read { try Row.fetchOne($0, sql: "SELECT c.ivr_s, c.system_answered_at, c.transfers, l.talk_s, l.agent FROM calls c JOIN legs l ON l.call = c.id WHERE c.call_id = '2'") }
        #expect(row?["ivr_s"] as Double? == 7.0 && row?["transfers"] as Int? == 1 && row?["talk_s"] as Double? == 60.0 && row?["agent"] as String? == "201")
        #expect(row?["system_answered_at"] as String? == at(120).iso8601)
    }

    @Test func refusesForeignAndNewerDatabases() throws {
        let dir = TemporaryDirectory()
        let text = dir.file("notes.sqlite")
        try "hello, this is not SQLite at all, just some text that is long enough to have a header".write(toFile: text, atomically: true, encoding: .utf8)
        #expect { try CallDatabase(path: text) } throws: { ($0 as? StoreError)?.isNotCallscopeDatabase == true && "\($0)".contains("not a callscope database") }

        let other = dir.file("other.sqlite")
        try DatabaseQueue(path: other).write { try $0.execute(sql: "CREATE TABLE t (x)") }
        #expect { try CallDatabase(path: other) } throws: { ($0 as? StoreError)?.isNotCallscopeDatabase == true }

        let newer = dir.file("newer.sqlite")
        _ = try CallDatabase(path: newer)
        try DatabaseQueue(path: newer).write { try $0.execute(sql: "PRAGMA user_version = 8") }
        #expect { try CallDatabase(path: newer) } throws: { error in
            "\(error)".hasSuffix("newer.sqlite: created by a newer callscope (schema v8); this callscope knows up to v\(CallSchema.currentVersion)")
        }
    }

    @Test func defaultPath() {
        #expect(CallDatabase.defaultPath(environment: [:]) == "callscope.sqlite")
        #expect(CallDatabase.defaultPath(environment: ["CALLSCOPE_DB": "/var/lib/cs.sqlite"]) == "/var/lib/cs.sqlite")
        #expect(CallDatabase.defaultPath(environment: ["CALLSCOPE_DB": ""]) == "callscope.sqlite")
    }

    @Test func fileIdentityHashesTheContent() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("Master.csv")
        let content = String(repeating: "1,2,3\n", count: 400_000)
        try content.write(toFile: path, atomically: true, encoding: .utf8)
        let id = try FileIdentity.of(path: dir.path + "/./Master.csv")
        #expect(id.path == path || id.path.hasSuffix("/Master.csv"))
        #expect(!id.path.contains("/./"))
        #expect(id.size == Int64(content.utf8.count))
        #expect(id.sha256 == SHA256.hex(of: Array(content.utf8)))
        #expect(throws: StoreError.self) { try FileIdentity.of(path: dir.file("missing.csv")) }
    }
}
