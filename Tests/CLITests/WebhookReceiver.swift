import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A small HTTP/1.1 receiver on 127.0.0.1 for the webhook tests: it accepts connections on its
/// own thread, reads each request (headers, then `Content-Length` bytes of body), keeps the
/// POSTed bodies, and answers `status` (200 unless told) with `Connection: close`.
final class WebhookReceiver: @unchecked Sendable {
    struct Request { var method: String; var path: String; var headers: [String: String]; var body: Data; var status: Int }

    let port: UInt16
    private let listener: Int32
    private let lock = NSLock()
    private var taken: [Request] = []
    private var statuses: [Int]

    /// Listens on 127.0.0.1:`port`; the first requests are answered with `statuses` in turn, the
    /// rest with 200.
    init(port: UInt16, statuses: [Int] = []) throws {
        self.port = port
        self.statuses = statuses
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        let bound = Loopback.withAddress(port: port) { bind(listener, $0, $1) }
        guard bound == 0, listen(listener, 16) == 0 else {
            close(listener)
            throw NotStarted(description: "cannot listen on 127.0.0.1:\(port): errno \(errno)")
        }
        let thread = Thread { [self] in accepting() }
        thread.start()
    }

    /// Stops listening (connections refused from here on).
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    var requests: [Request] { lock.lock(); defer { lock.unlock() }; return taken }

    /// The bodies taken (answered 200) so far, as JSON objects.
    var bodies: [[String: Any]] {
        requests.filter { $0.status == 200 }.compactMap { (try? JSONSerialization.jsonObject(with: $0.body)) as? [String: Any] }
    }

    /// Waits until `count` requests arrived (at most `seconds`).
    func waitFor(_ count: Int, seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds)
        while requests.count < count, Date() < deadline { usleep(20_000) }
    }

    private func accepting() {
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else {
                if errno == EINTR { continue }
                return
            }
            serve(connection)
            close(connection)
        }
    }

    private func serve(_ connection: Int32) {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        var headerEnd: Int?
        var length = 0
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        while true {
            if let end = headerEnd, bytes.count >= end + length { break }
            let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return }
            bytes += buffer[0..<count]
            if headerEnd == nil, let found = Self.find([0x0D, 0x0A, 0x0D, 0x0A], in: bytes) {
                headerEnd = found + 4
                let head = String(decoding: bytes[0..<found], as: UTF8.self)
                for line in head.split(separator: "\r\n").dropFirst() {
                    let parts = line.split(separator: ":", maxSplits: 1)
                    if parts.count == 2, parts[0].lowercased() == "content-length" { length = Int(parts[1].trimmingCharacters(in: .whitespaces)) ?? 0 }
                }
            }
        }
        guard let end = headerEnd else { return }
        let head = String(decoding: bytes[0..<(end - 4)], as: UTF8.self).split(separator: "\r\n")
        let requestLine = head.first?.split(separator: " ") ?? []
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 { headers[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        lock.lock()
        let status = statuses.isEmpty ? 200 : statuses.removeFirst()
        taken.append(Request(method: requestLine.first.map(String.init) ?? "", path: requestLine.dropFirst().first.map(String.init) ?? "",
                             headers: headers, body: Data(bytes[end..<(end + length)]), status: status))
        lock.unlock()
        let response = Array("HTTP/1.1 \(status) \(status == 200 ? "OK" : "Unavailable")\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)
        _ = response.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, 0) }
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        for index in 0...(bytes.count - needle.count) where bytes[index..<(index + needle.count)].elementsEqual(needle) { return index }
        return nil
    }
}
