import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport

/// `callscope watch --webhook`: the control events Kamailio's recorded HEP traffic raises
/// (captures/hep/hep3.pcap sent again to the HEP socket, as in `WatchCommandTests`) POSTed to a
/// receiver on 127.0.0.1: a `wait_longer_than` event as the busy call ends, then a `kpi` window
/// crossing and, 1 s of clock later, its recovery: three events, in that order.
@Suite(.serialized) struct WatchWebhookTests {
    static func rulesFile() throws -> URL {
        let rules = FileManager.default.temporaryDirectory.appendingPathComponent("watch-webhook-\(getpid()).yaml")
        try """
            rules:
              - {name: Long ring, when: wait_longer_than, seconds: 1}
              - {name: Busy hour, when: kpi, metric: offered, above: 1, window: 4s, severity: critical}
            """.write(to: rules, atomically: true, encoding: .utf8)
        return rules
    }

    static func hepTraffic(to port: UInt16) {
        WatchCommandTests.send((try? WatchCommandTests.payloads("hep/hep3.pcap")) ?? [], toPort: port)
    }

    static func events(_ records: [[String: Any]]) -> [String] {
        records.filter { $0["kind"] as? String == "event" }.map { canonical($0) }
    }

    /// The receiver is up (its first answer a 503): each event is POSTed as the JSON object of
    /// its stdout line, in order; the refused POST is tried again.
    @Test func eventsArePostedAsTheyAreRaised() throws {
        let hep = UInt16(30_000 + Int(getpid() % 10_000)), http = try #require(Loopback.freeTCPPort())
        let rules = try Self.rulesFile()
        defer { try? FileManager.default.removeItem(at: rules) }
        let receiver = try WebhookReceiver(port: http, statuses: [503])
        defer { receiver.stop() }
        let run = try WatchCommandTests.watch(["--hep-listen", "127.0.0.1:\(hep)", "--config", "/dev/null", "--rules", rules.path,
                                               "--webhook", "http://127.0.0.1:\(http)/hooks/callscope"], expected: 5) {
            Self.hepTraffic(to: hep)
            receiver.waitFor(4, seconds: 8)
        }
        let printed = Self.events(run.all)
        #expect(printed.count == 3, "\(run.stderr)")
        #expect(receiver.bodies.map { canonical($0) } == printed)
        #expect(receiver.bodies.map { $0["rule"] as? String } == ["Long ring", "Busy hour", "Busy hour"])
        let requests = receiver.requests
        #expect(requests.map(\.status) == [503, 200, 200, 200])
        #expect(requests.allSatisfy { $0.method == "POST" && $0.path == "/hooks/callscope" && $0.headers["content-type"] == "application/json" })
        // The 503 was the first event's first try: the same body again.
        #expect(requests.first?.body == requests.dropFirst().first?.body)
        #expect(run.stderr.contains("webhook http://127.0.0.1:\(http)/hooks/callscope: 3 events delivered (1 POST retried)"), "\(run.stderr)")
    }

    /// The receiver is down when the events are raised: the calls and events still come out on
    /// stdout on time (the capture never waits), the POSTs are retried, and the receiver started
    /// 2 s later gets all three, in order.
    @Test func aReceiverDownGetsTheEventsOnceItIsUp() throws {
        let hep = UInt16(35_000 + Int(getpid() % 5_000)), http = try #require(Loopback.freeTCPPort())
        let rules = try Self.rulesFile()
        defer { try? FileManager.default.removeItem(at: rules) }
        var receiver: WebhookReceiver?
        defer { receiver?.stop() }
        let run = try WatchCommandTests.watch(["--hep-listen", "127.0.0.1:\(hep)", "--config", "/dev/null", "--rules", rules.path,
                                               "--webhook", "http://127.0.0.1:\(http)/"], expected: 5) {
            Self.hepTraffic(to: hep)
            usleep(2_000_000)
            receiver = try? WebhookReceiver(port: http)
            receiver?.waitFor(3, seconds: 10)
        }
        let printed = Self.events(run.all)
        #expect(printed.count == 3)
        // All five lines (two calls, three events) were out before the stop, the receiver or not.
        #expect(run.beforeStop.count == 5)
        #expect(receiver?.bodies.map { canonical($0) } == printed, "\(run.stderr)")
        // async-http-client keeps connecting for the POST's 5 s timeout: the receiver up 2 s later
        // is found by the first POST still connecting, or by a retry.
        #expect(run.stderr.contains("webhook http://127.0.0.1:\(http)/: 3 events delivered"), "\(run.stderr)")
        #expect(!run.stderr.contains("NOT delivered"), "\(run.stderr)")
    }

    /// No receiver at all: the watch goes on and stops normally; the stop summary counts the
    /// three events as not delivered, with the reason.
    @Test func undeliveredEventsAreCountedAtTheStop() throws {
        let hep = UInt16(25_000 + Int(getpid() % 5_000)), http = try #require(Loopback.freeTCPPort())
        let rules = try Self.rulesFile()
        defer { try? FileManager.default.removeItem(at: rules) }
        let started = Date()
        let run = try WatchCommandTests.watch(["--hep-listen", "127.0.0.1:\(hep)", "--config", "/dev/null", "--rules", rules.path,
                                               "--webhook", "http://127.0.0.1:\(http)/"], expected: 5) {
            Self.hepTraffic(to: hep)
        }
        #expect(Self.events(run.all).count == 3)
        #expect(run.stderr.contains("3 control events raised"), "\(run.stderr)")
        #expect(run.stderr.contains("webhook http://127.0.0.1:\(http)/: 0 events delivered ("), "\(run.stderr)")
        #expect(run.stderr.contains("3 NOT delivered (3 still queued at the stop); last failure: connection refused"), "\(run.stderr)")
        // The stop waited 5 s at most for the receiver.
        #expect(Date().timeIntervalSince(started) < 25)
    }

    /// `--webhook` needs rules, and an http(s) URL.
    @Test func refusesAWebhookWithoutRulesOrWithABadURL() throws {
        let noRules = try CLI.run(["watch", "--hep-listen", "127.0.0.1:9", "--config", "/dev/null", "--webhook", "http://127.0.0.1:9/"])
        #expect(noRules.status == 64)
        #expect(noRules.stderr.contains("--webhook POSTs control events: give --rules FILE"), "\(noRules.stderr)")
        let rules = try Self.rulesFile()
        defer { try? FileManager.default.removeItem(at: rules) }
        let badURL = try CLI.run(["watch", "--hep-listen", "127.0.0.1:9", "--config", "/dev/null", "--rules", rules.path, "--webhook", "ftp://example/"])
        #expect(badURL.status == 64)
        #expect(badURL.stderr.contains("--webhook 'ftp://example/': not an http:// or https:// URL with a host"), "\(badURL.stderr)")
    }
}
