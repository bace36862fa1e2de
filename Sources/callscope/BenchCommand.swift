import ArgumentParser
import CDRImport
import CallMetrics
import CallModel
import CallStore
import Foundation
import PacketCapture

/// `callscope bench metrics`: times the metrics core on generated calls (no parsing), for the
/// README's performance table. A developer command; it prints figures, it never gates CI.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the metrics core over generated calls (developer tool).",
        discussion: """
            metrics: generates N calls in memory (seeded, realistic mix) and times report, lost \
            calls, heatmap, agents, agent states (from queue_log-like agent events of the same calls) \
            and campaigns on one core. store: imports N generated calls (one \
            leg each) into a new database in a temporary folder, then times a one-day range query, \
            a full read and a report over the stored calls. cdr FILE: reads a CDR file into calls \
            (detection, parsing, grouping; no output), three times, and prints the best rows/s. \
            read FILE: reads a capture with nothing but libpcap's pcap_next_ex, the floor of any \
            capture analysis (scripts/bench.sh compares calls and talk with it).
            """
    )

    @Argument(help: "What to time: metrics, store, cdr FILE or read FILE.")
    var what: String = "metrics"

    @Argument(help: "For cdr: the CDR file to read (e.g. one made by scripts/bench-cdr.sh); for read: a capture.")
    var file: String?

    @Option(help: "How many calls to generate.")
    var calls = 1_000_000

    @Option(help: "Seed of the generator.")
    var seed: UInt64 = 42

    func validate() throws {
        if !["metrics", "store", "cdr", "read"].contains(what) { throw ValidationError("Give metrics, store, cdr FILE or read FILE.") }
        if what == "cdr" || what == "read", file == nil { throw ValidationError("bench \(what) needs a file.") }
        if calls < 1 { throw ValidationError("--calls must be 1 or more.") }
    }

    func run() throws {
        if what == "store" { return try benchStore() }
        if what == "cdr", let file { return try benchCDR(file) }
        if what == "read", let file { return try benchRead(file) }
        let generated = Self.generate(count: calls, seed: seed)
        let campaigns = (0..<20).map { Campaign(name: "campaign \($0)", numbers: ["+4420794601\(String(format: "%02d", $0))"], cost: 1000, revenuePerQualified: 50) }
        let options = MetricsOptions(timeZone: TimeZone(identifier: "Europe/London") ?? .current, campaigns: campaigns)
        func time(_ label: String, _ body: () -> Int) {
            let clock = ContinuousClock()
            var result = 0
            let elapsed = clock.measure { result = body() }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print("\(label.padding(toLength: 28, withPad: " ", startingAt: 0)) \(String(format: "%7.3f", seconds)) s   (\(result) rows)")
        }
        print("\(generated.count) generated calls")
        time("report (overall)") { MetricsEngine.report(calls: generated, groupBy: nil, options: options).groups.count + 1 }
        time("report --by hour") { MetricsEngine.report(calls: generated, groupBy: .hour, options: options).groups.count }
        time("report --by agent") { MetricsEngine.report(calls: generated, groupBy: .agent, options: options).groups.count }
        time("lost calls") { MetricsEngine.lostCalls(calls: generated, options: options).count }
        time("heatmap") { MetricsEngine.heatmap(calls: generated, metric: .answerRate, direction: .inbound, options: options).cells.count }
        time("agents per day") { MetricsEngine.agentDaily(calls: generated, options: options).count }
        let events = Self.agentEvents(for: generated)
        var timelines: [AgentTimeline] = []
        time("agent events -> timelines") { timelines = AgentStateBuilder.build(events).timelines; return timelines.count }
        time("agents view (+ states)") {
            MetricsEngine.agentDaily(calls: generated, options: options, totals: true).count
                + MetricsEngine.agentStates(timelines, options: options).count
        }
        time("campaigns") { MetricsEngine.campaignReport(calls: generated, options: options).campaigns.count }
    }

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let clock = ContinuousClock()
        let elapsed = try clock.measure(body)
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    func benchRead(_ path: String) throws {
        var result = (frames: 0, bytes: 0, checksum: UInt8(0))
        let elapsed = try Self.seconds { result = try CaptureFile.readFloor(path: path) }
        print("libpcap read: \(result.frames) packets, \(result.bytes) bytes in \(String(format: "%.3f", elapsed)) s: \(Int(Double(result.frames) / elapsed)) packets/s, \(String(format: "%.1f", Double(result.bytes) / elapsed / 1e6)) MB/s")
    }

    func benchCDR(_ path: String) throws {
        let importer = CDRImporter(options: CDRImportOptions(timeZone: TimeZone(identifier: "UTC") ?? .current))
        var best = Double.infinity
        var rows = 0, callCount = 0
        for _ in 0..<3 {
            var result: CDRImporter.FileResult?
            let seconds = try Self.seconds {
                do { result = try importer.importFile(path) { _ in } } catch { throw DatabaseFailure(message: String(describing: error)) }
            }
            rows = result?.rows ?? 0
            callCount = result?.result.calls.count ?? 0
            best = min(best, seconds)
        }
        print("\(path): \(rows) rows, \(callCount) calls; best of 3: \(String(format: "%.3f", best)) s, \(Int(Double(rows) / best)) rows/s (reading the file included, no output)")
    }

    func benchStore() throws {
        var generated = Self.generate(count: calls, seed: seed)
        for i in generated.indices {
            generated[i].legs = [CallLeg(id: generated[i].callID + ".1", status: generated[i].outcome == .answered ? "ANSWERED" : "NO ANSWER",
                                         start: generated[i].start, answered: generated[i].outcome == .answered, destination: generated[i].agent)]
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("callscope-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("bench.sqlite").path
        do {
            let database = try CallDatabase(path: path)
            let file = FileIdentity(path: "/bench/generated-\(calls).csv", size: Int64(calls), sha256: String(repeating: "0", count: 64))
            let importing = try Self.seconds { _ = try database.importFile(file, calls: generated, rows: calls, badRows: 0) }
            print("import of \(calls) calls (1 leg each)   \(String(format: "%7.3f", importing)) s   \(Int(Double(calls) / importing)) calls/s")
            let day = Timestamp(seconds: 1_772_323_200 + 15 * 86_400)
            var count = 0
            let range = try Self.seconds { count = try database.calls(from: day, to: Timestamp(nanoseconds: day.nanoseconds + 86_400_000_000_000)).count }
            print("one-day range query (\(count) calls)    \(String(format: "%7.3f", range)) s")
            var stored: [Call] = []
            let read = try Self.seconds { stored = try database.allCalls() }
            print("full read of \(stored.count) calls         \(String(format: "%7.3f", read)) s")
            let options = MetricsOptions(timeZone: TimeZone(identifier: "Europe/London") ?? .current)
            let report = Self.seconds { _ = MetricsEngine.report(calls: stored, groupBy: .day, options: options) }
            print("report --by day over them           \(String(format: "%7.3f", report)) s   (read + report \(String(format: "%.3f", read + report)) s)")
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            print("database size                       \(size / 1_048_576) MiB")
        } catch let error as StoreError {
            throw DatabaseFailure(message: error.description)
        }
    }

    /// The queue_log agent events of the generated calls: each agent logged in to `support`
    /// 07:00-21:00 UTC every day with a 30-minute lunch pause at 12:00 (PAUSEALL plus the
    /// queue's PAUSE), each answered inbound call a CONNECT and COMPLETECALLER (every tenth a
    /// BLINDTRANSFER) followed by a 20 s ACW pause on every third call; each unanswered inbound
    /// call a RINGNOANSWER of an agent. In time order, as a log is.
    static func agentEvents(for calls: [Call]) -> [AgentEvent] {
        var events: [AgentEvent] = []
        events.reserveCapacity(calls.count * 4)
        let base: Int64 = 1_772_323_200
        for day in 0..<31 {
            for a in 0..<50 {
                let agent = String(200 + a)
                let d = base + Int64(day) * 86_400
                events.append(AgentEvent(time: Timestamp(seconds: d + 7 * 3600), agent: agent, queue: "support", event: "ADDMEMBER", data: []))
                events.append(AgentEvent(time: Timestamp(seconds: d + 12 * 3600), agent: agent, queue: nil, event: "PAUSEALL", data: []))
                events.append(AgentEvent(time: Timestamp(seconds: d + 12 * 3600), agent: agent, queue: "support", event: "PAUSE", data: ["Lunch"]))
                events.append(AgentEvent(time: Timestamp(seconds: d + 12 * 3600 + 1800), agent: agent, queue: nil, event: "UNPAUSEALL", data: []))
                events.append(AgentEvent(time: Timestamp(seconds: d + 21 * 3600), agent: agent, queue: "support", event: "REMOVEMEMBER", data: []))
            }
        }
        for (i, call) in calls.enumerated() where call.direction == .inbound {
            guard call.outcome == .answered, let agent = call.agent, let answered = call.answeredAt, let ended = call.endedAt else {
                events.append(AgentEvent(time: call.endedAt ?? call.start, agent: String(200 + i % 50), queue: "support", event: "RINGNOANSWER", data: [], callID: call.callID))
                continue
            }
            events.append(AgentEvent(time: answered, agent: agent, queue: "support", event: "CONNECT", data: [], callID: call.callID))
            events.append(AgentEvent(time: ended, agent: agent, queue: "support", event: i % 10 == 0 ? "BLINDTRANSFER" : "COMPLETECALLER", data: [], callID: call.callID))
            if i % 3 == 0 {
                events.append(AgentEvent(time: Timestamp(nanoseconds: ended.nanoseconds + 1_000_000_000), agent: agent, queue: "support", event: "PAUSE", data: ["ACW"]))
                events.append(AgentEvent(time: Timestamp(nanoseconds: ended.nanoseconds + 21_000_000_000), agent: agent, queue: "support", event: "UNPAUSE", data: []))
            }
        }
        return events.sorted { $0.time < $1.time }
    }

    /// A seeded mix over 30 days: 80% inbound to 20 tracking numbers from 200,000 callers,
    /// 20% outbound by 50 agents; outcomes and waits in realistic proportions. Ordered by
    /// start, as every reading command hands calls to the metrics (CallCollector sorts them).
    static func generate(count: Int, seed: UInt64) -> [Call] {
        var state = seed | 1
        func next() -> UInt64 {  // xorshift64*
            state ^= state >> 12; state ^= state << 25; state ^= state >> 27
            return state &* 2_685_821_657_736_338_717
        }
        func uniform(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        let base: Int64 = 1_772_323_200  // 2026-03-01T00:00:00Z
        let outcomes: [CallOutcome] = [.answered, .answered, .answered, .answered, .answered, .answered, .abandoned, .noAnswer, .busy, .congestion]
        let calls = (0..<count).map { i in
            let start = Timestamp(seconds: base + Int64(uniform(30 * 86_400)))
            let outcome = outcomes[uniform(outcomes.count)]
            let wait = Int64(uniform(90)) * 1_000_000_000
            let agent = String(200 + uniform(50))
            let inbound = uniform(10) < 8
            let customer = "+4477009" + String(100_000 + uniform(200_000))
            let answeredAt = outcome == .answered ? Timestamp(nanoseconds: start.nanoseconds + wait) : nil
            let end = Timestamp(nanoseconds: (answeredAt ?? start).nanoseconds + (outcome == .answered ? Int64(uniform(600)) * 1_000_000_000 : wait))
            return Call(
                callID: "bench-\(i)", source: "generated", start: start,
                caller: inbound ? customer : agent, dialed: inbound ? "+4420794601" + String(format: "%02d", uniform(20)) : customer,
                outcome: outcome, answeredAt: answeredAt, endedAt: end,
                agent: outcome == .answered || !inbound ? agent : nil, queue: inbound ? "support" : nil,
                waitNanoseconds: wait, direction: inbound ? .inbound : .outbound, format: "generated", packets: 1
            )
        }
        return calls.sorted { $0.start < $1.start }
    }
}
