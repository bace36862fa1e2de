import ArgumentParser

/// How far before and after a call the metrics look: repeat callers and callbacks (`report`, `lost`).
struct HistoryWindowOptions: ParsableArguments {
    @Option(help: "A caller is a repeat caller when the same number called within this many days before.")
    var repeatWindow: Double = 30

    @Option(help: "A lost call counts as returned when called back or answered again within this many hours.")
    var callbackWindow: Double = 24

    func validate() throws {
        try checkRange("--repeat-window", repeatWindow, maximum: 3650)
        try checkRange("--callback-window", callbackWindow, maximum: 87_600)
    }
}

/// Seconds-based options must fit a Duration in nanoseconds: at most about 30 years.
func checkRange(_ name: String, _ value: Double, maximum: Double) throws {
    guard value.isFinite, value >= 0, value <= maximum else {
        throw ValidationError("\(name) must be a number from 0 to \(Int(maximum)).")
    }
}
