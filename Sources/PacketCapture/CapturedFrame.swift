/// One record of a capture file, borrowed from libpcap's buffer.
///
/// Why borrowed: copying every frame would cost an allocation per packet, and the
/// decoders only need to look at the bytes once (libpcap `pcap_next_ex` semantics,
/// see pcap_next_ex(3PCAP)). Copy what must outlive the frame.
///
/// - Important: `data` is valid only until the next call to `next()` on the
///   ``CaptureFile`` (or ``MergedCapture``) that returned the frame. Do not store it.
public struct CapturedFrame {
    /// The captured bytes (`capturedLength` of them), starting at the link-layer header.
    /// Valid only until the next `next()` call on the reader that returned this frame.
    public let data: UnsafeRawBufferPointer
    /// Nanoseconds since the Unix epoch (UTC).
    public let timestamp: Int64
    /// Bytes present in the file for this frame (may be less than `originalLength` when a snaplen was used).
    public let capturedLength: Int
    /// Length of the frame on the wire.
    public let originalLength: Int
    /// The file's link-layer header type (a tcpdump.org `LINKTYPE_` value).
    public let linkType: Int32
    /// Which file the frame came from: ``CaptureFile/fileIndex``.
    public let fileIndex: Int
    /// 1-based position of the frame within its file.
    public let frameNumber: Int

    /// `true` when the frame was cut by the capture's snapshot length.
    public var isTruncated: Bool { capturedLength < originalLength }

    public init(
        data: UnsafeRawBufferPointer, timestamp: Int64, capturedLength: Int, originalLength: Int,
        linkType: Int32, fileIndex: Int, frameNumber: Int
    ) {
        self.data = data
        self.timestamp = timestamp
        self.capturedLength = capturedLength
        self.originalLength = originalLength
        self.linkType = linkType
        self.fileIndex = fileIndex
        self.frameNumber = frameNumber
    }
}
