import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport

/// `callscope watch` as a running process: the HEP datagrams Kamailio's siptrace wrote
/// (captures/hep/, real bytes) are sent again over the loopback, to its HEP socket and past a
/// live capture of `lo`; each call comes out on stdout once over, the rest at SIGTERM.
@Suite(.serialized) struct WatchCommandTests {
    /// The UDP payloads of a capture tcpdump wrote on the loopback, in order.
    static func payloads(_ file: String) throws -> [[UInt8]] {
        try ClassicPcapReader.records(TestPaths.capture(file)).map(\.udpPayload)
    }

    static func send(_ datagrams: [[UInt8]], toPort port: UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        for datagram in datagrams {
            _ = datagram.withUnsafeBytes { raw in
                Loopback.withAddress(port: port) { sendto(fd, raw.baseAddress, raw.count, 0, $0, $1) }
            }
            usleep(2_000)
        }
    }

    /// Starts `callscope watch ARGUMENTS`, waits for its "watching" line, runs `traffic`, waits
    /// until `expected` calls are out (at most 10 s), stops it with SIGTERM; returns the ndjson
    /// records written before and after the stop, and stderr.
    static func watch(_ arguments: [String], expected: Int, traffic: () -> Void) throws -> (beforeStop: [[String: Any]], all: [[String: Any]], stderr: String) {
        let process = Process()
        process.executableURL = ProcessRunner.builtExecutable("callscope")
        process.arguments = ["watch"] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let collected = Collected()
        out.fileHandleForReading.readabilityHandler = { collected.append(stdout: $0.availableData) }
        err.fileHandleForReading.readabilityHandler = { collected.append(stderr: $0.availableData) }
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        for _ in 0..<100 where !collected.stderr.contains("watching") { usleep(50_000) }
        try #require(collected.stderr.contains("watching"), "watch did not start: \(collected.stderr)")
        traffic()
        for _ in 0..<200 where collected.lines < expected { usleep(50_000) }
        let beforeStop = try CLI.ndjson(collected.stdout)
        process.terminate()
        process.waitUntilExit()
        usleep(100_000)
        out.fileHandleForReading.readabilityHandler = nil
        err.fileHandleForReading.readabilityHandler = nil
        collected.append(stdout: out.fileHandleForReading.readDataToEndOfFile())
        collected.append(stderr: err.fileHandleForReading.readDataToEndOfFile())
        #expect(process.terminationStatus == 0, "\(collected.stderr)")
        return (beforeStop, try CLI.ndjson(collected.stdout), collected.stderr)
    }

    @Test func hepSocketGivesEachCallAsItEnds() throws {
        let port = UInt16(20_000 + Int(getpid() % 20_000))
        // The site profile's numbers give the calls their direction, as for `calls`.
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("watch-\(getpid()).yaml")
        try "own_numbers: [\"+1555123*\"]\n".write(to: profile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: profile) }
        let run = try Self.watch(["--hep-listen", "127.0.0.1:\(port)", "--config", profile.path], expected: 2) {
            Self.send((try? Self.payloads("hep/hep3.pcap")) ?? [], toPort: port)
        }
        // The calls ended long ago by their HEP times: both out before the stop, as `calls`
        // reads them from the capture of the same datagrams.
        let reference = try CLI.ndjson(try CLI.run(["calls", "captures/hep/hep3.pcap", "-f", "ndjson"]).stdout)
        #expect(run.beforeStop.count == 2)
        #expect(run.all.map { $0["call_id"] as? String } == reference.map { $0["call_id"] as? String })
        for (live, file) in zip(run.all, reference) {
            for field in ["start", "answered", "ended", "outcome", "caller", "dialed", "ended_by", "packets", "ring_s", "talk_s"] {
                #expect("\(live[field] ?? "nil")" == "\(file[field] ?? "nil")", "\(field)")
            }
            #expect(live["source"] as? String == "hep:127.0.0.1:\(port)")
            #expect(live["direction"] as? String == "inbound")
        }
        #expect(run.stderr.contains("23 SIP messages (23 from HEP), 2 calls, 0 errors"), "\(run.stderr)")
    }

    /// `--rules`: a rule judged on one call raises its event as the call ends, as an ndjson line
    /// with "kind": "event" after the call's; a rule that needs shifts is named as not live.
    @Test func rulesRaiseEventsAsCallsEnd() throws {
        let port = UInt16(50_000 + Int(getpid() % 10_000))
        let rules = FileManager.default.temporaryDirectory.appendingPathComponent("watch-rules-\(getpid()).yaml")
        try """
            rules:
              - {name: Long ring, when: wait_longer_than, seconds: 1}
              - {name: Late, when: late_login, minutes: 15}
            """.write(to: rules, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: rules) }
        let run = try Self.watch(["--hep-listen", "127.0.0.1:\(port)", "--config", "/dev/null", "--rules", rules.path], expected: 3) {
            Self.send((try? Self.payloads("hep/hep3.pcap")) ?? [], toPort: port)
        }
        let calls = run.all.filter { $0["kind"] == nil }
        let events = run.all.filter { $0["kind"] as? String == "event" }
        #expect(calls.map { $0["outcome"] as? String } == ["answered", "busy"])
        // The answered call rang 0.611 s, the busy one 1.133 s: one event, right after its call.
        #expect(events.map { $0["call_id"] as? String } == ["hep3-busy-1@127.0.0.1"])
        #expect(events.first?["rule"] as? String == "Long ring")
        #expect(events.first?["value"] as? Double == 1.13)
        #expect(run.all.last?["kind"] as? String == "event")
        #expect(run.stderr.contains("rules not judged live (they need shifts or later calls): Late"), "\(run.stderr)")
        #expect(run.stderr.contains("1 control event raised"), "\(run.stderr)")
    }

    /// A `kpi` window rule slides in real time: Kamailio's two calls (answered, started
    /// 17:00:23.467; busy, started 17:00:25.287 and ended 17:00:26.420) put 2 calls in a 4 s
    /// window as the busy one ends (offered 2, above 1: crossed); 1.047 s later by the clock the
    /// answered call's start leaves the window, with no new call: recovered, while still running.
    @Test func kpiWindowRuleCrossesAndRecoversLive() throws {
        let port = UInt16(45_000 + Int(getpid() % 10_000))
        let rules = FileManager.default.temporaryDirectory.appendingPathComponent("watch-kpi-\(getpid()).yaml")
        try """
            rules:
              - {name: Busy hour, when: kpi, metric: offered, above: 1, window: 4s, severity: critical}
            """.write(to: rules, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: rules) }
        let run = try Self.watch(["--hep-listen", "127.0.0.1:\(port)", "--config", "/dev/null", "--rules", rules.path], expected: 4) {
            Self.send((try? Self.payloads("hep/hep3.pcap")) ?? [], toPort: port)
        }
        let events = run.beforeStop.filter { $0["kind"] as? String == "event" }
        #expect(run.beforeStop.filter { $0["kind"] == nil }.count == 2)
        #expect(events.map { $0["rule"] as? String } == ["Busy hour", "Busy hour"], "\(run.stderr)")
        #expect(events.map { $0["severity"] as? String } == ["critical", "info"])
        #expect(events.map { $0["value"] as? Double } == [2, 1])
        #expect(events.first?["call_id"] as? String == "hep3-busy-1@127.0.0.1")
        #expect(events.first?["time"] as? String == "2026-12-05T17:00:26.420Z")
        #expect((events.last?["detail"] as? String)?.hasPrefix("recovered: offered 1 over 4s of 1 call") == true, "\(events)")
        // Recovered when the answered call's start (23.467) left the 4 s window: at 27.467 or at the next poll (200 ms; a loaded machine is slower).
        let recovered = (events.last?["time"] as? String) ?? ""
        #expect(recovered >= "2026-12-05T17:00:27.467Z" && recovered < "2026-12-05T17:00:28.5Z", "\(recovered)")
        #expect(run.stderr.contains("2 control events raised"), "\(run.stderr)")
    }

    /// `--db`: each call stored the moment it is final, under one ledger entry per run; a second
    /// run over the same traffic stores nothing twice, and reading commands find the calls.
    @Test func dbStoresEachCallOnceAcrossRuns() throws {
        let port = UInt16(30_000 + Int(getpid() % 10_000))
        let database = FileManager.default.temporaryDirectory.appendingPathComponent("watch-\(getpid()).sqlite")
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database.path + suffix) } }
        let datagrams = try Self.payloads("hep/hep3.pcap")
        let first = try Self.watch(["--hep-listen", "127.0.0.1:\(port)", "--config", "/dev/null", "--db", database.path], expected: 2) {
            Self.send(datagrams, toPort: port)
        }
        #expect(first.all.count == 2)
        #expect(first.stderr.contains("stored in \(database.path): 2 new, 0 updated, 0 unchanged"), "\(first.stderr)")
        let second = try Self.watch(["--hep-listen", "127.0.0.1:\(port)", "--config", "/dev/null", "--db", database.path], expected: 2) {
            Self.send(datagrams, toPort: port)
        }
        #expect(second.stderr.contains("stored in \(database.path): 0 new, 0 updated, 2 unchanged"), "\(second.stderr)")
        let stored = try CLI.ndjson(try CLI.run(["calls", "--db", database.path, "-f", "ndjson"]).stdout)
        #expect(stored.map { $0["call_id"] as? String } == first.all.map { $0["call_id"] as? String })
        #expect(stored.map { $0["talk_s"] as? Double } == first.all.map { $0["talk_s"] as? Double })
        let stats = try CLI.run(["db", "stats", "--db", database.path])
        #expect(stats.stdout.contains("2 calls"), "\(stats.stdout)")
        #expect(stats.stdout.contains("watch:hep:127.0.0.1:\(port)"), "\(stats.stdout)")
    }

    /// The same messages over one TCP connection (HEPv3, as siptrace sends with
    /// `;transport=tcp`), written in pieces of 100 bytes: the same two calls.
    @Test func hepOverTCPGivesTheSameCalls() throws {
        let port = UInt16(40_000 + Int(getpid() % 20_000))
        let stream = try Self.payloads("hep/hep3.pcap").flatMap { $0 }
        let run = try Self.watch(["--hep-listen", "127.0.0.1:\(port)", "--config", "/dev/null"], expected: 2) {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            let connected = Loopback.withAddress(port: port) { connect(fd, $0, $1) }
            guard connected == 0 else { return }
            var offset = 0
            while offset < stream.count {
                let end = min(offset + 100, stream.count)
                _ = Array(stream[offset..<end]).withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) }
                offset = end
                usleep(1_000)
            }
        }
        let reference = try CLI.ndjson(try CLI.run(["calls", "captures/hep/hep3.pcap", "-f", "ndjson"]).stdout)
        #expect(run.all.map { $0["call_id"] as? String } == reference.map { $0["call_id"] as? String })
        #expect(run.all.map { $0["outcome"] as? String } == ["answered", "busy"])
        #expect(run.stderr.contains("23 SIP messages (23 from HEP), 2 calls, 0 errors"), "\(run.stderr)")
    }

    /// A live capture of the loopback (root: CI runs the tests as root) sees HEPv2 datagrams
    /// sent to the collector port 9060 and reads their SIP.
    @Test(.enabled(if: getuid() == 0, "capturing on lo needs root")) func liveInterfaceReadsWhatCrossesIt() throws {
        let run = try Self.watch(["-i", "lo", "--filter", "udp dst port 9060", "--config", "/dev/null"], expected: 2) {
            usleep(300_000)
            Self.send((try? Self.payloads("hep/hep2.pcap")) ?? [], toPort: 9060)
        }
        #expect(run.all.map { $0["outcome"] as? String } == ["answered", "busy"])
        #expect(run.all.map { $0["caller"] as? String } == ["+442079460300", "+442079460301"])
        #expect(run.all.allSatisfy { $0["source"] as? String == "lo" })
        #expect(run.stderr.contains("23 SIP messages (23 from HEP)"), "\(run.stderr)")
    }

    /// `--write` keeps the evidence: the live frames in pcap files rotated at 4 KB, each file a
    /// whole capture, which `calls` reads back into the same two calls.
    @Test(.enabled(if: getuid() == 0, "capturing on lo needs root")) func writeSavesRotatedCapturesOfTheFrames() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("watch-write-\(getpid())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try Self.watch(["-i", "lo", "--filter", "udp dst port 9060", "--config", "/dev/null",
                                  "--write", directory.path, "--rotate", "4KB"], expected: 2) {
            usleep(300_000)
            Self.send((try? Self.payloads("hep/hep2.pcap")) ?? [], toPort: 9060)
        }
        #expect(run.all.count == 2)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        // 23 frames of 400-760 bytes: more than four files of at most 4,000 bytes (one frame each at least).
        #expect(files.count >= 4, "\(files)")
        #expect(files.allSatisfy { $0.hasPrefix("lo-") && $0.hasSuffix(".pcap") })
        for file in files {
            let size = try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(file).path)[.size] as? Int ?? 0
            #expect(size > 24 && size <= 4_000, "\(file): \(size) bytes")
        }
        #expect(run.stderr.contains("frames saved in \(files.count) files in \(directory.path)"), "\(run.stderr)")
        let reread = try CLI.run(["calls", directory.path, "-f", "ndjson", "--config", "/dev/null"])
        let calls = try CLI.ndjson(reread.stdout)
        #expect(calls.map { $0["call_id"] as? String } == run.all.map { $0["call_id"] as? String })
        #expect(calls.map { $0["outcome"] as? String } == ["answered", "busy"])
        #expect(reread.stderr.contains("\(files.count) inputs, 23 packets, 23 SIP messages (23 from HEP)"), "\(reread.stderr)")
    }

    @Test func refusesWithoutASourceAndNamesABadAddress() throws {
        let none = try CLI.run(["watch"])
        #expect(none.status == 64)
        #expect(none.stderr.contains("Give a source: -i IFACE, --hep-listen ADDR:PORT or --follow FILE."))
        let rotate = try CLI.run(["watch", "-i", "lo", "--rotate", "10 MB"])
        #expect(rotate.status == 64)
        #expect(rotate.stderr.contains("--rotate '10 MB' is not a size"))
        let hepOnly = try CLI.run(["watch", "--hep-listen", "127.0.0.1:9", "--write", "/tmp/x"])
        #expect(hepOnly.status == 64)
        #expect(hepOnly.stderr.contains("--write saves the frames of live interfaces"))
        let bad = try CLI.run(["watch", "--hep-listen", "example.org:9060"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("cannot listen for HEP on example.org:9060: 'example.org' is not an IP address"), "\(bad.stderr)")
    }
}

/// Output of the running process, gathered from the pipes' handlers.
private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var out = Data(), err = Data()
    func append(stdout data: Data) { lock.lock(); out.append(data); lock.unlock() }
    func append(stderr data: Data) { lock.lock(); err.append(data); lock.unlock() }
    var stdout: String { lock.lock(); defer { lock.unlock() }; return String(decoding: out, as: UTF8.self) }
    var stderr: String { lock.lock(); defer { lock.unlock() }; return String(decoding: err, as: UTF8.self) }
    var lines: Int { stdout.split(separator: "\n").count }
}
