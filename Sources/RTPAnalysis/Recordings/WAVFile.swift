/// A call recording in a RIFF/WAVE file: mono or stereo, 16-bit PCM, A-law or mu-law, any rate.
///
/// Follows the Microsoft RIFF specification (Multimedia Programming Interface and Data
/// Specifications 1.0, 1991: chunks are a four-byte id, a little-endian 32-bit size and the data,
/// padded to an even length) and its WAVE form: `fmt ` with `WAVE_FORMAT_PCM` (1), `WAVE_FORMAT_ALAW`
/// (6), `WAVE_FORMAT_MULAW` (7) or `WAVE_FORMAT_EXTENSIBLE` (0xFFFE, whose `SubFormat` GUID carries
/// one of those tags in its first two bytes, KSDATAFORMAT_SUBTYPE_*). Other chunks (`LIST`, `fact`,
/// `cue `...) are skipped. Call recorders write stereo files with one party per channel.
///
/// The samples share the storage of the bytes given (no copy). A `data` chunk cut short by the end of
/// the file is read as far as it goes and reported in ``warnings``, like a truncated capture.
public struct WAVRecording: Sendable {
    /// 1 (mono) or 2 (stereo, interleaved).
    public let channels: Int
    /// Sample frames per second.
    public let sampleRate: Int
    /// Rates a call recording can have; anything else is refused before any buffer is sized by it.
    public static let supportedSampleRates = 4_000...192_000
    /// `.l16` here means 16-bit PCM little-endian, as RIFF stores it.
    public let encoding: AudioEncoding
    /// Whole sample frames (one sample per channel) available.
    public let frameCount: Int
    /// Problems that did not stop the reading (a truncated data chunk, a partial last frame).
    public let warnings: [WAVWarning]
    /// The samples of the whole frames, interleaved.
    private let samples: ArraySlice<UInt8>

    /// Length of the audio, nanoseconds (`frameCount / sampleRate`, floored).
    public var duration: Int64 {
        Int64(frameCount / sampleRate) * 1_000_000_000
            + Int64(frameCount % sampleRate) * 1_000_000_000 / Int64(sampleRate)
    }

    /// Parses a whole WAV file.
    /// - Throws: ``WAVError`` naming what is wrong and the byte offset where it was found.
    /// - Complexity: O(chunks); samples are not copied.
    public init(bytes: [UInt8]) throws(WAVError) {
        guard bytes.count >= 12, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WAVE".utf8)
        else { throw WAVError(.notRIFFWAVE, offset: 0) }

        var format: Format?
        var data: (start: Int, declared: Int, offset: Int)?
        var offset = 12
        var warnings: [WAVWarning] = []
        while format == nil || data == nil {
            let remaining = bytes.count - offset
            if remaining <= 0 { break }
            guard remaining >= 8 else {
                throw WAVError(.chunkHeaderTruncated(available: remaining), offset: offset)
            }
            let size = Int(Self.uint32(bytes, offset + 4))
            let body = offset + 8
            if Self.isChunk(bytes, offset, "fmt "), format == nil {
                guard size >= 16 else { throw WAVError(.fmtTooShort(size: size), offset: offset) }
                guard bytes.count - body >= size else {
                    throw WAVError(.fmtTruncated(available: bytes.count - body, declared: size), offset: offset)
                }
                format = try Format(bytes, body: body, size: size, chunkOffset: offset)
            } else if Self.isChunk(bytes, offset, "data"), data == nil {
                data = (body, size, offset)
            }
            // Chunks are padded to an even length (RIFF); the size itself excludes the pad byte.
            let (next, overflow) = body.addingReportingOverflow(size + (size & 1))
            if overflow { break }
            offset = next
        }
        guard let format else { throw WAVError(.fmtMissing, offset: min(offset, bytes.count)) }
        guard let data else { throw WAVError(.dataMissing, offset: min(offset, bytes.count)) }

        var available = min(data.declared, max(0, bytes.count - data.start))
        if available < data.declared {
            warnings.append(WAVWarning(.dataTruncated(available: available, declared: data.declared), offset: data.offset))
        }
        let frameSize = format.encoding.bytesPerSample * format.channels
        let partial = available % frameSize
        if partial != 0 {
            warnings.append(WAVWarning(.partialFrame(bytes: partial, frameSize: frameSize), offset: data.start + available - partial))
            available -= partial
        }
        self.channels = format.channels
        self.sampleRate = format.sampleRate
        self.encoding = format.encoding
        self.frameCount = available / frameSize
        self.samples = bytes[data.start..<(data.start + available)]
        self.warnings = warnings
    }

    /// One activity track per channel (index 0 = left), slots of `options.slotLength`, origin at the
    /// first sample. The energy of each slot comes from the sample frames it spans at the real rate.
    /// - Complexity: O(frameCount × channels).
    public func activityTracks(options: VoiceActivityOptions = .standard) -> [ActivityTrack] {
        let slot = options.slotLength
        let totalDuration = duration
        let slotCount = Int((totalDuration + slot - 1) / slot)
        let frameSize = encoding.bytesPerSample * channels
        let rate = Int64(sampleRate)
        var tracks = (0..<channels).map { _ in ActivityTrack(slotLength: slot, maximumLength: .max) }
        samples.withUnsafeBytes { raw in
            var firstFrame = 0
            for index in 0..<slotCount {
                let slotEnd = Int64(index + 1) * slot
                // First frame at or after the slot's end: ceil(slotEnd × rate / 1e9), without overflow.
                let seconds = slotEnd / 1_000_000_000
                let fraction = slotEnd % 1_000_000_000
                let endFrame = min(frameCount, Int(seconds * rate + (fraction * rate + 999_999_999) / 1_000_000_000))
                guard endFrame > firstFrame else { continue }
                let slice = UnsafeRawBufferPointer(rebasing: raw[(firstFrame * frameSize)..<(endFrame * frameSize)])
                let start = Int64(index) * slot
                let length = min(slot, totalDuration - start)
                for channel in 0..<channels {
                    let (sum, count) = encoding.sumOfSquares(slice, channel: channel, channels: channels, littleEndian: true)
                    tracks[channel].addAudio(at: start, duration: max(1, length), sumOfSquares: Double(sum), samples: count)
                }
                firstFrame = endFrame
            }
        }
        return tracks
    }

    private struct Format {
        var channels: Int
        var sampleRate: Int
        var encoding: AudioEncoding

        init(_ bytes: [UInt8], body: Int, size: Int, chunkOffset: Int) throws(WAVError) {
            var tag = Int(WAVRecording.uint16(bytes, body))
            let channels = Int(WAVRecording.uint16(bytes, body + 2))
            let sampleRate = Int(WAVRecording.uint32(bytes, body + 4))
            let blockAlign = Int(WAVRecording.uint16(bytes, body + 12))
            let bits = Int(WAVRecording.uint16(bytes, body + 14))
            if tag == 0xFFFE {
                // WAVEFORMATEXTENSIBLE: cbSize (2), valid bits (2), channel mask (4), SubFormat GUID (16).
                guard size >= 40 else { throw WAVError(.fmtTooShort(size: size), offset: chunkOffset) }
                let guid = body + 24
                let suffix: [UInt8] = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]
                guard bytes[(guid + 2)..<(guid + 16)].elementsEqual(suffix) else {
                    throw WAVError(.unsupportedSubFormat, offset: guid)
                }
                tag = Int(WAVRecording.uint16(bytes, guid))
            }
            let encoding: AudioEncoding
            let expectedBits: Int
            switch tag {
            case 1: (encoding, expectedBits) = (.l16, 16)
            case 6: (encoding, expectedBits) = (.pcma, 8)
            case 7: (encoding, expectedBits) = (.pcmu, 8)
            default: throw WAVError(.unsupportedFormatTag(tag), offset: body)
            }
            guard bits == expectedBits else {
                throw WAVError(.unsupportedBitsPerSample(tag: tag, bits: bits), offset: body + 14)
            }
            guard channels == 1 || channels == 2 else {
                throw WAVError(.unsupportedChannelCount(channels), offset: body + 2)
            }
            // Voice-activity slots are sized by the rate: a 1 Hz header would make a 2 MB file
            // allocate gigabytes. No telephone or recorder writes outside 4-192 kHz.
            guard WAVRecording.supportedSampleRates.contains(sampleRate) else {
                throw WAVError(.invalidSampleRate(sampleRate), offset: body + 4)
            }
            guard blockAlign == channels * encoding.bytesPerSample else {
                throw WAVError(.blockAlignMismatch(blockAlign, expected: channels * encoding.bytesPerSample), offset: body + 12)
            }
            self.channels = channels
            self.sampleRate = sampleRate
            self.encoding = encoding
        }
    }

    private static func isChunk(_ bytes: [UInt8], _ offset: Int, _ id: StaticString) -> Bool {
        id.withUTF8Buffer { bytes[offset..<(offset + 4)].elementsEqual($0) }
    }

    fileprivate static func uint16(_ bytes: [UInt8], _ offset: Int) -> UInt16 {
        UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    fileprivate static func uint32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
            | UInt32(bytes[offset + 3]) << 24
    }
}

/// Why a WAV file cannot be read, and the byte offset where the problem was found.
///
/// Like swift-nio's public errors it is a struct around a private enum, so new kinds can be added
/// without breaking callers; ``code`` says which kind it is, ``description`` says it to people,
/// e.g. `unsupported format tag 85 (MP3); PCM16, A-law and mu-law are supported (byte 20)`.
public struct WAVError: Error, Sendable, Hashable, CustomStringConvertible {
    fileprivate enum Kind: Hashable, Sendable {
        case notRIFFWAVE
        case chunkHeaderTruncated(available: Int)
        case fmtMissing
        case fmtTooShort(size: Int)
        case fmtTruncated(available: Int, declared: Int)
        case dataMissing
        case unsupportedFormatTag(Int)
        case unsupportedSubFormat
        case unsupportedBitsPerSample(tag: Int, bits: Int)
        case unsupportedChannelCount(Int)
        case invalidSampleRate(Int)
        case blockAlignMismatch(Int, expected: Int)
    }

    /// Which kind of error, comparable without its details (`error.code == .fmtMissing`).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate let name: String
        public var description: String { name }

        public static let notRIFFWAVE = Code(name: "notRIFFWAVE")
        public static let chunkHeaderTruncated = Code(name: "chunkHeaderTruncated")
        public static let fmtMissing = Code(name: "fmtMissing")
        /// The fmt chunk is shorter than its format needs, or cut by the end of the file.
        public static let fmtTruncated = Code(name: "fmtTruncated")
        public static let dataMissing = Code(name: "dataMissing")
        public static let unsupportedFormat = Code(name: "unsupportedFormat")
        public static let unsupportedChannelCount = Code(name: "unsupportedChannelCount")
        /// A field contradicts the others (zero sample rate, wrong block alignment).
        public static let invalidFormat = Code(name: "invalidFormat")
    }

    private let kind: Kind
    /// Byte offset in the file where the problem was found (the chunk or the field).
    public let offset: Int

    fileprivate init(_ kind: Kind, offset: Int) {
        self.kind = kind
        self.offset = offset
    }

    /// The kind of error, without its details.
    public var code: Code {
        switch kind {
        case .notRIFFWAVE: .notRIFFWAVE
        case .chunkHeaderTruncated: .chunkHeaderTruncated
        case .fmtMissing: .fmtMissing
        case .fmtTooShort, .fmtTruncated: .fmtTruncated
        case .dataMissing: .dataMissing
        case .unsupportedFormatTag, .unsupportedSubFormat, .unsupportedBitsPerSample: .unsupportedFormat
        case .unsupportedChannelCount: .unsupportedChannelCount
        case .invalidSampleRate, .blockAlignMismatch: .invalidFormat
        }
    }

    public var description: String {
        let message: String
        switch kind {
        case .notRIFFWAVE:
            message = "not a RIFF/WAVE file"
        case .chunkHeaderTruncated(let available):
            message = "chunk header truncated: \(available) of 8 bytes"
        case .fmtMissing:
            message = "fmt chunk missing"
        case .fmtTooShort(let size):
            message = "fmt chunk too short: \(size) bytes"
        case .fmtTruncated(let available, let declared):
            message = "fmt chunk truncated: \(available) of \(declared) bytes"
        case .dataMissing:
            message = "data chunk missing"
        case .unsupportedFormatTag(let tag):
            let name = Self.formatNames[tag].map { " (\($0))" } ?? ""
            message = "unsupported format tag \(tag)\(name); PCM16, A-law and mu-law are supported"
        case .unsupportedSubFormat:
            message = "unsupported WAVE_FORMAT_EXTENSIBLE sub-format; PCM16, A-law and mu-law are supported"
        case .unsupportedBitsPerSample(let tag, let bits):
            message = tag == 1
                ? "unsupported PCM sample size \(bits) bits; only 16-bit PCM is supported"
                : "\(bits) bits per sample for format tag \(tag); G.711 has 8"
        case .unsupportedChannelCount(let channels):
            message = "\(channels) channels; mono and stereo are supported"
        case .invalidSampleRate(let rate):
            message = "sample rate \(rate) Hz; a call recording has \(WAVRecording.supportedSampleRates.lowerBound) to \(WAVRecording.supportedSampleRates.upperBound) Hz"
        case .blockAlignMismatch(let blockAlign, let expected):
            message = "block align \(blockAlign) where the format needs \(expected)"
        }
        return "\(message) (byte \(offset))"
    }

    /// Names of the format tags most often met instead (RFC 2361 Appendix A).
    private static let formatNames: [Int: String] = [
        2: "Microsoft ADPCM", 3: "IEEE float", 0x11: "IMA ADPCM", 0x31: "GSM 6.10",
        0x40: "G.721 ADPCM", 0x50: "MPEG", 0x55: "MP3", 0x64: "G.726 ADPCM", 0x65: "G.722 ADPCM",
    ]
}

/// A problem met while reading a WAV file that did not stop the reading.
public struct WAVWarning: Sendable, Hashable, CustomStringConvertible {
    fileprivate enum Kind: Hashable, Sendable {
        case dataTruncated(available: Int, declared: Int)
        case partialFrame(bytes: Int, frameSize: Int)
    }

    private let kind: Kind
    /// Byte offset of the chunk or bytes concerned.
    public let offset: Int

    fileprivate init(_ kind: Kind, offset: Int) {
        self.kind = kind
        self.offset = offset
    }

    /// `true` when the data chunk declares more bytes than the file holds.
    public var isTruncatedData: Bool {
        if case .dataTruncated = kind { return true }
        return false
    }

    public var description: String {
        switch kind {
        case .dataTruncated(let available, let declared):
            "data chunk truncated: \(available) of \(declared) bytes (byte \(offset))"
        case .partialFrame(let bytes, let frameSize):
            "last sample frame incomplete: \(bytes) of \(frameSize) bytes ignored (byte \(offset))"
        }
    }
}
