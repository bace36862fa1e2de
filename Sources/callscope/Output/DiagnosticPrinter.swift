import CallModel

/// Prints diagnostics on stderr, at most `limit` per input, and counts the rest.
final class DiagnosticPrinter {
    let limit: Int
    let quiet: Bool
    private var printed: [String: Int] = [:]
    private var suppressed: [String: Int] = [:]

    init(limit: Int, quiet: Bool) { self.limit = limit; self.quiet = quiet }

    func print(_ diagnostic: Diagnostic) {
        guard !quiet else { return }
        let count = printed[diagnostic.input, default: 0]
        if limit > 0, count >= limit {
            suppressed[diagnostic.input, default: 0] += 1
            return
        }
        printed[diagnostic.input] = count + 1
        StandardError.line("callscope: \(diagnostic)")
    }

    func finish() {
        guard !quiet else { return }
        for (input, count) in suppressed.sorted(by: { $0.key < $1.key }) {
            StandardError.line("callscope: \(input): \(count) more diagnostics not shown (--max-diagnostics 0 shows all)")
        }
    }
}
