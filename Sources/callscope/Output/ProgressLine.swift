import CallReconstruction
import Foundation

/// A one-line progress counter on stderr, shown only when stderr is a terminal.
struct ProgressLine {
    let enabled: Bool
    init(enabled: Bool) { self.enabled = enabled && isatty(STDERR_FILENO) == 1 }

    func update(_ summary: AnalysisSummary) {
        guard enabled else { return }
        StandardError.write("\rcallscope: \(summary.packets) packets, \(summary.sipMessages) SIP messages so far...")
    }

    func clear() {
        guard enabled else { return }
        StandardError.write("\r\u{1B}[K")
    }
}
