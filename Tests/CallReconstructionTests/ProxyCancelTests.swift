import CallModel
import Testing
@testable import CallReconstruction
import TestSupport

/// Calls through a stateful proxy captured on both of its sides (captures/reconcile/kamailio.pcap:
/// SIPp -> Kamailio -> SIPp on 127.0.0.1).
@Suite struct ProxyCancelTests {
    /// tshark on the capture, call `timeout-1-...`: the callee rings; 4 s later Kamailio's INVITE
    /// timer fires: it sends the caller 408 Request Timeout, then CANCELs its own branch (its own
    /// Via branch, RFC 3261 §16.8) and the callee answers 487. The caller never cancelled and its
    /// final came first: no_answer, ended by the callee side. In `cancel-1-...` the caller's
    /// CANCEL (on its own branch) comes first: abandoned.
    @Test func proxyTimeoutIsNotTheCallersCancel() throws {
        let result = Fixtures.analyze([TestPaths.capture("reconcile/kamailio.pcap")])
        #expect(result.calls.count == 12)
        let timeout = try #require(result.calls.first { $0.callID.hasPrefix("timeout-") })
        #expect(timeout.outcome == .noAnswer)
        #expect(timeout.finalStatus == 408)
        #expect(timeout.endedBy == .callee)
        let ring = try #require(timeout.ringTime?.nanoseconds)
        #expect(ring > 4_000_000_000 && ring < 4_500_000_000)  // fr_inv_timer 4 s
        let cancelled = try #require(result.calls.first { $0.callID.hasPrefix("cancel-") })
        #expect(cancelled.outcome == .abandoned && cancelled.finalStatus == 487 && cancelled.endedBy == .caller)
    }
}
