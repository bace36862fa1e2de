import ArgumentParser
import CallIngest
import RTPAnalysis

/// Talk analysis options: who the agent is, voice activity and recordings, shared by `talk`
/// and `calls --talk`.
struct TalkOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Which numbers are agents, in the pattern language of --extension-pattern: the side whose number matches is the agent. Default: the callee of inbound calls, the caller of outbound calls.",
        valueName: "pattern"))
    var agentPattern: String?

    @Option(help: ArgumentHelp("Speech threshold of the voice activity detector, dBFS (full scale = 0): a 10 ms slot louder than this is speech.", valueName: "dBFS"))
    var vadThreshold: Double = VoiceActivityOptions.standard.thresholdDBFS

    @Option(help: ArgumentHelp("Pauses shorter than this between two stretches of speech stay speech, milliseconds.", valueName: "ms"))
    var vadHangover: Int = Int(VoiceActivityOptions.standard.hangover / 1_000_000)

    @Option(help: ArgumentHelp("Bursts shorter than this are not speech (clicks, breaths), milliseconds.", valueName: "ms"))
    var vadMinSpeech: Int = Int(VoiceActivityOptions.standard.minimumSpeech / 1_000_000)

    @Option(help: "Which channel of a stereo WAV recording carries the agent (the other carries the caller).")
    var agentChannel: RecordingOptions.Channel = .right

    @Option(help: ArgumentHelp("Regular expression over a WAV file name whose first group is the call id it belongs to (Call-ID, uniqueid); default: the name without .wav.", valueName: "regex"))
    var recordingID: String?

    func validate() throws {
        guard (-90.0 ... 0).contains(vadThreshold) else { throw ValidationError("--vad-threshold must be between -90 and 0 dBFS.") }
        guard (0...5_000).contains(vadHangover) else { throw ValidationError("--vad-hangover must be between 0 and 5000 ms.") }
        guard (0...5_000).contains(vadMinSpeech) else { throw ValidationError("--vad-min-speech must be between 0 and 5000 ms.") }
        if let recordingID, (try? Regex(recordingID)) == nil { throw ValidationError("--recording-id '\(recordingID)' is not a regular expression.") }
    }

    var voiceActivity: VoiceActivityOptions {
        var options = VoiceActivityOptions.standard
        options.thresholdDBFS = vadThreshold
        options.hangover = Int64(vadHangover) * 1_000_000
        options.minimumSpeech = Int64(vadMinSpeech) * 1_000_000
        return options
    }

    var recordings: RecordingOptions {
        RecordingOptions(agentChannel: agentChannel, idPattern: recordingID, voiceActivity: voiceActivity, enabled: true)
    }
}

extension RecordingOptions.Channel: ExpressibleByArgument {}
