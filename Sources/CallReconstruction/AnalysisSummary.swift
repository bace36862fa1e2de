/// Counts for the summary line of a run.
public struct AnalysisSummary: Sendable, Hashable {
    public var inputs = 0
    /// Inputs that could not be opened or read at all.
    public var unreadableInputs = 0
    /// Their paths (an import skips them instead of reporting them a second time).
    public var unreadablePaths: [String] = []
    /// Frames read (copies of another file's frames not included).
    public var packets = 0
    /// Frames skipped because another input delivered the same frame (same timestamp and bytes).
    public var duplicateFrames = 0
    public var sipMessages = 0
    /// SIP messages of Call-IDs with no initial INVITE (REGISTER, OPTIONS, ...).
    public var sipMessagesWithoutCall = 0
    /// HEP datagrams read (proxies' mirrors of SIP messages; their SIP is in `sipMessages` too).
    public var hepMessages = 0
    public var calls = 0
    /// RTP packets, RTCP packets, streams tied to calls, and streams tied to none.
    public var rtpPackets = 0
    public var rtcpPackets = 0
    public var rtpStreams = 0
    public var orphanStreams = 0
    public var errors = 0
    public var warnings = 0

    public init() {}
}
