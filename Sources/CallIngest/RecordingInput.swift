import CallModel
import Foundation
import RTPAnalysis

/// How stereo call recordings (WAV) become talk timelines (README "Recordings").
public struct RecordingOptions: Sendable {
    /// A channel of a stereo recording (`--agent-channel`).
    public enum Channel: String, Sendable, CaseIterable {
        case left, right
    }

    /// The channel that carries the agent; the other carries the caller. Default right, as
    /// Asterisk MixMonitor's `r()`/`t()` pair and most call recorders put the far end left.
    public var agentChannel: Channel
    /// A regular expression applied to the file name; its first capture group is the call's
    /// id (a SIP Call-ID, an Asterisk uniqueid or linkedid). Default: the name without `.wav`.
    public var idPattern: String?
    /// Voice activity settings (the defaults when the run does not set them).
    public var voiceActivity: VoiceActivityOptions
    /// Whether recordings are read at all: only talk analysis (`talk`, `calls --talk`) reads
    /// them; other commands skip them with a warning, so recordings never become calls of a
    /// report or of the store.
    public var enabled: Bool

    public init(agentChannel: Channel = .right, idPattern: String? = nil, voiceActivity: VoiceActivityOptions = .standard, enabled: Bool = false) {
        self.agentChannel = agentChannel; self.idPattern = idPattern; self.voiceActivity = voiceActivity; self.enabled = enabled
    }
}

/// One recording read: its id, when it started and its talk timeline.
struct Recording {
    var path: String
    var id: String
    var start: Timestamp
    var talk: TalkSummary
    var warnings: [String]

    /// Whether `path` starts like a RIFF/WAVE file.
    static func isRecording(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 12), head.count == 12 else { return false }
        let bytes = [UInt8](head)
        return bytes[0..<4].elementsEqual("RIFF".utf8) && bytes[8..<12].elementsEqual("WAVE".utf8)
    }

    /// Reads `path`. The recording is taken to end when the file was last written (recorders
    /// write until hang-up), so it starts its duration before the file's modification time.
    static func read(_ path: String, options: RecordingOptions) throws(RecordingError) -> Recording {
        let name = String(path.split(separator: "/").last ?? Substring(path))
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
            throw RecordingError(path: path, reason: "cannot read: \(error.localizedDescription)")
        }
        let recording: WAVRecording
        do { recording = try WAVRecording(bytes: [UInt8](data)) } catch {
            throw RecordingError(path: path, reason: error.description)
        }
        guard recording.channels == 2 else {
            throw RecordingError(path: path, reason: "a talk recording needs two channels, one per side; this one has \(recording.channels)")
        }
        let tracks = recording.activityTracks(options: options.voiceActivity)
        let agentIndex = options.agentChannel == .left ? 0 : 1
        let modified = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? Date()
        let end = Int64((modified.timeIntervalSince1970 * 1e9).rounded())
        let start = Timestamp(nanoseconds: end - recording.duration)
        let talk = TalkAnalysis.summarize(
            caller: tracks[1 - agentIndex], agent: tracks[agentIndex], options: options.voiceActivity,
            start: start, agentParty: .callee
        )
        guard recording.duration > 0 else {
            throw RecordingError(path: path, reason: "the recording holds no audio")
        }
        var warnings = recording.warnings.map(\.description)
        let (id, matched) = id(of: name, pattern: options.idPattern)
        if !matched, let pattern = options.idPattern {
            warnings.append("file name does not match --recording-id '\(pattern)': its id is the name without .wav")
        }
        return Recording(path: path, id: id, start: start, talk: talk, warnings: warnings)
    }

    /// The id of a recording named `name`, and whether `pattern` matched it (a pattern that
    /// does not compile was refused by the command line).
    static func id(of name: String, pattern: String?) -> (id: String, matched: Bool) {
        let stem = name.lowercased().hasSuffix(".wav") ? String(name.dropLast(4)) : name
        guard let pattern, let regex = try? Regex(pattern), let match = try? regex.firstMatch(in: name) else {
            return (stem, pattern == nil)
        }
        if match.output.count > 1, let group = match.output[1].substring { return (String(group), true) }
        return (String(match.output[0].substring ?? Substring(stem)), true)
    }

    /// A call for a recording that matched no call of the run: answered for the whole
    /// recording, with no numbers.
    var standaloneCall: Call {
        let name = String(path.split(separator: "/").last ?? Substring(path))
        var call = Call(callID: id, source: name, start: start, outcome: .answered, format: "wav")
        call.answeredAt = start
        call.endedAt = Timestamp(nanoseconds: start.nanoseconds + talk.duration)
        call.talk = talk
        return call
    }
}

/// A recording that cannot be used, with its path.
struct RecordingError: Error {
    var path: String
    var reason: String
}
