import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport

/// `callscope watch` on real traffic as it happens: SIPp calls on the loopback captured live,
/// and Kamailio's siptrace sending HEP straight to the collector socket. Needs root (capture on
/// `lo`, CI runs the tests as root) and SIPp, tcpdump and Kamailio (scripts/install-deps.sh).
@Suite(.serialized) struct WatchLiveTrafficTests {
    static let isRoot = getuid() == 0
    static let haveSIPp = LoopbackTraffic.have(["sipp", "tcpdump", "ss", "timeout"])
    static let haveKamailio = LoopbackTraffic.have(["kamailio"])

    static func time(_ value: Any?) -> Date? {
        guard let text = value as? String else { return nil }
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return format.date(from: text)
    }

    /// Equal, or numbers within 0.002 of each other (and a hair more: 0.294 - 0.292 is
    /// 0.0020000000000000018 in binary floating point, which failed a run under load).
    static func close(_ a: Any?, _ b: Any?) -> Bool {
        if let x = a as? Double, let y = b as? Double { return abs(x - y) <= 0.002 + 1e-9 }
        return canonical(a) == canonical(b)
    }

    /// Every field `calls` writes except the source (the interface here, the file there). The
    /// RTP jitter figures may differ in the last digit (0.001 ms): the live capture keeps
    /// nanosecond times, tcpdump writes microseconds.
    static func sameCall(_ live: [String: Any], _ file: [String: Any]) {
        for key in Set(live.keys).union(file.keys) where key != "source" && key != "streams" {
            if key.hasSuffix("jitter_ms") {
                #expect(Self.close(live[key], file[key]), "\(live["call_id"] ?? ""): \(key)")
            } else {
                #expect(canonical(live[key]) == canonical(file[key]), "\(live["call_id"] ?? ""): \(key)")
            }
        }
        let liveStreams = live["streams"] as? [[String: Any]] ?? [], fileStreams = file["streams"] as? [[String: Any]] ?? []
        #expect(liveStreams.count == fileStreams.count)
        for (a, b) in zip(liveStreams, fileStreams) {
            for field in Set(a.keys).union(b.keys) {
                if field.hasSuffix("jitter_ms") || field == "max_delta_ms" {
                    #expect(Self.close(a[field], b[field]), "\(live["call_id"] ?? ""): \(field)")
                } else {
                    #expect(canonical(a[field]) == canonical(b[field]), "\(live["call_id"] ?? ""): \(field)")
                }
            }
        }
    }

    /// Answered (RTP both ways, caller's BYE), busy (486) and cancelled (CANCEL while ringing)
    /// SIPp calls on test ports of 127.0.0.1 while `watch -i lo` captures them: each call comes
    /// out within 1 s of its end, with every field `calls` gives for a tcpdump of the same
    /// traffic.
    @Test(.enabled(if: isRoot && haveSIPp, "needs root, sipp and tcpdump")) func sippCallsComeOutAsTheyEnd() throws {
        let port = 24_000 + Int(getpid() % 500) * 16
        let filter = "udp portrange \(port)-\(port + 15)"
        let directory = TemporaryDirectory("watch-sipp")
        defer { directory.remove() }
        let capture = directory.file("traffic.pcap")
        let tcpdump = try LoopbackTraffic.startCapture(capture, filter: filter, log: directory.file("tcpdump.log"))
        defer { if tcpdump.isRunning { tcpdump.terminate() } }
        let watch = try LiveWatchProcess(["-i", "lo", "--filter", filter, "--config", "/dev/null"])
        try LoopbackTraffic.call(uas: "uas-answer.xml", uac: "uac-call.xml", line: "+442079460001;+15551230001;",
                                 callID: "live-answered", port: port, directory: directory)
        try LoopbackTraffic.call(uas: "uas-486.xml", uac: "uac-reject.xml", line: "+4916012345678;+4989123456;",
                                 callID: "live-busy", port: port, directory: directory)
        try LoopbackTraffic.call(uas: "uas-ring-cancel.xml", uac: "uac-cancel.xml", line: "+12125550147;02079460099;",
                                 callID: "live-cancel", port: port, directory: directory)
        watch.waitForLines(3, seconds: 5)
        let beforeStop = try watch.records()
        #expect(watch.stop() == 0, "\(watch.stderr)")
        LoopbackTraffic.stopCapture(tcpdump)

        #expect(beforeStop.map { $0.record["outcome"] as? String } == ["answered", "busy", "abandoned"], "\(watch.stderr)")
        for (record, arrived) in beforeStop {
            let ended = try #require(Self.time(record["ended_at"]), "\(record)")
            let latency = arrived.timeIntervalSince(ended)
            #expect(latency >= 0 && latency < 1.0, "\(record["call_id"] ?? ""): out \(latency) s after its end")
        }
        let reference = try CLI.ndjson(try CLI.run(["calls", capture, "-f", "ndjson", "--config", "/dev/null"]).stdout)
        #expect(reference.count == 3)
        let all = try watch.records().map(\.record)
        #expect(all.count == 3, "no call left for the stop")
        for (live, file) in zip(all, reference) { Self.sameCall(live, file) }
        #expect(all.allSatisfy { $0["source"] as? String == "lo" })
    }

    /// Kamailio (captures/hep/kamailio.cfg, on test ports) proxies an answered and a busy SIPp
    /// call and mirrors every SIP message with siptrace as HEPv3 straight to `watch
    /// --hep-listen`: each call comes out within 1 s of its end, with the fields `calls` gives
    /// for a tcpdump of the same HEP datagrams.
    @Test(.enabled(if: isRoot && haveSIPp && haveKamailio, "needs root, sipp, tcpdump and kamailio")) func kamailioSiptraceFeedsTheCollector() throws {
        let base = 33_000 + Int(getpid() % 400) * 16
        // SIPp's media sockets take uas + 4 to uas + 11.
        let proxy = base, uas = base + 2, hep = base + 15
        let directory = TemporaryDirectory("watch-kamailio")
        defer { directory.remove() }
        var config = try String(contentsOf: TestPaths.captures.appendingPathComponent("hep/kamailio.cfg"), encoding: .utf8)
        for (from, to) in [("udp:127.0.0.1:5060", "udp:127.0.0.1:\(proxy)"), ("tcp:127.0.0.1:5060", "tcp:127.0.0.1:\(proxy)"),
                           ("sip:127.0.0.1:9060", "sip:127.0.0.1:\(hep)"), ("sip:127.0.0.1:5070", "sip:127.0.0.1:\(uas)")] {
            #expect(config.contains(from), "\(from)")
            config = config.replacingOccurrences(of: from, with: to)
        }
        let configFile = try directory.write("kamailio.cfg", config)
        let capture = directory.file("hep.pcap")
        let tcpdump = try LoopbackTraffic.startCapture(capture, filter: "udp port \(hep)", log: directory.file("tcpdump.log"))
        defer { if tcpdump.isRunning { tcpdump.terminate() } }
        let watch = try LiveWatchProcess(["--hep-listen", "127.0.0.1:\(hep)", "--config", "/dev/null"])
        let kamailio = try LoopbackTraffic.background("kamailio", ["-f", configFile, "-A", "HEP_VERSION=3", "-DD", "-E", "-Y", directory.path,
                                                                   "-P", directory.file("kamailio.pid")],
                                                      log: directory.file("kamailio.log"), in: directory.path)
        defer { if kamailio.isRunning { kamailio.terminate(); kamailio.waitUntilExit() } }
        LoopbackTraffic.waitForUDP(proxy)
        try LoopbackTraffic.call(uas: "uas-proxied.xml", uac: "uac-call.xml", line: "+442079460300;+15551230300;",
                                 callID: "kam-answered", port: uas, target: proxy, directory: directory)
        try LoopbackTraffic.call(uas: "uas-486.xml", uac: "uac-reject.xml", line: "+442079460301;+15551230301;",
                                 callID: "kam-busy", port: uas, target: proxy, directory: directory)
        watch.waitForLines(2, seconds: 5)
        let beforeStop = try watch.records()
        kamailio.terminate()
        kamailio.waitUntilExit()
        #expect(watch.stop() == 0, "\(watch.stderr)")
        LoopbackTraffic.stopCapture(tcpdump)

        #expect(beforeStop.map { $0.record["outcome"] as? String } == ["answered", "busy"], "\(watch.stderr)")
        for (record, arrived) in beforeStop {
            let ended = try #require(Self.time(record["ended_at"]), "\(record)")
            let latency = arrived.timeIntervalSince(ended)
            #expect(latency >= 0 && latency < 1.0, "\(record["call_id"] ?? ""): out \(latency) s after its end")
            #expect(record["source"] as? String == "hep:127.0.0.1:\(hep)")
        }
        let reference = try CLI.ndjson(try CLI.run(["calls", capture, "-f", "ndjson", "--config", "/dev/null"]).stdout)
        let all = try watch.records().map(\.record)
        #expect(all.count == 2 && reference.count == 2)
        for (live, file) in zip(all, reference) { Self.sameCall(live, file) }
        // Kamailio mirrors what it receives and sends: each message of a call twice (both sides of the proxy).
        #expect(all.map { $0["packets"] as? Int } == reference.map { $0["packets"] as? Int })
        #expect(watch.stderr.contains("from HEP), 2 calls, 0 errors"), "\(watch.stderr)")
    }
}
