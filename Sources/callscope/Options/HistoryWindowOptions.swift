import ArgumentParser

/// How far before and after a call the metrics look: repeat callers and callbacks (`report`,
/// `lost`, `events`). Nil when not given, so the site profile's `windows:` can apply.
struct HistoryWindowOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A caller is a repeat caller when the same number called within this many days before (default: 30, or the profile's windows.repeat_days).", valueName: "days"))
    var repeatWindow: Double?

    @Option(help: ArgumentHelp("A lost call counts as returned when called back or answered again within this many hours (default: 24, or the profile's windows.callback_hours).", valueName: "hours"))
    var callbackWindow: Double?

    func validate() throws {
        try checkRange("--repeat-window", repeatWindow, maximum: 3650)
        try checkRange("--callback-window", callbackWindow, maximum: 87_600)
    }
}

/// Seconds-based options must fit a Duration in nanoseconds: at most about 30 years.
func checkRange(_ name: String, _ value: Double?, maximum: Double) throws {
    guard let value else { return }
    guard value.isFinite, value >= 0, value <= maximum else {
        throw ValidationError("\(name) must be a number from 0 to \(Int(maximum)).")
    }
}
