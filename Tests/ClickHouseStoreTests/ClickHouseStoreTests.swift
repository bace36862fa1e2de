import CallModel
import CallStore
import Foundation
import Testing
import TestSupport
@testable import ClickHouseStore

/// The store against a real server (Debian's clickhouse-server, started for each test).
@Suite(.serialized, .enabled(if: ClickHouseServer.isInstalled || ProcessInfo.processInfo.environment["CI"] != nil))
struct ClickHouseStoreTests {
    static let day: Int64 = 86_400_000_000_000
    static let base = Timestamp(nanoseconds: 1_774_000_000_000_000_000)  // 2026-03-20

    static func call(_ id: String, at offset: Int64 = 0, truncated: Bool = false, queue: String? = nil, legs: Int = 2, caller: String = "+441234") -> Call {
        let start = Timestamp(nanoseconds: base.nanoseconds + offset)
        let legs = (0..<legs).map { i in
            CallLeg(id: "\(id)-\(i)", status: "ANSWERED", start: start, answered: i == 0, destination: "SIP/20\(i)",
                    answeredAt: Timestamp(nanoseconds: start.nanoseconds + 5_000_000_000), endedAt: Timestamp(nanoseconds: start.nanoseconds + 65_000_000_000),
                    agent: i == 0 ? "201" : nil, talkNanoseconds: i == 0 ? 60_000_000_000 : nil)
        }
        var call = Call(callID: id, source: "Master.csv", start: start, caller: caller, dialed: "+442079460000", outcome: .answered,
                        answeredAt: Timestamp(nanoseconds: start.nanoseconds + 5_000_000_000),
                        endedAt: truncated ? nil : Timestamp(nanoseconds: start.nanoseconds + 65_000_000_000),
                        agent: "201", queue: queue, waitNanoseconds: 5_000_000_000, direction: .inbound, format: "asterisk-csv",
                        truncated: truncated, legs: legs)
        call.transfers = 1
        call.ivrNanoseconds = 2_000_000
        return call
    }

    @Test func callsRoundTripAndImportsFollowTheSQLiteRules() throws {
        let server = try ClickHouseServer.start()
        defer { server.stop() }
        let store = try ClickHouseStore(endpoint: ClickHouseEndpoint(parsing: server.url(database: "t"), environment: [:]))
        #expect(store.serverVersion.first?.isNumber == true)
        #expect(try store.schemaVersion() == 3)
        var calls = [Self.call("1.1"), Self.call("1.2", at: Self.day / 2, truncated: true), Self.call("1.3", at: 40 * Self.day, legs: 0, caller: "it's\t\"odd\"\n\\")]
        calls[2].attribution = VisitAttribution(kind: .pool, owner: "site-1", visitorID: "v-9", source: "google", medium: "cpc", campaign: "it's spring",
                                                keyword: "tab\there", landingPage: "/offers?a=1", clickID: "gclid-1", ambiguous: true)
        let file = FileIdentity(path: "/data/Master.csv", size: 100, sha256: String(repeating: "a", count: 64))
        let first = try store.importFile(file, calls: calls, rows: 3, badRows: 0)
        #expect(first.description == "/data/Master.csv: 3 calls, 3 new, 0 updated, 0 unchanged")
        #expect(try store.calls(from: nil, to: nil, legs: true) == calls)
        #expect(try store.calls(from: Timestamp(nanoseconds: Self.base.nanoseconds + 1), to: Timestamp(nanoseconds: Self.base.nanoseconds + 41 * Self.day), legs: false).map(\.callID) == ["1.2", "1.3"])

        // Same file again: nothing; the next file completes the truncated call with one leg fewer.
        #expect(try store.importFile(file, calls: calls, rows: 3, badRows: 0).description.hasSuffix("(same content), nothing to do"))
        let next = FileIdentity(path: "/data/Master-2.csv", size: 50, sha256: String(repeating: "b", count: 64))
        let complete = Self.call("1.2", at: Self.day / 2, legs: 1)
        let truncatedCopy = Self.call("1.1", truncated: true)
        let second = try store.importFile(next, calls: [complete, truncatedCopy], rows: 2, badRows: 0)
        #expect(second.description == "/data/Master-2.csv: 2 calls, 0 new, 1 updated, 1 unchanged")
        let stored = try store.calls(from: nil, to: nil, legs: true)
        #expect(stored == [calls[0], complete, calls[2]])
        let stats = try store.stats(lastImports: 10)
        #expect((stats.calls, stats.legs, stats.files) == (3, 3, 2))
        #expect(stats.lastImports.map(\.file.path) == ["/data/Master-2.csv", "/data/Master.csv"])
        #expect(stats.bySource.map(\.calls) == [3])
    }

    /// An insert repeated (its answer lost) adds rows that FINAL reads once.
    @Test func aRepeatedInsertDuplicatesNothing() throws {
        let server = try ClickHouseServer.start()
        defer { server.stop() }
        let store = try ClickHouseStore(endpoint: ClickHouseEndpoint(parsing: server.url(database: "t"), environment: [:]))
        let call = Self.call("2.1")
        var legs: [UInt8] = []
        var rows: [UInt8] = []
        ClickHouseRows.appendLegs(call, key: CallRow.naturalKey(call), version: 7, to: &legs)
        ClickHouseRows.appendCall(call, key: CallRow.naturalKey(call), version: 7, hash: 1, media: nil, file: "f", to: &rows)
        for _ in 0..<3 {
            try store.client.insert(into: "legs", rows: legs)
            try store.client.insert(into: "calls", rows: rows)
        }
        #expect(try server.query("SELECT count() FROM t.calls") == "3")
        #expect(try store.calls(from: nil, to: nil, legs: true) == [call])
        #expect(try store.stats(lastImports: 1).legs == 2)
    }

    /// A SIP call's ladder: stored with its call, read with `messages: true`, replaced with it.
    static func sipCall(_ id: String, messages: Int, truncated: Bool = false) -> Call {
        var call = Call(callID: id, source: "a.pcap", transport: "udp", start: base, caller: "alice", dialed: "bob", outcome: .answered,
                        endedAt: truncated ? nil : Timestamp(nanoseconds: base.nanoseconds + 9_000_000_000), format: "pcap", truncated: truncated)
        call.messages = (0..<messages).map { i in
            SIPMessageSummary(time: Timestamp(nanoseconds: base.nanoseconds + Int64(i) * 1_000_000), source: "[2001:db8::1]:5060",
                              destination: "10.0.0.2:5060", transport: "udp", label: i == 0 ? "INVITE" : "200", cseqNumber: UInt32.max,
                              cseqMethod: "INVITE", firstLine: i == 0 ? "INVITE sip:bob@x SIP/2.0\t\\ é" : "SIP/2.0 200 OK")
        }
        return call
    }

    @Test func theLadderIsStoredWithItsCallAndReplacedWithIt() throws {
        let server = try ClickHouseServer.start()
        defer { server.stop() }
        let store = try ClickHouseStore(endpoint: ClickHouseEndpoint(parsing: server.url(database: "t"), environment: [:]))
        let truncated = Self.sipCall("ladder@x", messages: 3, truncated: true)
        _ = try store.importFile(FileIdentity(path: "/a.pcap", size: 1, sha256: String(repeating: "c", count: 64)), calls: [truncated], rows: 3, badRows: 0)
        #expect(try store.calls(from: nil, to: nil, legs: true, messages: true) == [truncated])
        #expect(try store.calls(from: nil, to: nil, legs: true, messages: false).map(\.messages) == [[]])
        // The rest of the rotated capture completes the call: its ladder replaces the older one.
        let complete = Self.sipCall("ladder@x", messages: 5)
        let outcome = try store.importFile(FileIdentity(path: "/b.pcap", size: 1, sha256: String(repeating: "d", count: 64)), calls: [complete], rows: 5, badRows: 0)
        #expect(outcome.description == "/b.pcap: 1 calls, 0 new, 1 updated, 0 unchanged")
        #expect(try store.calls(from: nil, to: nil, legs: true, messages: true) == [complete])
        #expect(try server.query("SELECT count() FROM t.messages") == "8")
    }

    /// A database made by the first ClickHouse store (schema v1, no messages table) gets v2 when opened.
    @Test func aVersion1StoreIsMigrated() throws {
        let server = try ClickHouseServer.start()
        defer { server.stop() }
        let endpoint = try ClickHouseEndpoint(parsing: server.url(database: "t"), environment: [:])
        _ = try server.query("CREATE DATABASE t")
        for statement in [ClickHouseSchema.versionTable] + ClickHouseSchema.migrations(local: "")[0] { _ = try ClickHouseClient(endpoint: endpoint).query(statement) }
        _ = try server.query("INSERT INTO t.callscope_schema VALUES (1, 0)")
        #expect(try server.query("SELECT count() FROM system.tables WHERE database = 't' AND name = 'messages'") == "0")
        let store = try ClickHouseStore(endpoint: endpoint)
        #expect(try store.schemaVersion() == 3)
        let call = Self.sipCall("migrated@x", messages: 2)
        _ = try store.importFile(FileIdentity(path: "/a.pcap", size: 1, sha256: String(repeating: "e", count: 64)), calls: [call], rows: 2, badRows: 0)
        #expect(try store.calls(from: nil, to: nil, legs: true, messages: true) == [call])
    }

    /// A query is waited for as long as the client's time allows (no 90 s read limit of a shared
    /// client), and one that outlives it fails once, naming the limit, without being sent again
    /// (a retry would start the same heavy report beside the first).
    @Test func aSlowQueryIsWaitedForAndOneThatOutlivesItsTimeIsSentOnce() throws {
        let server = try ClickHouseServer.start()
        defer { server.stop() }
        let endpoint = try ClickHouseEndpoint(parsing: server.url(database: "default"), environment: [:])
        var client = ClickHouseClient(endpoint: endpoint)
        client.timeout = .seconds(6)
        #expect(String(decoding: try client.query("SELECT sleep(2) + 7 FORMAT TabSeparated"), as: UTF8.self) == "7\n")
        client.timeout = .seconds(1)
        let slow = "SELECT sleep(3) AS slow_marker_1 FORMAT TabSeparated"
        #expect(throws: StoreError.server("\(endpoint): the ClickHouse server did not answer within 1 s: \(slow)")) {
            _ = try client.query(slow)
        }
        // Still running on the server, once.
        #expect(try server.query("SELECT count() FROM system.processes WHERE query LIKE concat('%slow_', 'marker_1%')") == "1")
    }

    @Test func aNewerSchemaIsRefused() throws {
        let server = try ClickHouseServer.start()
        defer { server.stop() }
        let endpoint = try ClickHouseEndpoint(parsing: server.url(database: "t"), environment: [:])
        _ = try ClickHouseStore(endpoint: endpoint)
        _ = try server.query("INSERT INTO t.callscope_schema VALUES (9, 0)")
        #expect(throws: StoreError.server("\(endpoint): created by a newer callscope (schema v9); this callscope knows up to v3")) {
            try ClickHouseStore(endpoint: endpoint)
        }
    }
}
