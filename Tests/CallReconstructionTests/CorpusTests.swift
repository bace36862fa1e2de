import CallIngest
import CallModel
import Foundation
import Testing
@testable import CallReconstruction
import TestSupport

/// Runs the capture analyzer the way the commands do.
enum Fixtures {
    /// Runs the analyzer, collecting diagnostics.
    static func analyze(_ paths: [String], options: ReconstructionOptions = .init()) -> (calls: [Call], summary: AnalysisSummary, diagnostics: [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        let (calls, summary) = CaptureAnalyzer(options: options).analyze(paths) { diagnostics.append($0) }
        return (calls, summary, diagnostics)
    }
}

/// One row of `shared/corpus/pcap/REFERENCE.tsv` (counts computed with tshark by the corpus authors).
struct ReferenceRow: Sendable, CustomTestStringConvertible {
    var file: String
    var frames: Int
    var sipMessages: Int
    var inviteDialogs: Int
    var answeredDialogs: Int
    var notes: String
    var testDescription: String { file }

    static func load() -> [ReferenceRow] {
        Corpus.reference(in: Corpus.pcap).compactMap { row in
            guard let file = row["file"], let frames = row["frames"].flatMap({ Int($0) }), let sip = row["sip_messages"].flatMap({ Int($0) }),
                  let invites = row["invite_dialogs"].flatMap({ Int($0) }), let answered = row["answered_dialogs"].flatMap({ Int($0) }) else { return nil }
            return ReferenceRow(file: file, frames: frames, sipMessages: sip, inviteDialogs: invites, answeredDialogs: answered, notes: row["notes"] ?? "")
        }
    }
}

@Suite struct PublicCorpusTests {
    /// Files where our SIP message count rightly differs from tshark's, and why.
    static let messageCountExceptions: [String: String] = [
        // tshark also counts the REGISTERs quoted inside three ICMP port-unreachable errors.
        "goffinet__private-test-sip.pcapng": "ICMP-quoted copies are not messages",
        // byte-fuzzed: messages whose Call-ID/CSeq were destroyed are reported as errors.
        "ndpi__fuzz-2006-06-26-2594.pcap": "fuzzed messages rejected",
    ]

    @Test func corpusIsPresent() {
        #expect(ReferenceRow.load().count == 49, "expected ../shared/corpus/pcap/REFERENCE.tsv beside the project")
    }

    @Test(arguments: ReferenceRow.load())
    func callCountsMatchTheReference(_ row: ReferenceRow) {
        let result = Fixtures.analyze([Corpus.pcapFile(row.file)])
        if row.notes.contains("file format netmon2") {
            // Microsoft NetMon 2.x: libpcap cannot open it; we say so and exit non-zero.
            #expect(result.summary.unreadableInputs == 1)
            #expect(result.diagnostics.map(\.message) == ["not a capture file libpcap can read (unknown file format)"])
            return
        }
        #expect(result.summary.unreadableInputs == 0)
        #expect(result.summary.packets == row.frames)
        #expect(result.calls.count == row.inviteDialogs)
        #expect(result.calls.filter { $0.outcome == .answered }.count == row.answeredDialogs)
        if Self.messageCountExceptions[row.file] == nil {
            #expect(result.summary.sipMessages == row.sipMessages)
        }
    }

    @Test func fuzzedFileIsReportedNotFatal() {
        let result = Fixtures.analyze([Corpus.pcapFile("ndpi__fuzz-2006-06-26-2594.pcap")])
        #expect(result.calls.count == 4)
        #expect(result.summary.errors == result.diagnostics.filter { $0.severity == .error }.count)
        #expect(result.summary.errors > 50)
        #expect(result.diagnostics.allSatisfy { $0.packet != nil })
        #expect(result.diagnostics.contains { $0.message == "malformed SIP message: no CSeq header" && $0.packet == 19 })
    }

    @Test func forkedInviteKeepsTheRingingBranchAsDetail() throws {
        let calls = Fixtures.analyze([Corpus.pcapFile("goffinet__voip-extension.pcap")]).calls
        let call = try #require(calls.first { $0.dialed == "204" })
        #expect(call.outcome == .answered)
        #expect(call.legs.map(\.id) == ["8ff1eedd1f", "4918467"])
        #expect(call.legs.map(\.status) == ["180", "200"])
        #expect(call.legs.map(\.answered) == [false, true])
    }

    @Test func holdReInvitesThroughERSPAN() throws {
        let calls = Fixtures.analyze([Corpus.pcapFile("heplify__erspan_sip_ipv4_udp.pcapng")]).calls
        // An SBC carries both legs under one Call-ID with other tags on each leg; hold is
        // measured in the caller's dialog (each leg's re-INVITE is 1-3 ms apart). tshark: call
        // 1 hold re-INVITE frame 47 (.956566, caller's dialog 2DEF4136; the other leg's, frame
        // 45, at .953506) to the first BYE, frame 120 (146.480835); call 2 frame 94 (145.825448)
        // to BYE frame 124 (146.494429); call 3 frame 99 (145.833494) to resume frame 128
        // (146.502098).
        #expect(calls.map(\.holdTime.seconds3) == ["10.524", "0.669", "0.669"])
        #expect(calls.map(\.endedBy) == [.callee, .caller, .caller])
        #expect(calls.map(\.transport) == ["udp", "udp", "udp"])
    }

    /// Three tag-less INVITEs (CSeq 1-3) answered, in-dialog re-INVITEs from the far end, and
    /// no BYE in the file: answered and still open. tshark (`-T fields -e frame.number -e
    /// frame.time_epoch -e sip.CSeq -e sip.Status-Code`): INVITE CSeq 1 frame 1 at
    /// 1303892069.846846, CSeq 2 frame 2 (+60 ms, no response to 1 yet), 200 to CSeq 1 frame 4
    /// at 1303892069.937594, INVITE CSeq 3 frame 5, CANCEL 2 and 3 frames 6-7 (after the 200),
    /// 200 to CSeq 2 frame 10 at .996761, 200 to CSeq 3 frame 14 at 1303892070.070663. The
    /// CSeq 2 and 3 INVITEs run beside CSeq 1 (README "Calls with several initial INVITEs"):
    /// the first 2xx, to CSeq 1, answers the call; the later CANCELs change nothing.
    @Test func parallelInvitesWithoutBye() throws {
        let call = try #require(Fixtures.analyze([Corpus.pcapFile("sipnab__DTMFsipinfo.pcap")]).calls.first)
        #expect(call.outcome == .answered)
        #expect(call.truncated)
        #expect(call.start == Timestamp(nanoseconds: 1_303_892_069_846_846_000))
        #expect(call.answeredAt == Timestamp(nanoseconds: 1_303_892_069_937_594_000))
        #expect(call.ringTime?.seconds3 == "0.091")
        #expect(call.finalStatus == 200)
        #expect(call.pddMilliseconds == nil)
        #expect(call.endedAt == nil)
        #expect(call.legs.map(\.id) == ["420976BC-4DB7D064000EE90C-B692BBB0"])
        #expect(call.media.filter { $0.carriedBy == "200" }.map(\.from) == [.callee, .callee, .callee, .caller, .caller])
    }

    @Test func challengedInviteIsAnsweredAfter401() throws {
        let call = try #require(Fixtures.analyze([Corpus.pcapFile("isa__sip.pcap.pcapng")]).calls.first)
        #expect(call.outcome == .answered)
        #expect(call.finalStatus == 200)
    }

    @Test func fragmentedCancelIsReassembled() {
        // 23 IPv4 fragments of one 32 KB CANCEL whose INVITE is not in the file.
        let result = Fixtures.analyze([Corpus.pcapFile("peafowl__correct_1.pcap")])
        #expect(result.summary.sipMessages == 1)
        #expect(result.summary.sipMessagesWithoutCall == 1)
        #expect(result.summary.errors == 0)
    }

    @Test func sipOverTCPSplitAcrossSegments() throws {
        let result = Fixtures.analyze([Corpus.pcapFile("heplify__sip_ipv4_tcp.pcap")])
        let call = try #require(result.calls.first)
        #expect(call.transport == "tcp")
        #expect(call.outcome == .answered)
        #expect(call.endedAt != nil)
        #expect(result.summary.sipMessages == 7)
    }

    @Test func sipOverSCTPAndIPv6() throws {
        // The INVITE (multipart SDP + ISUP) is split over two unordered DATA chunks, frames 1
        // and 2 (TSN 0 B, TSN 1 E): joined, as tshark joins them, it is whole, with no warning
        // about its Content-Length; the 4 messages are tshark's 4 (`tshark -Y sip`).
        let result = Fixtures.analyze([Corpus.pcapFile("heplify__sip_sctp.pcap")])
        #expect(result.diagnostics.map(\.message) == [])
        #expect(result.summary.sipMessages == 4)
        let sctp = try #require(result.calls.first)
        #expect(sctp.start == Timestamp(nanoseconds: 1_579_813_424_069_637_000))  // frame 2, where tshark shows the INVITE
        // The corpus notes call this INVITE unanswered; tshark shows frame 4 is a 403 with
        // Reason Q.850;cause=21, which is what we report.
        #expect(sctp.transport == "sctp")
        #expect(sctp.outcome == .rejected)
        #expect(sctp.finalStatus == 403)
        #expect(sctp.reasonCause == 21)
        #expect(sctp.truncated == false)
        let v6 = try #require(Fixtures.analyze([Corpus.pcapFile("heplify__sip_ipv6_udp.pcap")]).calls.first)
        #expect(v6.outcome == .answered)
    }

    @Test func httpOnThePortOfSIPIsNotSIP() {
        let result = Fixtures.analyze([Corpus.pcapFile("ndpi__http_on_sip_port.pcap")])
        #expect(result.summary.sipMessages == 0)
        #expect(result.diagnostics.isEmpty)
    }
}
