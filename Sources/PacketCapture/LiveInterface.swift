import CPcap

/// A network interface captured live through libpcap (`pcap_create`, immediate mode, a BPF
/// filter, non-blocking reads), as tcpdump opens one. `any` is every interface on Linux.
///
/// Why non-blocking with a selectable descriptor: one thread serves several interfaces and a
/// HEP socket with `poll`, and frames are handed on the moment they arrive (immediate mode)
/// rather than when a kernel buffer fills.
public final class LiveInterface {
    /// The interface name as given (`eth0`, `any`).
    public let name: String
    /// The link-layer header type (`pcap_datalink`).
    public let linkType: Int32
    /// A descriptor that becomes readable when frames wait (`pcap_get_selectable_fd`).
    public let selectableDescriptor: Int32
    /// Frames delivered so far.
    public private(set) var framesRead = 0
    private let handle: OpaquePointer

    /// Opens and activates `name`, capturing `snapshotLength` bytes of each frame into a kernel
    /// buffer of `bufferSize` bytes, keeping only what `filter` (BPF, tcpdump syntax) accepts.
    public init(name: String, filter: String?, snapshotLength: Int32 = 65_535, bufferSize: Int32 = 16 << 20) throws(LiveCaptureError) {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard let created = pcap_create(name, &errorBuffer) else {
            throw LiveCaptureError(interface: name, reason: Self.text(errorBuffer))
        }
        func fail(_ what: String) -> LiveCaptureError {
            let reason = pcap_geterr(created).map { String(cString: $0) } ?? what
            pcap_close(created)
            return LiveCaptureError(interface: name, reason: reason.isEmpty ? what : reason)
        }
        pcap_set_snaplen(created, snapshotLength)
        pcap_set_immediate_mode(created, 1)
        pcap_set_buffer_size(created, bufferSize)
        pcap_set_timeout(created, 100)
        let status = pcap_activate(created)
        if status < 0 {
            let reason: String
            switch status {
            case PCAP_ERROR_PERM_DENIED: reason = "permission denied (capturing needs root or CAP_NET_RAW)"
            case PCAP_ERROR_NO_SUCH_DEVICE: reason = "no such interface"
            default: reason = pcap_geterr(created).map { String(cString: $0) } ?? "cannot activate (\(status))"
            }
            pcap_close(created)
            throw LiveCaptureError(interface: name, reason: reason)
        }
        if let filter, !filter.isEmpty {
            var program = bpf_program()
            guard pcap_compile(created, &program, filter, 1, PCAP_NETMASK_UNKNOWN) == 0 else { throw fail("bad filter '\(filter)'") }
            defer { pcap_freecode(&program) }
            guard pcap_setfilter(created, &program) == 0 else { throw fail("cannot set the filter") }
        }
        guard pcap_setnonblock(created, 1, &errorBuffer) == 0 else { throw fail(Self.text(errorBuffer)) }
        let descriptor = pcap_get_selectable_fd(created)
        guard descriptor >= 0 else { throw fail("no selectable descriptor") }
        self.name = name
        self.handle = created
        self.linkType = pcap_datalink(created)
        self.selectableDescriptor = descriptor
    }

    deinit { pcap_close(handle) }

    /// libpcap's message in a NUL-terminated error buffer.
    private static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Hands every frame waiting now to `body` (its bytes valid during the call only), with its
    /// time in nanoseconds since the epoch; returns how many.
    @discardableResult
    public func drain(_ body: (UnsafeRawBufferPointer, Int64) -> Void) throws(LiveCaptureError) -> Int {
        var count = 0
        while count < 10_000 {
            var header: UnsafeMutablePointer<pcap_pkthdr>?
            var bytes: UnsafePointer<UInt8>?
            let status = pcap_next_ex(handle, &header, &bytes)
            guard status == 1, let header else {
                if status < 0 {
                    throw LiveCaptureError(interface: name, reason: pcap_geterr(handle).map { String(cString: $0) } ?? "read error \(status)")
                }
                break
            }
            framesRead += 1
            count += 1
            let pkthdr = header.pointee
            let data = UnsafeRawBufferPointer(start: bytes.map(UnsafeRawPointer.init), count: bytes == nil ? 0 : Int(pkthdr.caplen))
            body(data, CaptureFile.nanoseconds(seconds: Int64(pkthdr.ts.tv_sec), fraction: Int64(pkthdr.ts.tv_usec) * 1_000))
        }
        return count
    }

    /// The kernel's counts (`pcap_stats`): frames received by the filter and dropped for lack
    /// of buffer space, or nil when the platform does not say.
    public var statistics: (received: Int, dropped: Int, droppedByInterface: Int)? {
        var stats = pcap_stat()
        guard pcap_stats(handle, &stats) == 0 else { return nil }
        return (Int(stats.ps_recv), Int(stats.ps_drop), Int(stats.ps_ifdrop))
    }
}

/// A live interface that cannot be opened or read: `eth9: no such interface`.
public struct LiveCaptureError: Error, Sendable, Hashable, CustomStringConvertible {
    public let interface: String
    public let reason: String

    public init(interface: String, reason: String) {
        self.interface = interface
        self.reason = reason
    }

    public var description: String { "\(interface): \(reason)" }
}
