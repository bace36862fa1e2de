/// What the dialplan application of an Asterisk CDR row (`lastapp`) says about who answered
/// the row's channel (README "Outcomes", docs/cdr-formats.md "Asterisk CDR").
///
/// `Dial` answers the caller only when the called party answers, so an `ANSWERED` Dial row
/// is a person's answer. `Queue` and the IVR, announcement and voicemail applications answer
/// the caller themselves (`Answer()` then `Playback()`, `Background()`, `Read()`,
/// `VoiceMail()`...): on the caller's own row with nobody bridged, their `ANSWERED` says
/// nothing about a person. A row in a context whose name contains `ivr` (FreePBX `ivr-3`,
/// `custom-ivr`) is an IVR row too, whatever the application, unless it dialled or queued.
enum AsteriskApplication: UInt8, Sendable {
    /// Any other application (`Dial` aside): AGI, ConfBridge, Hangup...
    case other
    /// `Dial`, `AppDial`: a call placed to a person or device.
    case dial
    /// `Queue`.
    case queue
    /// IVR, announcement or voicemail applications, or any row of an IVR context.
    case system

    /// The applications that answer the caller themselves (Asterisk application names).
    private static let systemNames: [StaticString] = [
        "Playback", "Background", "Read", "VoiceMail", "VoiceMailMain", "WaitExten", "Answer", "Wait",
        "MusicOnHold", "Festival", "SayDigits", "SayNumber", "SayAlpha", "Record", "Echo", "Milliwatt",
        // The last application of a caller who was answered and never bridged (Answer(),
        // Playback(), Hangup()), and of a caller's row after a queue or dial that failed.
        "Hangup",
    ]

    /// The kind of a row's `lastapp`, with its `dcontext` when the layout has one.
    static func classify(_ bytes: UnsafeRawBufferPointer, lastapp: CSVField?, dcontext: CSVField?) -> AsteriskApplication {
        if let app = lastapp {
            if bytes.trimmedEqualsIgnoringCase(app, "Queue") { return .queue }
            if bytes.trimmedEqualsIgnoringCase(app, "Dial") || bytes.trimmedEqualsIgnoringCase(app, "AppDial") { return .dial }
            for name in systemNames where bytes.trimmedEqualsIgnoringCase(app, name) { return .system }
        }
        if let context = dcontext, containsIVR(bytes, bytes.trimmed(context)) { return .system }
        return .other
    }

    /// Whether `bytes[range]` contains `ivr` in any case.
    private static func containsIVR(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        guard range.count >= 3 else { return false }
        for i in range.lowerBound...(range.upperBound - 3)
        where bytes[i] | 0x20 == 0x69 && bytes[i + 1] | 0x20 == 0x76 && bytes[i + 2] | 0x20 == 0x72 { return true }
        return false
    }
}
