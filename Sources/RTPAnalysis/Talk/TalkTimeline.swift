import CallModel

/// Builds one call's talk summary from the voice activity of all its streams.
///
/// A call can carry several streams per side (a re-INVITE moves the media, a new SSRC after a
/// transfer, an SBC relaying both hops): each stream's track is on its own clock, starting at
/// its first packet, so they are shifted onto a common origin (the call's first audio packet,
/// to the nearest slot) and a side speaks in a slot when any of its streams does.
public enum TalkTimeline {
    /// The summary of `tracks` (by sending party, each with the arrival time in nanoseconds
    /// of its stream's first packet), naming the callee as the agent; nil without tracks.
    /// - Parameters:
    ///   - from: where the conversation starts (the answer): audio before it (ringback,
    ///     early-media announcements) is left out.
    ///   - to: where it ends (the call's end): audio placed after it is left out. A stream's last
    ///     packets can be placed far beyond the call (a capture record whose clock jumped, a
    ///     hostile timestamp), and the timeline never grows past the call for them.
    public static func summarize(tracks: [CallParty: [(origin: Int64, track: ActivityTrack)]], options: VoiceActivityOptions, from: Int64? = nil, to: Int64? = nil) -> TalkSummary? {
        let origins = tracks.values.flatMap { $0.map(\.origin) }
        guard let first = origins.min(), options.slotLength > 0 else { return nil }
        let origin = max(first, from ?? first)
        let slot = options.slotLength
        // Slots up to the end (rounded up); unbounded without one.
        let limit = to.map { end in end <= origin ? 0 : Int(min(Int64(Int32.max), (end - origin) / slot + 1)) } ?? Int.max
        func speech(of party: CallParty) -> [Bool] {
            var merged: [Bool] = []
            for (start, track) in tracks[party] ?? [] {
                let difference = start - origin
                let shift = Int(difference >= 0 ? (difference + slot / 2) / slot : -((-difference + slot / 2) / slot))
                let spoken = track.speech(options: options, limit: limit == .max ? .max : max(0, limit - shift))
                let needed = min(limit, shift + spoken.count)
                if merged.count < needed {
                    merged.append(contentsOf: repeatElement(false, count: needed - merged.count))
                }
                for (index, speaking) in spoken.enumerated() where speaking && shift + index >= 0 && shift + index < needed {
                    merged[shift + index] = true
                }
            }
            return merged
        }
        return TalkAnalysis.summarize(
            caller: speech(of: .caller), agent: speech(of: .callee), slot: slot,
            start: Timestamp(nanoseconds: origin), agentParty: .callee
        )
    }
}
