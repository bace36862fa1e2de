import Foundation
import TestSupport

/// A two-party "call" built at test time from espeak-ng speech with sox: the caller on the left
/// channel, the agent on the right, clips placed at known sample offsets with silence between
/// and one overlap where the caller interrupts the agent.
///
/// The truth is where each clip was placed, narrowed to the clip's own speech: its leading and
/// trailing silence are measured with sox's `silence` effect at -50 dB (amplitude), independently
/// of the detector under test. Pauses inside a clip (between words) count as speech.
struct ConversationFixture: Sendable {
    static let rate = 8000

    /// One placed clip: `[start, end)` of its speech in samples from the start of the call.
    struct Span: Sendable {
        var start: Int
        var end: Int
        var seconds: Double { Double(end - start) / Double(ConversationFixture.rate) }
    }

    /// Stereo 8 kHz WAV files of the same content, by name: `mulaw.wav`, `alaw.wav`, `pcm16.wav`,
    /// and `mulaw-noise.wav` with pink noise at about -54 dBFS added to both channels.
    let files: [String: [UInt8]]
    let caller: [Span]
    let agent: [Span]
    let totalSamples: Int

    func bytes(_ name: String) throws -> [UInt8] {
        guard let bytes = files[name] else { throw Tools.Failure(description: "no fixture \(name)") }
        return bytes
    }

    var callerSeconds: Double { caller.reduce(0) { $0 + $1.seconds } }
    var agentSeconds: Double { agent.reduce(0) { $0 + $1.seconds } }
    var overlapSeconds: Double {
        var total = 0
        for a in caller {
            for b in agent { total += max(0, min(a.end, b.end) - max(a.start, b.start)) }
        }
        return Double(total) / Double(Self.rate)
    }
    var agentShare: Double { agentSeconds / (agentSeconds + callerSeconds) }

    /// Built once per test run (the tests share it).
    static let shared: Result<ConversationFixture, Error> = Result { try ConversationFixture() }

    private init() throws {
        let scratch = TemporaryDirectory("rtpaudio-conversation")
        defer { scratch.remove() }
        let directory = scratch.path
        let phrases = [
            "hello thank you for calling the service desk how can I help you today",  // agent
            "yes I have a problem with my internet connection since this morning",  // caller
            "I am sorry to hear that let me check your account for you",  // agent
            "it keeps dropping every few minutes",  // caller, interrupting
        ]
        var clips: [(samples: Int, lead: Int, trail: Int)] = []
        for (index, phrase) in phrases.enumerated() {
            let raw = "\(directory)/raw\(index).wav"
            let clip = "\(directory)/clip\(index).wav"
            try Tools.run("espeak-ng", ["-w", raw, phrase])
            try Tools.run("sox", ["-D", raw, "-r", "8000", "-b", "16", "-c", "1", clip])
            let total = try Tools.sampleCount(clip)
            let leadTrimmed = "\(directory)/lead\(index).wav"
            let bothTrimmed = "\(directory)/both\(index).wav"
            try Tools.run("sox", [clip, leadTrimmed, "silence", "1", "0.005", "-50d"])
            try Tools.run("sox", [clip, bothTrimmed, "silence", "1", "0.005", "-50d",
                                  "reverse", "silence", "1", "0.005", "-50d", "reverse"])
            let afterLead = try Tools.sampleCount(leadTrimmed)
            let speech = try Tools.sampleCount(bothTrimmed)
            clips.append((total, total - afterLead, afterLead - speech))
        }

        // Placement in samples: agent greets at 0.5 s; the caller answers 0.8 s after the agent's
        // speech ends; the agent replies 1.0 s after the caller; the caller cuts in 1.2 s into it.
        let second = Self.rate
        func speech(_ clip: Int, at start: Int) -> Span {
            Span(start: start + clips[clip].lead, end: start + clips[clip].samples - clips[clip].trail)
        }
        let agentFirstAt = second / 2
        let agentFirst = speech(0, at: agentFirstAt)
        let callerFirstAt = agentFirst.end + second * 8 / 10 - clips[1].lead
        let callerFirst = speech(1, at: callerFirstAt)
        let agentSecondAt = callerFirst.end + second - clips[2].lead
        let agentSecond = speech(2, at: agentSecondAt)
        let callerSecondAt = agentSecond.start + second * 12 / 10 - clips[3].lead
        let callerSecond = speech(3, at: callerSecondAt)
        totalSamples = max(agentSecondAt + clips[2].samples, callerSecondAt + clips[3].samples) + second / 2
        agent = [agentFirst, agentSecond]
        caller = [callerFirst, callerSecond]

        try Self.channel(directory: directory, name: "left.wav", clips: [(1, callerFirstAt), (3, callerSecondAt)],
                         lengths: clips.map(\.samples), total: totalSamples)
        try Self.channel(directory: directory, name: "right.wav", clips: [(0, agentFirstAt), (2, agentSecondAt)],
                         lengths: clips.map(\.samples), total: totalSamples)
        let left = "\(directory)/left.wav", right = "\(directory)/right.wav"
        for file in [left, right] where try Tools.sampleCount(file) != totalSamples {
            throw Tools.Failure(description: "\(file) is not \(totalSamples) samples long")
        }
        try Tools.run("sox", ["-D", "-M", left, right, "-e", "u-law", "\(directory)/mulaw.wav"])
        try Tools.run("sox", ["-D", "-M", left, right, "-e", "a-law", "\(directory)/alaw.wav"])
        try Tools.run("sox", ["-D", "-M", left, right, "-e", "signed-integer", "-b", "16", "\(directory)/pcm16.wav"])
        let noise = "\(directory)/noise.wav"
        let seconds = String(Double(totalSamples) / Double(Self.rate))
        try Tools.run("sox", ["-r", "8000", "-n", "-b", "16", "-c", "2", noise, "synth", seconds, "pinknoise", "vol", "0.01"])
        try Tools.run("sox", ["-D", "-m", "-v", "1", "\(directory)/pcm16.wav", "-v", "1", noise,
                              "-e", "u-law", "\(directory)/mulaw-noise.wav"])
        var files: [String: [UInt8]] = [:]
        for name in ["mulaw.wav", "alaw.wav", "pcm16.wav", "mulaw-noise.wav"] {
            files[name] = try Tools.bytes("\(directory)/\(name)")
        }
        self.files = files
    }

    /// One mono channel: each clip after silence so that it starts at its sample offset.
    private static func channel(
        directory: String, name: String, clips: [(index: Int, at: Int)], lengths: [Int], total: Int
    ) throws {
        var inputs: [String] = []
        var position = 0
        for (number, clip) in clips.enumerated() {
            let gap = "\(directory)/\(name)-gap\(number).wav"
            try silence(gap, samples: clip.at - position)
            inputs += [gap, "\(directory)/clip\(clip.index).wav"]
            position = clip.at + lengths[clip.index]
        }
        let tail = "\(directory)/\(name)-tail.wav"
        try silence(tail, samples: total - position)
        try Tools.run("sox", inputs + [tail, "\(directory)/\(name)"])
    }

    private static func silence(_ path: String, samples: Int) throws {
        precondition(samples > 0, "fixture layout overlaps itself")
        try Tools.run("sox", ["-r", "8000", "-n", "-b", "16", "-c", "1", path, "trim", "0", "\(samples)s"])
    }
}
