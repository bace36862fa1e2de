/// Pre-encoded G.711 frames of synthetic speech and of background noise.
///
/// Why precomputed: synthesising and companding 8,000 samples per second per stream
/// would dominate generation time. Instead a bank of utterances (1-6 s talk spurts)
/// is synthesised once, encoded to both mu-law and A-law, and RTP payloads are
/// copied out of it frame by frame.
///
/// Each utterance is voiced speech in caricature, enough for an energy-based voice
/// activity detector: a fundamental of 95-230 Hz with intonation and declination,
/// its second harmonic and the harmonics nearest two formants (F1 450-800 Hz,
/// F2 1100-2300 Hz, changing per syllable), shaped by a syllabic envelope
/// (syllables of 120-320 ms, dips between them, word gaps of 80-250 ms) with a
/// 15 ms attack and 40 ms release, peaking at -7 to -13 dBFS. Silence is noise at
/// about -62 dBov (a few quantisation steps either side of zero).
struct SpeechBank: Sendable {
    /// Samples per RTP packet (8 per millisecond).
    let samplesPerFrame: Int
    /// Frames of all utterances, then the silence frames, mu-law.
    let muLaw: [UInt8]
    /// The same frames, A-law.
    let aLaw: [UInt8]
    /// First frame of each utterance.
    let utteranceStart: [Int]
    /// Frames in each utterance.
    let utteranceFrames: [Int]
    /// First silence frame, and how many there are.
    let silenceStart: Int
    let silenceFrames: Int

    /// Number of distinct utterances in a bank.
    static let utteranceCount = 40

    init(seed: UInt64, ptime: Int) {
        var rng = Xoshiro256(seed: Xoshiro256.mix(seed ^ 0x5BEE_C4BA_4C00_0001))
        let spf = ptime * 8
        samplesPerFrame = spf
        let table = SineTable()
        var linear: [Int16] = []
        var starts: [Int] = []
        var lengths: [Int] = []
        var frame = 0
        for _ in 0..<Self.utteranceCount {
            let seconds = rng.uniform(1.0, 6.0)
            let frames = max(1, Int(seconds * 1000) / ptime)
            starts.append(frame)
            lengths.append(frames)
            Self.synthesiseUtterance(samples: frames * spf, rng: &rng, table: table, into: &linear)
            frame += frames
        }
        let silence = max(1, 2000 / ptime)  // two seconds of background
        silenceStart = frame
        silenceFrames = silence
        for _ in 0..<(silence * spf) {
            // Triangular noise, about +-24 (-62 dBov).
            let value = rng.below(25) + rng.below(25) - 24
            linear.append(Int16(value))
        }
        utteranceStart = starts
        utteranceFrames = lengths
        muLaw = linear.map(G711Encoder.muLaw)
        aLaw = linear.map(G711Encoder.aLaw)
    }

    private static func synthesiseUtterance(samples n: Int, rng: inout Xoshiro256, table: SineTable, into out: inout [Int16]) {
        let rate = 8000.0
        let f0Base = rng.uniform(95, 230)
        let peak = rng.uniform(7_000, 14_500)
        let intonationRate = rng.uniform(0.4, 1.1)
        let intonationPhase = rng.uniform(0, 6.283)
        let duration = Double(n) / rate
        let attack = 0.015 * rate
        let release = 0.040 * rate

        // Syllable plan: (end sample, formant 1, formant 2, gap?) segments.
        struct Segment { var end: Int; var f1: Double; var f2: Double; var gap: Bool; var start: Int }
        var segments: [Segment] = []
        var position = 0
        while position < n {
            if !segments.isEmpty, rng.chance(0.18) {
                let gap = Int(rng.uniform(0.08, 0.25) * rate)
                segments.append(Segment(end: min(n, position + gap), f1: 0, f2: 0, gap: true, start: position))
                position += gap
                continue
            }
            let length = Int(rng.uniform(0.12, 0.32) * rate)
            segments.append(Segment(
                end: min(n, position + length), f1: rng.uniform(450, 800), f2: rng.uniform(1100, 2300),
                gap: false, start: position))
            position += length
        }

        var phase = 0.0  // of the fundamental, in cycles
        var segmentIndex = 0
        for i in 0..<n {
            while segmentIndex < segments.count - 1, i >= segments[segmentIndex].end { segmentIndex += 1 }
            let segment = segments[segmentIndex]
            let t = Double(i) / rate
            let f0 = f0Base * (1 + 0.08 * table.sin(cycles: intonationRate * t + intonationPhase / 6.283) - 0.10 * t / duration)
            phase += f0 / rate
            if phase >= 1 { phase -= 1 }
            var envelope: Double
            if segment.gap {
                envelope = 0.03
            } else {
                let x = Double(i - segment.start) / Double(max(segment.end - segment.start, 1))
                // Raised sine per syllable, never below 0.2 inside a word.
                envelope = 0.2 + 0.8 * table.sin(cycles: x * 0.5)
            }
            if Double(i) < attack { envelope *= Double(i) / attack }
            if Double(n - i) < release { envelope *= Double(n - i) / release }
            var value = table.sin(cycles: phase) + 0.7 * table.sin(cycles: 2 * phase)
            if !segment.gap {
                let h1 = max(3, (segment.f1 / f0).rounded())
                let h2 = max(h1 + 1, (segment.f2 / f0).rounded())
                value += 0.55 * table.sin(cycles: h1 * phase) + 0.3 * table.sin(cycles: h2 * phase)
            }
            let noise = Double(rng.below(201) - 100) / 100 * 0.04
            let sample = peak * envelope * (value / 2.55 + noise)
            out.append(Int16(max(-32_000, min(32_000, sample.rounded()))))
        }
    }
}

/// A 4096-entry sine table: fast, and the same on every platform.
private struct SineTable {
    private let values: [Double]

    init() {
        values = (0..<4096).map { Self.taylorSin(Double($0) / 4096) }
    }

    /// sin(2 pi x) by table lookup (x in cycles, any sign).
    func sin(cycles x: Double) -> Double {
        let fraction = x - x.rounded(.down)
        return values[Int(fraction * 4096) & 4095]
    }

    /// sin(2 pi x) for x in [0, 1) by a Taylor series after range reduction, so the table
    /// does not depend on the C library.
    private static func taylorSin(_ x: Double) -> Double {
        var angle = 2 * Double.pi * x
        if angle > .pi { angle -= 2 * .pi }
        if angle > .pi / 2 { angle = .pi - angle }
        if angle < -.pi / 2 { angle = -.pi - angle }
        let a2 = angle * angle
        var term = angle
        var sum = angle
        for k in 1...9 {
            term *= -a2 / Double((2 * k) * (2 * k + 1))
            sum += term
        }
        return sum
    }
}
