import Foundation

/// How the energy voice activity detector decides that a side is speaking.
///
/// The detector is the classic energy gate with hangover, in the spirit of ITU-T G.729 Annex B
/// and ETSI GSM 06.32 VADs but without their spectral features: a 10 ms slot is speech when its
/// mean power reaches ``thresholdDBFS``; pauses shorter than ``hangover`` between speech are
/// bridged; bursts shorter than ``minimumSpeech`` are dropped. Levels are in dBFS relative to a
/// full-scale square wave (RMS 32768 on the 16-bit scale), so a full-scale sine is -3 dBFS.
///
/// The defaults were chosen on espeak-ng speech (about -21 dBFS RMS) placed on a stereo 8 kHz
/// mu-law call with sox (`SpeechDetectionTests`): at -40 dBFS talk time is within 0.1 s of
/// where the clips were placed (only a quiet word-final "s" is missed) and pink noise up to
/// about -47 dBFS is still silence; -45 dBFS is exact on clean speech but takes -44 dBFS noise
/// for speech, -35 dBFS starts cutting words. Idle telephone lines sit near -60 dBFS.
public struct VoiceActivityOptions: Sendable, Hashable {
    /// Length of one analysis slot, nanoseconds. Default 10 ms (the G.729B and Opus frame step).
    public var slotLength: Int64
    /// Mean power a slot needs to count as speech, dBFS. Default -40 dBFS: about 20 dB under
    /// conversational speech and 10 dB over typical line noise and comfort noise.
    public var thresholdDBFS: Double
    /// Pauses shorter than this between two stretches of speech stay speech, nanoseconds.
    /// Default 500 ms: covers the gaps between words, the closures of plosives and the pauses
    /// between sentences of one turn (0.3 to 0.4 s in the espeak-ng samples of captures/talk).
    public var hangover: Int64
    /// Bursts of speech shorter than this (after bridging pauses) are dropped, nanoseconds.
    /// Default 100 ms: clicks, key presses and line hits are shorter; a syllable is longer.
    public var minimumSpeech: Int64

    public init(
        slotLength: Int64 = 10_000_000,
        thresholdDBFS: Double = -40,
        hangover: Int64 = 500_000_000,
        minimumSpeech: Int64 = 100_000_000
    ) {
        self.slotLength = slotLength
        self.thresholdDBFS = thresholdDBFS
        self.hangover = hangover
        self.minimumSpeech = minimumSpeech
    }

    /// The defaults described on each property.
    public static let standard = VoiceActivityOptions()

    /// The mean square of 16-bit samples at the threshold: `32768² · 10^(dBFS/10)`.
    public var thresholdMeanSquare: Double {
        32768.0 * 32768.0 * pow(10, thresholdDBFS / 10)
    }

    /// The mean power of samples as dBFS (same reference as ``thresholdDBFS``); `-infinity` for silence.
    public static func dBFS(sumOfSquares: Double, samples: Int) -> Double {
        guard samples > 0, sumOfSquares > 0 else { return -.infinity }
        return 10 * log10(sumOfSquares / Double(samples) / (32768.0 * 32768.0))
    }
}

/// The audio energy of one side of a call on a grid of fixed slots (10 ms by default), from which
/// ``speech(options:)`` tells where that side speaks.
///
/// Frames arrive as (time offset from the call's origin, duration, sum of squares, samples), in any
/// order, as RTP packets do (RFC 3550 §5.1: the RTP timestamp gives the sampling instant). A frame's
/// energy and samples are spread over the slots it covers in proportion to the overlap, so frames
/// need not line up with slots. Slots that receive no audio (lost packets, comfort noise, DTX)
/// count as silence.
///
/// Storage is two `Float` per slot (8 bytes per 10 ms, under 3 MB for a one-hour call), allocated
/// in chunks of ``chunkSlots`` slots only where audio arrives: a gap costs nothing, so a stream
/// whose timestamps or arrival times jump hours ahead (a clock step, a hostile capture: found by
/// the FuzzCapture target) holds memory for the audio it carries, not for the time it spans.
/// Frames beyond ``maximumLength`` (a corrupt RTP timestamp, say) are ignored.
public struct ActivityTrack: Sendable {
    /// Length of one slot, nanoseconds.
    public let slotLength: Int64
    /// Offsets at or beyond this are ignored, nanoseconds (default 24 hours).
    public let maximumLength: Int64
    /// Slots per storage chunk (1.28 s at 10 ms).
    public static let chunkSlots = 128
    /// Sum of squared 16-bit samples received in each stored slot, chunk after chunk.
    private var energy: [Float] = []
    /// Samples received in each stored slot (fractional when a frame straddles slots).
    private var samples: [Float] = []
    /// Where each chunk that received audio starts in `energy` and `samples`, by chunk number.
    private var chunkStart: [Int: Int] = [:]
    /// The chunk the last frame went to, and its start: consecutive frames mostly share one.
    private var lastChunk = -1
    private var lastChunkStart = 0
    /// Slots covered by audio or silence, from the origin to the last one.
    public private(set) var slotCount = 0
    /// Frames dropped: empty, non-finite energy, entirely before the origin, or beyond ``maximumLength``.
    public private(set) var ignoredFrames = 0

    /// An empty track. `slotLength` must be positive (programming error otherwise).
    public init(slotLength: Int64 = 10_000_000, maximumLength: Int64 = 86_400_000_000_000) {
        precondition(slotLength > 0, "ActivityTrack slot length must be positive")
        self.slotLength = slotLength
        self.maximumLength = max(0, maximumLength)
    }

    /// An empty track with the slot length of `options`.
    public init(options: VoiceActivityOptions, maximumLength: Int64 = 86_400_000_000_000) {
        self.init(slotLength: options.slotLength, maximumLength: maximumLength)
    }

    /// Slots held in memory: whole chunks where audio arrived, not the span between them.
    public var storedSlots: Int { energy.count }

    /// The analysed length, nanoseconds (`slotCount × slotLength`).
    public var duration: Int64 { Int64(slotCount) * slotLength }

    /// Adds one frame of audio starting `offset` nanoseconds after the origin and lasting `duration`.
    /// The part before the origin is ignored (its share of the energy is dropped).
    /// - Complexity: O(slots covered); allocates only when the track grows (amortised).
    public mutating func addAudio(at offset: Int64, duration: Int64, sumOfSquares: Double, samples: Int) {
        guard let (start, end) = clip(offset: offset, duration: duration),
              samples > 0, sumOfSquares.isFinite, sumOfSquares >= 0
        else {
            ignoredFrames += 1
            return
        }
        let lastSlot = Int((end - 1) / slotLength)
        slotCount = max(slotCount, lastSlot + 1)
        let frameDuration = Double(duration)
        var slot = Int(start / slotLength)
        var slotStart = Int64(slot) * slotLength
        while slot <= lastSlot {
            let slotEnd = slotStart + slotLength
            let overlap = min(end, slotEnd) - max(start, slotStart)
            let share = Double(overlap) / frameDuration
            let index = storageIndex(ofSlot: slot)
            energy[index] += Float(sumOfSquares * share)
            self.samples[index] += Float(Double(samples) * share)
            slot += 1
            slotStart = slotEnd
        }
    }

    /// Where `slot` is stored, allocating its chunk (zeroed) the first time audio reaches it.
    private mutating func storageIndex(ofSlot slot: Int) -> Int {
        let chunk = slot / Self.chunkSlots
        if chunk != lastChunk {
            if let start = chunkStart[chunk] {
                lastChunkStart = start
            } else {
                lastChunkStart = energy.count
                chunkStart[chunk] = lastChunkStart
                energy.append(contentsOf: repeatElement(0, count: Self.chunkSlots))
                samples.append(contentsOf: repeatElement(0, count: Self.chunkSlots))
            }
            lastChunk = chunk
        }
        return lastChunkStart + slot % Self.chunkSlots
    }

    /// Marks `duration` nanoseconds from `offset` as heard but silent (comfort noise, a muted
    /// stretch): it extends the track without adding energy, so a call ending in silence keeps its length.
    public mutating func addSilence(at offset: Int64, duration: Int64) {
        guard let (_, end) = clip(offset: offset, duration: duration) else {
            ignoredFrames += 1
            return
        }
        slotCount = max(slotCount, Int((end - 1) / slotLength) + 1)
    }

    /// The mean power of one slot in dBFS (see ``VoiceActivityOptions``); nil when it received no audio.
    public func level(ofSlot slot: Int) -> Double? {
        guard slot >= 0, let start = chunkStart[slot / Self.chunkSlots] else { return nil }
        let index = start + slot % Self.chunkSlots
        guard samples[index] > 0 else { return nil }
        guard energy[index] > 0 else { return -.infinity }
        return 10 * log10(Double(energy[index]) / Double(samples[index]) / (32768.0 * 32768.0))
    }

    /// Whether this side speaks in each slot (`slotCount` values): slots at or over the threshold,
    /// then pauses shorter than the hangover bridged, then bursts shorter than the minimum dropped.
    /// Only pauses between speech are bridged: speech is not extended past its last loud slot.
    /// - Parameter limit: at most this many slots are returned (the call's end, so a track
    ///   stretched by a far-off frame costs no more than the call).
    /// - Complexity: O(min(slotCount, limit)).
    public func speech(options: VoiceActivityOptions, limit: Int = .max) -> [Bool] {
        var result = [Bool](repeating: false, count: max(0, min(slotCount, limit)))
        let threshold = Float(options.thresholdMeanSquare)
        for (chunk, start) in chunkStart {
            let first = chunk * Self.chunkSlots
            guard first < result.count else { continue }
            for offset in 0..<min(Self.chunkSlots, result.count - first) where samples[start + offset] > 0 {
                result[first + offset] = energy[start + offset] >= threshold * samples[start + offset]
            }
        }
        let hangoverSlots = Self.slots(options.hangover, slotLength)
        let minimumSlots = Self.slots(options.minimumSpeech, slotLength)
        Self.setRuns(of: false, in: &result, shorterThan: hangoverSlots, interiorOnly: true)
        Self.setRuns(of: true, in: &result, shorterThan: minimumSlots, interiorOnly: false)
        return result
    }

    /// `[start, end)` of the frame clipped to `[0, maximumLength)`; nil when nothing is left.
    private func clip(offset: Int64, duration: Int64) -> (Int64, Int64)? {
        guard duration > 0, offset < maximumLength else { return nil }
        let (sum, overflow) = offset.addingReportingOverflow(duration)
        let end = overflow ? maximumLength : min(sum, maximumLength)
        let start = max(offset, 0)
        return start < end ? (start, end) : nil
    }

    /// Whole slots in `length`, rounded to nearest.
    private static func slots(_ length: Int64, _ slotLength: Int64) -> Int {
        length <= 0 ? 0 : Int((length + slotLength / 2) / slotLength)
    }

    /// Flips runs of `value` shorter than `limit` slots; `interiorOnly` keeps runs touching either end.
    private static func setRuns(of value: Bool, in flags: inout [Bool], shorterThan limit: Int, interiorOnly: Bool) {
        guard limit > 0 else { return }
        var index = 0
        while index < flags.count {
            guard flags[index] == value else {
                index += 1
                continue
            }
            var end = index
            while end < flags.count, flags[end] == value { end += 1 }
            let interior = index > 0 && end < flags.count
            if end - index < limit, interior || !interiorOnly {
                for slot in index..<end { flags[slot] = !value }
            }
            index = end
        }
    }
}
