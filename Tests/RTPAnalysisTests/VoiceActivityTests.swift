import Foundation
import CallModel
import Testing
@testable import RTPAnalysis

/// Synthetic frames: `level` dBFS over `samples` samples.
private func sum(dBFS level: Double, samples: Int) -> Double {
    32768.0 * 32768.0 * pow(10, level / 10) * Double(samples)
}

private let ms: Int64 = 1_000_000

@Suite("Activity track and voice activity detection")
struct ActivityTrackTests {
    @Test func frameStraddlingSlotsSpreadsEnergyByOverlap() {
        var track = ActivityTrack()
        track.addAudio(at: 5 * ms, duration: 20 * ms, sumOfSquares: sum(dBFS: -20, samples: 160), samples: 160)
        #expect(track.slotCount == 3)
        #expect(track.duration == 30 * ms)
        for slot in 0..<3 {
            let level = track.level(ofSlot: slot) ?? .nan
            #expect(abs(level - -20) < 0.001)
        }
        #expect(track.level(ofSlot: 3) == nil)
    }

    @Test func outOfOrderAndNegativeOffsets() {
        var track = ActivityTrack()
        track.addAudio(at: 40 * ms, duration: 20 * ms, sumOfSquares: sum(dBFS: -20, samples: 160), samples: 160)
        track.addAudio(at: 0, duration: 20 * ms, sumOfSquares: sum(dBFS: -20, samples: 160), samples: 160)
        #expect(track.slotCount == 6)
        // Entirely before the origin: ignored; straddling it: only the part after 0 counts.
        track.addAudio(at: -30 * ms, duration: 20 * ms, sumOfSquares: 1e12, samples: 160)
        #expect(track.ignoredFrames == 1)
        var late = ActivityTrack()
        late.addAudio(at: -10 * ms, duration: 20 * ms, sumOfSquares: sum(dBFS: -20, samples: 160), samples: 160)
        #expect(late.slotCount == 1)
        #expect(abs((late.level(ofSlot: 0) ?? .nan) - -20) < 0.001)
        let options = VoiceActivityOptions(hangover: 0, minimumSpeech: 0)
        #expect(track.speech(options: options) == [true, true, false, false, true, true])
    }

    @Test func lostPacketsAndComfortNoiseAreSilence() {
        var track = ActivityTrack()
        for start in [0, 20, 60] as [Int64] {
            track.addAudio(at: start * ms, duration: 20 * ms, sumOfSquares: sum(dBFS: -20, samples: 160), samples: 160)
        }
        track.addSilence(at: 80 * ms, duration: 40 * ms)
        #expect(track.slotCount == 12)
        let options = VoiceActivityOptions(hangover: 0, minimumSpeech: 0)
        #expect(track.speech(options: options) == [true, true, true, true, false, false, true, true, false, false, false, false])
    }

    @Test func absurdFramesAreIgnored() {
        var track = ActivityTrack(maximumLength: 1_000 * ms)
        track.addAudio(at: 2_000 * ms, duration: 20 * ms, sumOfSquares: 1e9, samples: 160)
        track.addAudio(at: 0, duration: 0, sumOfSquares: 1e9, samples: 160)
        track.addAudio(at: 0, duration: 20 * ms, sumOfSquares: .nan, samples: 160)
        track.addAudio(at: 0, duration: 20 * ms, sumOfSquares: 1e9, samples: 0)
        track.addAudio(at: .max - 1, duration: .max, sumOfSquares: 1e9, samples: 160)
        #expect(track.ignoredFrames == 5)
        #expect(track.slotCount == 0)
        // A frame running past the maximum is cut there.
        track.addAudio(at: 990 * ms, duration: .max, sumOfSquares: 1e9, samples: 160)
        #expect(track.slotCount == 100)
    }

    /// Found by FuzzCapture: a few packets hours apart made every stream hold 8 bytes for every
    /// 10 ms between them (up to 69 MB a stream). Memory follows the audio, not the span.
    @Test func farApartFramesHoldMemoryForTheirAudioOnly() {
        var track = ActivityTrack()
        let hours23 = 23 * 3_600_000 * ms
        track.addAudio(at: 0, duration: 20 * ms, sumOfSquares: sum(dBFS: -20, samples: 160), samples: 160)
        track.addAudio(at: hours23, duration: 20 * ms, sumOfSquares: sum(dBFS: -30, samples: 160), samples: 160)
        #expect(track.slotCount == Int(hours23 / (10 * ms)) + 2)
        #expect(track.storedSlots == 2 * ActivityTrack.chunkSlots)
        #expect(abs((track.level(ofSlot: Int(hours23 / (10 * ms)) + 1) ?? .nan) - -30) < 0.001)
        #expect(track.level(ofSlot: 1_000) == nil)
        // The speech of the first 5 slots only, when the call ends there.
        let options = VoiceActivityOptions(hangover: 0, minimumSpeech: 0)
        #expect(track.speech(options: options, limit: 5) == [true, true, false, false, false])
        #expect(track.speech(options: options, limit: -1) == [])
    }

    @Test("Threshold in dBFS", arguments: [(-39.9, true), (-40.1, false), (-60.0, false), (-3.0, true)])
    func threshold(level: Double, isSpeech: Bool) {
        var track = ActivityTrack()
        track.addAudio(at: 0, duration: 200 * ms, sumOfSquares: sum(dBFS: level, samples: 1600), samples: 1600)
        let speech = track.speech(options: .standard)
        #expect(speech == [Bool](repeating: isSpeech, count: 20))
    }

    /// Loud 10 ms slots from a pattern: `x` loud, `.` silent (still received).
    private func track(_ pattern: String) -> ActivityTrack {
        var track = ActivityTrack()
        for (slot, mark) in pattern.enumerated() {
            let level = mark == "x" ? -20.0 : -70.0
            track.addAudio(at: Int64(slot) * 10 * ms, duration: 10 * ms, sumOfSquares: sum(dBFS: level, samples: 80), samples: 80)
        }
        return track
    }

    private func pattern(_ flags: [Bool]) -> String { String(flags.map { $0 ? "x" : "." }) }

    @Test func hangoverBridgesOnlyPausesShorterThanIt() {
        let options = VoiceActivityOptions(hangover: 300 * ms, minimumSpeech: 0)
        let short = String(repeating: "x", count: 15) + String(repeating: ".", count: 29) + String(repeating: "x", count: 15)
        #expect(pattern(track(short).speech(options: options)) == String(repeating: "x", count: 59))
        let long = String(repeating: "x", count: 15) + String(repeating: ".", count: 30) + String(repeating: "x", count: 15)
        #expect(pattern(track(long).speech(options: options)) == long)
        // Silence before the first and after the last speech is never bridged.
        let edges = "..." + String(repeating: "x", count: 15) + "..."
        #expect(pattern(track(edges).speech(options: options)) == edges)
    }

    @Test func burstsShorterThanMinimumAreDropped() {
        let options = VoiceActivityOptions(hangover: 0, minimumSpeech: 100 * ms)
        let input = "x" + String(repeating: ".", count: 40) + String(repeating: "x", count: 9) + "....."
            + String(repeating: "x", count: 10) + ".."
        let expected = String(repeating: ".", count: 55) + String(repeating: "x", count: 10) + ".."
        #expect(pattern(track(input).speech(options: options)) == expected)
    }

    @Test func pausesAreBridgedBeforeShortBurstsAreDropped() {
        // Two 6-slot bursts 10 slots apart: each alone is under 100 ms, bridged they are 220 ms.
        let input = String(repeating: "x", count: 6) + String(repeating: ".", count: 10) + String(repeating: "x", count: 6)
        #expect(pattern(track(input).speech(options: .standard)) == String(repeating: "x", count: 22))
    }

    @Test func oneHourCallStaysLinear() {
        var caller = ActivityTrack()
        var agent = ActivityTrack()
        let loud = sum(dBFS: -20, samples: 160)
        for frame in 0..<180_000 {
            let offset = Int64(frame) * 20 * ms
            // The caller speaks in the first half hour, the agent in the second.
            if frame < 90_000 {
                caller.addAudio(at: offset, duration: 20 * ms, sumOfSquares: loud, samples: 160)
            } else {
                agent.addAudio(at: offset, duration: 20 * ms, sumOfSquares: loud, samples: 160)
            }
        }
        let summary = TalkAnalysis.summarize(caller: caller, agent: agent, options: .standard,
                                             start: Timestamp(seconds: 0), agentParty: .callee)
        #expect(summary.duration == 3_600_000 * ms)
        #expect(summary.callerTalk == 1_800_000 * ms && summary.agentTalk == 1_800_000 * ms)
        #expect(summary.segments.map(\.owner) == [.caller, .agent])
        #expect(summary.callerTalkByTenth == [360_000 * ms, 360_000 * ms, 360_000 * ms, 360_000 * ms, 360_000 * ms, 0, 0, 0, 0, 0])
    }
}

/// espeak-ng speech placed on two channels with sox (see `ConversationFixture`), run through
/// WAV parsing, the detector with its default options and the talk analysis.
@Suite("Voice activity on real speech")
struct SpeechDetectionTests {
    static let slot = VoiceActivityOptions.standard.slotLength

    static func summary(_ file: String, options: VoiceActivityOptions = .standard) throws -> TalkSummary {
        let fixture = try ConversationFixture.shared.get()
        let recording = try WAVRecording(bytes: fixture.bytes(file))
        #expect(recording.channels == 2 && recording.sampleRate == 8000 && recording.warnings.isEmpty)
        #expect(recording.frameCount == fixture.totalSamples)
        let tracks = recording.activityTracks(options: options)
        try #require(tracks.count == 2)
        return TalkAnalysis.summarize(caller: tracks[0], agent: tracks[1], options: options,
                                      start: Timestamp(seconds: 0), agentParty: .callee)
    }

    @Test("Talk, share and overtalk match where the clips were placed",
          arguments: ["mulaw.wav", "alaw.wav", "pcm16.wav", "mulaw-noise.wav"])
    func matchesTruth(file: String) throws {
        let fixture = try ConversationFixture.shared.get()
        let summary = try Self.summary(file)
        let seconds = { (nanoseconds: Int64) in Double(nanoseconds) / 1e9 }
        #expect(abs(seconds(summary.callerTalk) - fixture.callerSeconds) <= 0.3,
                "caller \(seconds(summary.callerTalk)) s, truth \(fixture.callerSeconds) s")
        #expect(abs(seconds(summary.agentTalk) - fixture.agentSeconds) <= 0.3,
                "agent \(seconds(summary.agentTalk)) s, truth \(fixture.agentSeconds) s")
        #expect(abs((summary.agentShare ?? -1) - fixture.agentShare) <= 0.03,
                "share \(summary.agentShare ?? -1), truth \(fixture.agentShare)")
        #expect(abs(seconds(summary.overtalk) - fixture.overlapSeconds) <= 0.15,
                "overtalk \(seconds(summary.overtalk)) s, truth \(fixture.overlapSeconds) s")
        #expect(summary.duration == Int64(fixture.totalSamples + 79) / 80 * Self.slot)
        // Agent greets, caller answers, agent replies, caller cuts in, agent finishes first.
        #expect(summary.segments.map(\.owner) == [.silence, .agent, .silence, .caller, .silence, .agent, .both, .caller, .silence])
        #expect(summary.callerInterruptions == 1 && summary.agentInterruptions == 0)
        // Each clip's speech is one monologue: the pauses between its words are bridged.
        let longestCaller = fixture.caller.map(\.seconds).max() ?? 0
        #expect(abs(seconds(summary.longestCallerMonologue) - longestCaller) <= 0.15)
        let longestAgent = fixture.agent.map(\.seconds).max() ?? 0
        #expect(abs(seconds(summary.longestAgentMonologue) - longestAgent) <= 0.15)
        // Every boundary of the timeline lies within 0.15 s of a placed clip's edge (measured: the
        // word-final "s" of "minutes" ends 0.1 s early at -40 dBFS; every other edge within 0.03 s).
        let edges = (fixture.caller + fixture.agent).flatMap { [$0.start, $0.end] }.map { Int64($0) * 125_000 }
        for segment in summary.segments.dropFirst() {
            let nearest = edges.map { abs($0 - segment.start) }.min() ?? .max
            #expect(nearest <= 150_000_000, "boundary at \(seconds(segment.start)) s")
        }
    }

    @Test("PCM16 and A-law recordings of the same content agree with mu-law within a slot per boundary",
          arguments: ["alaw.wav", "pcm16.wav"])
    func encodingsAgree(file: String) throws {
        let reference = try Self.summary("mulaw.wav")
        let other = try Self.summary(file)
        #expect(other.segments.map(\.owner) == reference.segments.map(\.owner))
        for (a, b) in zip(reference.segments, other.segments) {
            #expect(abs(a.start - b.start) <= Self.slot && abs(a.end - b.end) <= Self.slot)
        }
        #expect(other.duration == reference.duration)
    }

    @Test func thresholdAboveSpeechFindsNothing() throws {
        let summary = try Self.summary("mulaw.wav", options: VoiceActivityOptions(thresholdDBFS: 0))
        #expect(summary.callerTalk == 0 && summary.agentTalk == 0 && summary.agentShare == nil)
        #expect(summary.segments.map(\.owner) == [.silence])
    }
}
