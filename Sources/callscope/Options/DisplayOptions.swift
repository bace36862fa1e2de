import ArgumentParser
import CallMetrics
import CallModel
import Foundation
import Reports

/// `--wide`, and how wide a table is drawn: fitted to the terminal when standard output is one
/// (`$COLUMNS` when set, else the terminal's own width, TIOCGWINSZ), each column at its usual
/// limit when output is piped, nothing cut with `--wide` (README "Tables").
struct DisplayOptions: ParsableArguments {
    @Flag(help: "Draw tables at full width, cutting no column (default: fitted to the terminal when standard output is one).")
    var wide = false

    var tableWidth: TextTable.Width {
        if wide { return .unbounded }
        guard isatty(STDOUT_FILENO) == 1 else { return .columnLimits }
        if let text = ProcessInfo.processInfo.environment["COLUMNS"], let columns = Int(text), (20...100_000).contains(columns) {
            return .terminal(columns)
        }
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col >= 20 { return .terminal(Int(size.ws_col)) }
        return .columnLimits
    }
}

extension DisplayOptions {
    /// The starts of the calls in the range of `options` (`--from`/`--to`; every call without one).
    static func startsInRange(_ calls: [Call], options: MetricsOptions) -> [Timestamp] {
        calls.lazy.map(\.start).filter { start in
            (options.from.map { start >= $0 } ?? true) && (options.to.map { start < $0 } ?? true)
        }
    }

    /// `Period: from 2026-03-29 00:00:00 to 2026-03-30 00:00:00 (Europe/London)`: the first line
    /// of a report table, the requested range where given, else the calls' span.
    static func periodHeader(_ calls: [Call], options: MetricsOptions) -> String {
        periodHeader(starts: startsInRange(calls, options: options), options: options)
    }

    /// ``periodHeader(_:options:)`` from the starts in range alone (their earliest and latest suffice).
    static func periodHeader(starts: [Timestamp], options: MetricsOptions) -> String {
        var time = SiteTime(zone: options.timeZone)
        return "Period: " + time.period(starts: starts, requested: (options.from, options.to)) + "\n\n"
    }
}
