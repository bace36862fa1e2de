#if canImport(Glibc)
import Glibc
#endif
import PacketDecoding

/// A HEP collector's sockets (Homer's port 9060 by convention): UDP datagrams, and TCP
/// connections carrying HEPv3 messages one after another, on the same address and port, as
/// Kamailio's siptrace (`;transport=tcp`), OpenSIPS, FreeSWITCH and heplify send them. Each
/// message is handed on as one datagram from the sender to the listening address, which the
/// reconstruction reads as HEP.
public final class HEPReceiver {
    /// `127.0.0.1:9060`, `[::1]:9060`: what was asked for.
    public let address: String
    /// Descriptors that become readable when datagrams or connections wait.
    public let descriptors: [Int32]
    public private(set) var messagesRead = 0
    private let udp: Int32
    private let tcp: Int32
    private let local: Endpoint
    private var buffer = [UInt8](repeating: 0, count: 65_536)
    /// Open TCP connections: descriptor, peer, framer.
    private var connections: [(fd: Int32, peer: Endpoint, framer: HEPStreamFramer)] = []
    /// What went wrong on a connection (closed for it), for the caller to report.
    public private(set) var problems: [String] = []

    /// Binds a UDP socket and a listening TCP socket to `address` (`HOST:PORT`, an IPv6 host in brackets).
    public init(address: String) throws(HEPReceiverError) {
        guard let (host, port) = Self.split(address) else { throw HEPReceiverError(address: address, reason: "not HOST:PORT") }
        guard let ip = IPAddress(host) else { throw HEPReceiverError(address: address, reason: "'\(host)' is not an IP address") }
        let udp = try Self.boundSocket(ip, port, type: Int32(SOCK_DGRAM.rawValue), address: address)
        let tcp: Int32
        do {
            tcp = try Self.boundSocket(ip, port, type: Int32(SOCK_STREAM.rawValue), address: address)
        } catch {
            close(udp)
            throw error
        }
        guard listen(tcp, 16) == 0 else {
            let reason = String(cString: strerror(errno))
            close(udp); close(tcp)
            throw HEPReceiverError(address: address, reason: "cannot listen on TCP: \(reason)")
        }
        var size: Int32 = 8 << 20
        setsockopt(udp, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        self.address = address
        self.udp = udp
        self.tcp = tcp
        self.descriptors = [udp, tcp]
        self.local = Endpoint(address: ip, port: port)
    }

    deinit {
        close(udp)
        close(tcp)
        for connection in connections { close(connection.fd) }
    }

    /// Hands every message waiting now (datagrams, and whole messages of the TCP connections)
    /// to `body` as a datagram (its payload valid during the call only); returns how many.
    /// Connections are accepted here and read without blocking.
    @discardableResult
    public func drain(_ body: (TransportPacket) -> Void) -> Int {
        var count = 0
        while count < 10_000 {
            var from = sockaddr_storage()
            var fromLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let received = buffer.withUnsafeMutableBytes { raw in
                withUnsafeMutablePointer(to: &from) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(udp, raw.baseAddress, raw.count, 0, $0, &fromLength) }
                }
            }
            guard received >= 0 else { break }  // EAGAIN: nothing more now
            count += 1
            let flow = FlowKey(source: Self.endpoint(from), destination: local, transport: .udp)
            buffer.withUnsafeBytes { raw in
                body(TransportPacket(flow: flow, payload: UnsafeRawBufferPointer(rebasing: raw[0..<received])))
            }
        }
        acceptConnections()
        var index = 0
        while index < connections.count {
            let local = local
            let open = read(connection: index) { peer, message in
                count += 1
                body(TransportPacket(flow: FlowKey(source: peer, destination: local, transport: .udp), payload: message))
            }
            if open { index += 1 } else { close(connections[index].fd); connections.remove(at: index) }
        }
        messagesRead += count
        return count
    }

    /// Takes the problems met since the last call.
    public func takeProblems() -> [String] {
        defer { problems.removeAll() }
        return problems
    }

    private func acceptConnections() {
        while connections.count < 256 {
            var from = sockaddr_storage()
            var fromLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let fd = withUnsafeMutablePointer(to: &from) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { accept(tcp, $0, &fromLength) }
            }
            guard fd >= 0 else { return }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            connections.append((fd, Self.endpoint(from), HEPStreamFramer()))
        }
    }

    /// Reads what connection `index` has and hands on its whole messages; false when it closed.
    private func read(connection index: Int, _ body: (Endpoint, UnsafeRawBufferPointer) -> Void) -> Bool {
        let fd = connections[index].fd, peer = connections[index].peer
        var framer = connections[index].framer
        defer { connections[index].framer = framer }
        var open = true
        for _ in 0..<64 {
            let received = buffer.withUnsafeMutableBytes { raw in recv(fd, raw.baseAddress, raw.count, 0) }
            if received == 0 { open = false; break }
            if received < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { break }
                open = false
                break
            }
            let kept = buffer.withUnsafeBytes { raw in framer.append(UnsafeRawBufferPointer(rebasing: raw[0..<received])) }
            if !kept {
                problems.append("HEP over TCP from \(peer): more than 1 MiB without a whole HEP3 message, connection closed")
                return false
            }
            framer.drain { body(peer, $0) }
        }
        if !open, framer.skippedBytes > 0 || framer.bufferedByteCount > 0 {
            problems.append("HEP over TCP from \(peer): \(framer.skippedBytes) bytes that were not HEP3 messages skipped, \(framer.bufferedByteCount) bytes of an unfinished message at the close")
        }
        return open
    }

    private static func boundSocket(_ ip: IPAddress, _ port: UInt16, type: Int32, address: String) throws(HEPReceiverError) -> Int32 {
        let flags = Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let fd: Int32
        let status: Int32
        switch ip {
        case .v4(let value):
            fd = socket(AF_INET, type | flags, 0)
            guard fd >= 0 else { throw HEPReceiverError(address: address, reason: String(cString: strerror(errno))) }
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            var sa = sockaddr_in()
            sa.sin_family = sa_family_t(AF_INET)
            sa.sin_port = port.bigEndian
            sa.sin_addr.s_addr = value.bigEndian
            status = withUnsafePointer(to: &sa) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        case .v6(let high, let low):
            fd = socket(AF_INET6, type | flags, 0)
            guard fd >= 0 else { throw HEPReceiverError(address: address, reason: String(cString: strerror(errno))) }
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
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
        return fd
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
