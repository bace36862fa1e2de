import RTPAnalysis

/// Choices that change how SIP messages become calls. The CLI sets the caller and dialled
/// orders, the media analysis and `--jobs`; the linger time has no flag (RFC 3261 Timer B).
public struct ReconstructionOptions: Sendable, Hashable {
    /// Where the calling number comes from, tried in order.
    public enum CallerSource: String, Sendable, Hashable, CaseIterable {
        /// `P-Asserted-Identity` (RFC 3325).
        case pai
        /// `Remote-Party-ID` (draft-ietf-sip-privacy-04).
        case rpid
        /// `From` (RFC 3261 §20.20).
        case from
    }

    /// Where the dialled (tracking) number comes from, tried in order.
    public enum DialedSource: String, Sendable, Hashable, CaseIterable {
        /// Request-URI user of the initial INVITE (RFC 3261 §8.1.1.1).
        case ruri
        /// `To` user (RFC 3261 §20.39).
        case to
    }

    public var callerOrder: [CallerSource]
    public var dialedOrder: [DialedSource]
    /// How long an ended call is kept to absorb late retransmissions before it is final
    /// (64*T1 = 32 s, RFC 3261 §17.1.1.2 Timer B).
    public var lingerNanoseconds: Int64
    /// What is done with the RTP of the calls.
    public var media: MediaAnalysisOptions
    /// Threads reading and decoding input files at once (`--jobs`); 1 reads them in one thread.
    public var jobs: Int

    public init(
        callerOrder: [CallerSource] = [.pai, .rpid, .from],
        dialedOrder: [DialedSource] = [.ruri, .to],
        lingerNanoseconds: Int64 = 32_000_000_000,
        media: MediaAnalysisOptions = .init(),
        jobs: Int = 1
    ) {
        self.jobs = jobs
        self.callerOrder = callerOrder
        self.dialedOrder = dialedOrder
        self.lingerNanoseconds = lingerNanoseconds
        self.media = media
    }
}

/// How far RTP is analysed: streams are always tied to calls and measured (loss, jitter, MOS);
/// with `voiceActivity` set, G.711 and L16 audio is also decoded and each side's speech found.
public struct MediaAnalysisOptions: Sendable, Hashable {
    /// Voice activity detection settings; nil skips decoding (faster).
    public var voiceActivity: VoiceActivityOptions?

    public init(voiceActivity: VoiceActivityOptions? = nil) {
        self.voiceActivity = voiceActivity
    }
}
