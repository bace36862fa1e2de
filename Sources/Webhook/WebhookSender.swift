import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Control events POSTed to a URL as they are raised (`watch --webhook`), one JSON object a
/// request (`Content-Type: application/json`, RFC 9110 §9.3.3), in the order they were raised.
///
/// The capture never waits for the receiver: ``send(_:)`` only queues the body (a bounded
/// queue, `Policy.capacity`; a body that finds it full is dropped and counted) and one
/// delivery thread of its own POSTs the queue's head. A POST that fails (refused, timed out,
/// a 5xx, 408 or 429) is tried again after a delay that doubles from `firstDelay` up to
/// `maxDelay`, `attempts` times in all, then the body is given up and counted; other 4xx
/// statuses are not retried (the receiver refuses it). Order is kept: later bodies wait behind
/// the head while it is retried, so a receiver down for a while gets everything once it is up,
/// as long as the queue holds it. ``stop()`` goes on delivering for `drainAtStop` at most and
/// returns the counts.
public final class WebhookSender: @unchecked Sendable {
    /// How many bodies are held and how hard each is tried.
    public struct Policy: Sendable {
        public var capacity = 1_000
        public var attempts = 8
        public var firstDelay = 0.25
        public var maxDelay = 8.0
        /// Seconds one POST may take (connection included).
        public var timeout: Int64 = 5
        /// Seconds ``stop()`` keeps delivering what is queued.
        public var drainAtStop = 5.0

        public init() {}
    }

    /// What became of the bodies handed to ``send(_:)``.
    public struct Counts: Sendable, Equatable {
        /// Received with a 2xx status.
        public var delivered = 0
        /// Failed POSTs that were tried again.
        public var retries = 0
        /// Given up after every attempt, or refused with a 4xx.
        public var failed = 0
        /// Not queued: the queue was full.
        public var dropped = 0
        /// Still queued when ``stop()`` gave up waiting.
        public var undelivered = 0
        /// Why the latest POST failed, when one did.
        public var lastFailure: String?

        /// Bodies that never reached the receiver.
        public var lost: Int { failed + dropped + undelivered }
    }

    public let url: String
    private let policy: Policy
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var queue: [[UInt8]] = []
    private var head = 0
    private var counts = Counts()
    private var stopDeadline: Date?
    private var finished = false

    /// Checks `url` (http or https with a host) and starts the delivery thread.
    public init(url: String, policy: Policy = Policy()) throws(WebhookError) {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = parsed.host, !host.isEmpty else {
            throw WebhookError(url: url, reason: "not an http:// or https:// URL with a host")
        }
        self.url = url
        self.policy = policy
        let thread = Thread { [self] in deliver() }
        thread.name = "callscope-webhook"
        thread.start()
    }

    /// Queues one JSON body; never blocks. False when the queue is full (the body is dropped
    /// and counted) or the sender is stopping.
    @discardableResult
    public func send(_ body: [UInt8]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard stopDeadline == nil else { return false }
        guard queue.count - head < policy.capacity else {
            counts.dropped += 1
            return false
        }
        queue.append(body)
        condition.signal()
        return true
    }

    /// The counts so far.
    public var snapshot: Counts {
        condition.lock()
        defer { condition.unlock() }
        return counts
    }

    /// Delivers what is queued for `drainAtStop` seconds at most (a POST under way may take its
    /// timeout more), then stops; what is left is counted as undelivered.
    public func stop() -> Counts {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date().addingTimeInterval(policy.drainAtStop)
        stopDeadline = deadline
        condition.broadcast()
        let limit = deadline.addingTimeInterval(Double(policy.timeout) + 0.5)
        while !finished, Date() < limit { _ = condition.wait(until: limit) }
        finished = true
        counts.undelivered = queue.count - head
        return counts
    }

    private func deliver() {
        condition.lock()
        while true {
            while head == queue.count, stopDeadline == nil { condition.wait() }
            if head == queue.count || finished || stopDeadline.map({ Date() >= $0 }) == true { break }
            let body = queue[head]
            condition.unlock()
            let failure = attemptAll(body)
            condition.lock()
            if finished { break }
            if failure == .abandoned { break }
            switch failure {
            case .none: counts.delivered += 1
            case .some: counts.failed += 1
            }
            queue[head] = []
            head += 1
            // Compacted once the delivered part is the larger half, so memory follows the queue.
            if head > 64, head * 2 > queue.count {
                queue.removeFirst(head)
                head = 0
            }
        }
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    private enum Failure: Error { case gaveUp, refused, abandoned }

    /// POSTs `body` until it is received, refused, or every attempt failed; `.abandoned` when the
    /// stop's deadline came first (the body stays queued and is counted as undelivered).
    private func attemptAll(_ body: [UInt8]) -> Failure? {
        var delay = policy.firstDelay
        for attempt in 1...max(1, policy.attempts) {
            let outcome = post(body)
            switch outcome {
            case .success: return nil
            case .failure(let reason, let retry):
                condition.lock()
                counts.lastFailure = reason
                let deadline = stopDeadline
                guard retry else { condition.unlock(); return .refused }
                guard attempt < policy.attempts else { condition.unlock(); return .gaveUp }
                counts.retries += 1
                let wake = Date().addingTimeInterval(delay)
                if let deadline, wake >= deadline { condition.unlock(); return .abandoned }
                // Waits out the delay; a stop does not cut it short (the drain goes on trying).
                while Date() < wake, !finished { _ = condition.wait(until: wake) }
                let over = finished
                condition.unlock()
                if over { return .abandoned }
                delay = min(policy.maxDelay, delay * 2)
            }
        }
        return .gaveUp
    }

    private enum Outcome { case success, failure(String, retry: Bool) }

    private func post(_ body: [UInt8]) -> Outcome {
        do {
            var request = try HTTPClient.Request(url: url, method: .POST, body: .bytes(body))
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "callscope-watch")
            let response = try HTTPClient.shared.execute(request: request, deadline: .now() + .seconds(policy.timeout)).wait()
            let code = Int(response.status.code)
            if (200..<300).contains(code) { return .success }
            // 408 and 429 say "later"; other client errors say this body will never be taken.
            let retry = code >= 500 || code == 408 || code == 429
            return .failure("HTTP \(code)", retry: retry)
        } catch {
            return .failure(Self.reason(error), retry: true)
        }
    }

    /// A short reason for a transport error (AsyncHTTPClient's and NIO's error names).
    static func reason(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        if text.contains("Timeout") || text.contains("timeout") || text.contains("deadlineExceeded") { return "timed out" }
        if text.contains("remoteConnectionClosed") || text.contains("reset") { return "connection closed by the receiver" }
        return text.count > 120 ? String(text.prefix(120)) : text
    }
}

/// A webhook URL that cannot be used.
public struct WebhookError: Error, Sendable, CustomStringConvertible {
    public let url: String
    public let reason: String

    public var description: String { "--webhook '\(url)': \(reason)" }
}
