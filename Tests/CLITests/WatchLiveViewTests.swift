import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport

/// `callscope watch` on a terminal (a pseudo-terminal of 80 x 24) without `--format`: the live
/// view, drawn in place while a SIPp call crosses the loopback and `watch -i lo` captures it.
@Suite(.serialized) struct WatchLiveViewTests {
    /// The frames drawn: each starts at the top-left corner (ESC [ H); returned as plain lines,
    /// the view's own sequences taken out.
    static func frames(_ bytes: [UInt8]) -> [[String]] {
        var text = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        for sequence in ["\u{1B}[2J", "\u{1B}[?25l", "\u{1B}[?25h", "\u{1B}[K", "\u{1B}[J"] { text = text.replacingOccurrences(of: sequence, with: "") }
        return text.components(separatedBy: "\u{1B}[H").dropFirst().map { $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
    }

    /// The answered call (its caller ID carrying an ESC [ 31 m, a colour change) shows as
    /// talking while it lasts, then among the last finished calls with its queue's figures and
    /// the event of a rule; every line fits 80 columns and the caller's escape sequence reaches
    /// the terminal only as visible text.
    @Test(.enabled(if: WatchLiveTrafficTests.isRoot && WatchLiveTrafficTests.haveSIPp, "needs root, sipp and tcpdump"))
    func terminalShowsCallsInProgressAndFinished() throws {
        let port = 26_000 + Int(getpid() % 500) * 16
        let filter = "udp portrange \(port)-\(port + 15)"
        let directory = TemporaryDirectory("watch-view")
        defer { directory.remove() }
        let rules = try directory.write("rules.yaml", "rules:\n  - {name: Any wait, when: wait_longer_than, seconds: 0}\n")
        let view = try TerminalSession(["watch", "-i", "lo", "--filter", filter, "--config", "/dev/null", "--timezone", "UTC", "--rules", rules],
                                       columns: 80, rows: 24)
        #expect(view.wait(seconds: 5) { String(decoding: $0, as: UTF8.self).contains("IN PROGRESS (0)") }, "\(view.stderr)")
        let done = DispatchSemaphore(value: 0)
        Thread {
            try? LoopbackTraffic.call(uas: "uas-answer.xml", uac: "uac-call.xml", line: "+44207946\u{1B}[31m0001;+15551230001;",
                                      callID: "view-answered", port: port, directory: directory)
            done.signal()
        }.start()
        let talking = view.wait(seconds: 15) { bytes in Self.frames(bytes).contains { $0.contains { $0.contains("talking") } } }
        #expect(done.wait(timeout: .now() + 30) == .success)
        let finished = view.wait(seconds: 5) { bytes in Self.frames(bytes).last?.contains { $0.contains("answered") } == true }
        #expect(view.stop() == 0, "\(view.stderr)")
        let output = view.output
        #expect(talking, "\(Self.frames(output).last ?? [])")
        #expect(finished)
        let frames = Self.frames(output)
        #expect(frames.count >= 3, "redrawn in place")
        // The caller's ESC [ 31 m never reaches the terminal; its escaped form does.
        let text = String(decoding: output, as: UTF8.self)
        #expect(!text.contains("\u{1B}[31m"))
        #expect(!text.contains("\"call_id\""), "no ndjson on a terminal")
        let inProgress = frames.flatMap { $0 }.first { $0.contains("talking") } ?? ""
        #expect(inProgress.contains("+44207946\\x1b[31m0001"), "\(inProgress)")
        #expect(inProgress.contains("+15551230001"))
        #expect(inProgress.contains("lo"))
        for line in frames.flatMap({ $0 }) { #expect(line.count <= 80, "\(line.count) columns: \(line)") }
        for frame in frames { #expect(frame.count <= 24, "\(frame.count) lines") }
        let last = try #require(frames.last)
        #expect(last.contains("IN PROGRESS (0)"))
        let call = last.first { $0.contains("answered") } ?? ""
        #expect(call.contains("+44207946\\x1b[3"), "\(call)")
        #expect(last.contains { $0.hasPrefix("  (none)") && $0.split(separator: " ").prefix(3).map(String.init) == ["(none)", "1", "1"] }, "\(last)")
        #expect(last.contains { $0.contains("Any wait") && $0.contains("view-answered") }, "\(last)")
        #expect(view.stderr.contains("1 control event raised"), "\(view.stderr)")
        #expect(view.stderr.contains("1 calls, 0 errors"), "\(view.stderr)")
    }
}
