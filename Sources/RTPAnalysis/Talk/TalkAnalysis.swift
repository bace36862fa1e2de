import CallModel

/// Who spoke when: the conversation metrics of one call from the voice activity of its two sides.
///
/// The measures are those of call-centre speech analytics (talk/listen ratio, overtalk, dead air,
/// longest monologue, interruptions), computed on the slot grid of ``ActivityTrack``:
/// - talk, overtalk and silence count slots where the caller, the agent, both or neither speak;
/// - a monologue is a maximal run of slots where that side speaks, whatever the other does
///   (pauses shorter than the hangover are already bridged by the detector);
/// - an interruption is a slot where a side starts speaking while the other spoke in the slot
///   before and still speaks: a handover (the other stops as this side starts) and a
///   simultaneous start are not interruptions;
/// - the timeline gives each slot an owner (``TalkOwner``) and merges equal neighbours;
/// - the tenths cut `[0, duration)` at `duration × k / 10` (integer nanoseconds); a slot that
///   straddles a cut is split in proportion to its overlap, so each side's tenths add up to its talk.
///
/// The duration is the longer of the two tracks; the shorter one is silent past its end.
public enum TalkAnalysis {
    /// The talk summary of two speech tracks (`true` = speaking) on slots of `slot` nanoseconds.
    /// - Complexity: O(slots).
    public static func summarize(
        caller: [Bool], agent: [Bool], slot: Int64, start: Timestamp, agentParty: CallParty
    ) -> TalkSummary {
        precondition(slot > 0, "TalkAnalysis slot length must be positive")
        let count = max(caller.count, agent.count)
        let duration = Int64(count) * slot
        var slots = (caller: 0, agent: 0, both: 0, neither: 0)
        var run = (caller: 0, agent: 0)
        var longest = (caller: 0, agent: 0)
        var interruptions = (caller: 0, agent: 0)
        var segments: [TalkSegment] = []
        var tenths = Tenths(duration: duration)
        var previous = (caller: false, agent: false)

        for index in 0..<count {
            let callerSpeaks = index < caller.count && caller[index]
            let agentSpeaks = index < agent.count && agent[index]
            switch (callerSpeaks, agentSpeaks) {
            case (true, true): slots.both += 1
            case (true, false): slots.caller += 1
            case (false, true): slots.agent += 1
            case (false, false): slots.neither += 1
            }
            if callerSpeaks, !previous.caller, previous.agent, agentSpeaks { interruptions.caller += 1 }
            if agentSpeaks, !previous.agent, previous.caller, callerSpeaks { interruptions.agent += 1 }
            run.caller = callerSpeaks ? run.caller + 1 : 0
            run.agent = agentSpeaks ? run.agent + 1 : 0
            longest.caller = max(longest.caller, run.caller)
            longest.agent = max(longest.agent, run.agent)

            let owner: TalkOwner = switch (callerSpeaks, agentSpeaks) {
            case (true, true): .both
            case (true, false): .caller
            case (false, true): .agent
            case (false, false): .silence
            }
            let slotStart = Int64(index) * slot
            let slotEnd = slotStart + slot
            if let last = segments.last, last.owner == owner {
                segments[segments.count - 1].end = slotEnd
            } else {
                segments.append(TalkSegment(owner: owner, start: slotStart, end: slotEnd))
            }
            if callerSpeaks || agentSpeaks {
                tenths.add(start: slotStart, end: slotEnd, caller: callerSpeaks, agent: agentSpeaks)
            }
            previous = (callerSpeaks, agentSpeaks)
        }

        return TalkSummary(
            start: start, duration: duration, agentParty: agentParty,
            callerTalk: Int64(slots.caller + slots.both) * slot,
            agentTalk: Int64(slots.agent + slots.both) * slot,
            overtalk: Int64(slots.both) * slot,
            silence: Int64(slots.neither) * slot,
            longestCallerMonologue: Int64(longest.caller) * slot,
            longestAgentMonologue: Int64(longest.agent) * slot,
            callerInterruptions: interruptions.caller, agentInterruptions: interruptions.agent,
            segments: segments,
            callerTalkByTenth: tenths.caller, agentTalkByTenth: tenths.agent
        )
    }

    /// The talk summary of two activity tracks through the voice activity detector.
    /// Both tracks must share one slot length (programming error otherwise).
    public static func summarize(
        caller: ActivityTrack, agent: ActivityTrack, options: VoiceActivityOptions,
        start: Timestamp, agentParty: CallParty
    ) -> TalkSummary {
        precondition(caller.slotLength == agent.slotLength, "TalkAnalysis tracks must share one slot length")
        return summarize(
            caller: caller.speech(options: options), agent: agent.speech(options: options),
            slot: caller.slotLength, start: start, agentParty: agentParty)
    }

    /// Talk per tenth of the call, slots split at the tenth boundaries.
    private struct Tenths {
        var caller = [Int64](repeating: 0, count: 10)
        var agent = [Int64](repeating: 0, count: 10)
        /// `duration × k / 10` for k = 0...10.
        let bounds: [Int64]
        /// The tenth the last added slot started in (slots come in increasing order).
        var tenth = 0

        init(duration: Int64) {
            bounds = (0...10).map { duration / 10 * Int64($0) + duration % 10 * Int64($0) / 10 }
        }

        mutating func add(start: Int64, end: Int64, caller callerSpeaks: Bool, agent agentSpeaks: Bool) {
            while tenth < 9, bounds[tenth + 1] <= start { tenth += 1 }
            var piece = start
            var index = tenth
            while piece < end {
                let pieceEnd = index < 9 ? min(end, bounds[index + 1]) : end
                if callerSpeaks { caller[index] += pieceEnd - piece }
                if agentSpeaks { agent[index] += pieceEnd - piece }
                piece = pieceEnd
                index += 1
            }
        }
    }
}
