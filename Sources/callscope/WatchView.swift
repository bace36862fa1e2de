import CallMetrics
import CallModel
import Foundation
import Reports

/// `watch` on a terminal without `--format`: the ``LiveScreen`` drawn on standard output in
/// place of the ndjson lines, again at most every 500 ms and at least every second (the
/// "ringing for" and "talking for" figures move with the clock), in the terminal's size of the
/// moment (TIOCGWINSZ; 80 x 24 when it cannot be read).
final class WatchView {
    private var screen: LiveScreen
    private var lastDraw: Int64 = 0
    private var changed = true

    init(screen: LiveScreen) {
        self.screen = screen
        Output.write(LiveScreen.begin)
    }

    func finished(_ call: Call) { screen.finished(call); changed = true }

    func raised(_ events: [ControlEvent]) {
        guard !events.isEmpty else { return }
        screen.raised(events)
        changed = true
    }

    /// Draws a frame when something changed (500 ms after the last at the soonest) or a
    /// second has passed.
    func tick(inProgress: @autoclosure () -> [Call], now: Int64) {
        let since = now - lastDraw
        guard since >= 1_000_000_000 || (changed && since >= 500_000_000) else { return }
        draw(inProgress(), now: now)
    }

    /// The last frame, then the cursor back below it.
    func close(now: Int64) {
        draw([], now: now)
        Output.write(LiveScreen.end)
    }

    private func draw(_ inProgress: [Call], now: Int64) {
        var size = winsize()
        let known = ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 && size.ws_row > 0
        Output.write(screen.frame(inProgress: inProgress, now: Timestamp(nanoseconds: now),
                                  columns: known ? Int(size.ws_col) : 80, rows: known ? Int(size.ws_row) : 24))
        lastDraw = now
        changed = false
    }
}
