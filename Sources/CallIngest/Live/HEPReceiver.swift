#if canImport(Glibc)
import Glibc
#endif
import PacketDecoding

/// A HEP collector's UDP socket (Homer's port 9060 by convention): each datagram a proxy sends
/// (Kamailio's siptrace, OpenSIPS, FreeSWITCH, heplify) is handed on as a UDP packet from the
/// sender to the listening address, which the reconstruction reads as HEP.
public final class HEPReceiver {
    /// `127.0.0.1:9060`, `[::1]:9060`: what was asked for.
    public let address: String
    /// A descriptor that becomes readable when datagrams wait.
    public let descriptor: Int32
    public private(set) var datagramsRead = 0
    private let local: Endpoint
    private var buffer = [UInt8](repeating: 0, count: 65_536)

    /// Binds a UDP socket to `address` (`HOST:PORT`, an IPv6 host in brackets).
    public init(address: String) throws(HEPReceiverError) {
        guard let (host, port) = Self.split(address) else { throw HEPReceiverError(address: address, reason: "not HOST:PORT") }
        guard let ip = IPAddress(host) else { throw HEPReceiverError(address: address, reason: "'\(host)' is not an IP address") }
        let fd: Int32
        var status: Int32
        switch ip {
        case .v4(let value):
            fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw HEPReceiverError(address: address, reason: String(cString: strerror(errno))) }
            var sa = sockaddr_in()
            sa.sin_family = sa_family_t(AF_INET)
            sa.sin_port = port.bigEndian
            sa.sin_addr.s_addr = value.bigEndian
            status = withUnsafePointer(to: &sa) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        case .v6(let high, let low):
            fd = socket(AF_INET6, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw HEPReceiverError(address: address, reason: String(cString: strerror(errno))) }
            var sa = sockaddr_in6()
            sa.sin6_family = sa_family_t(AF_INET6)
            sa.sin6_port = port.bigEndian
            withUnsafeMutableBytes(of: &sa.sin6_addr) { raw in
                for i in 0..<8 {
                    raw[i] = UInt8(truncatingIfNeeded: high >> UInt64(56 - 8 * i))
                    raw[i + 8] = UInt8(truncatingIfNeeded: low >> UInt64(56 - 8 * i))
                }
            }
            status = withUnsafePointer(to: &sa) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } }
        }
        guard status == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw HEPReceiverError(address: address, reason: "cannot listen: \(reason)")
        }
        var size: Int32 = 8 << 20
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        self.address = address
        self.descriptor = fd
        self.local = Endpoint(address: ip, port: port)
    }

    deinit { close(descriptor) }

    /// Hands every datagram waiting now to `body` as a UDP packet (its payload valid during the
    /// call only); returns how many.
    @discardableResult
    public func drain(_ body: (TransportPacket) -> Void) -> Int {
        var count = 0
        while count < 10_000 {
            var from = sockaddr_storage()
            var fromLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let received = buffer.withUnsafeMutableBytes { raw in
                withUnsafeMutablePointer(to: &from) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(descriptor, raw.baseAddress, raw.count, 0, $0, &fromLength) }
                }
            }
            guard received >= 0 else { break }  // EAGAIN: nothing more now
            count += 1
            datagramsRead += 1
            let flow = FlowKey(source: Self.endpoint(from), destination: local, transport: .udp)
            buffer.withUnsafeBytes { raw in
                body(TransportPacket(flow: flow, payload: UnsafeRawBufferPointer(rebasing: raw[0..<received])))
            }
        }
        return count
    }

    static func endpoint(_ storage: sockaddr_storage) -> Endpoint {
        let family = Int32(storage.ss_family)
        return withUnsafeBytes(of: storage) { raw -> Endpoint in
            if family == AF_INET6 {
                let port = UInt16(raw[2]) << 8 | UInt16(raw[3])
                var high: UInt64 = 0, low: UInt64 = 0
                for i in 0..<8 { high = high << 8 | UInt64(raw[8 + i]); low = low << 8 | UInt64(raw[16 + i]) }
                return Endpoint(address: .v6(high, low), port: port)
            }
            let port = UInt16(raw[2]) << 8 | UInt16(raw[3])
            let value = UInt32(raw[4]) << 24 | UInt32(raw[5]) << 16 | UInt32(raw[6]) << 8 | UInt32(raw[7])
            return Endpoint(address: .v4(value), port: port)
        }
    }

    /// `127.0.0.1:9060` -> ("127.0.0.1", 9060); `[::1]:9060` -> ("::1", 9060).
    static func split(_ address: String) -> (String, UInt16)? {
        guard let colon = address.lastIndex(of: ":"), let port = UInt16(address[address.index(after: colon)...]), port > 0 else { return nil }
        var host = String(address[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host.isEmpty ? nil : (host, port)
    }
}

/// A HEP listening address that cannot be used: `0.0.0.0:80: cannot listen: Permission denied`.
public struct HEPReceiverError: Error, Sendable, Hashable, CustomStringConvertible {
    public let address: String
    public let reason: String
    public var description: String { "\(address): \(reason)" }
}
