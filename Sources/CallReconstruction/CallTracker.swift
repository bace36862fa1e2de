import CallModel
import SIPParsing

/// Turns a time-ordered sequence of SIP messages into calls (RFC 3261 §12, §13, §17).
///
/// A call is the set of dialogs sharing a Call-ID that begin with an initial INVITE (one
/// without a To tag). Messages of Call-IDs whose initial INVITE was not seen (REGISTER,
/// OPTIONS, a BYE of a call that started before the capture) are counted, not turned into calls.
///
/// - Retransmissions: a request whose (top Via branch, CSeq, method) or a response whose
///   (status, CSeq, To tag, top Via branch, RSeq) was already seen (RFC 3261 §17.1.3, §17.2.3,
///   RFC 3262 §7.1). Without a branch (RFC 2543 peers) the whole top Via stands in for it.
/// - Auth challenges and redirects: a new initial INVITE with a higher CSeq becomes the
///   call's initial transaction; the challenge is not the outcome (RFC 3261 §22.2).
/// - Forking: each To tag is a leg; the one that sent the 2xx answered (RFC 3261 §13.2.2.4).
///   Only a final response on the initial INVITE's own branch (what the caller receives) is the
///   call's final response: a proxy's downstream branch failing does not end the call.
/// - re-INVITE/UPDATE offers of the answered dialog move the hold state once accepted with a
///   2xx (RFC 3264 §8.4); they never start a call.
public struct CallTracker: Sendable {
    public let options: ReconstructionOptions
    private var active: [String: CallState] = [:]
    private var completed: [Call] = []
    private var lastSweep: Int64 = .min

    /// SIP messages handled.
    public private(set) var messageCount = 0
    /// SIP messages that belong to no call (no initial INVITE seen for their Call-ID).
    public private(set) var messagesWithoutCall = 0

    public init(options: ReconstructionOptions = .init()) {
        self.options = options
    }

    /// SDP bodies (every hop's) seen since the last `takeMediaOffers()`, with their Call-ID.
    private var mediaOffers: [(callID: String, offer: MediaOffer)] = []

    /// The SDP bodies seen since the last call, so RTP can be tied to calls as their media is
    /// announced (RFC 3264 offer/answer, re-INVITEs included).
    public mutating func takeMediaOffers() -> [(callID: String, offer: MediaOffer)] {
        guard !mediaOffers.isEmpty else { return [] }
        defer { mediaOffers.removeAll(keepingCapacity: true) }
        return mediaOffers
    }

    /// Whether calls became final since the last `takeCompleted()`.
    public var hasCompleted: Bool { !completed.isEmpty }

    /// Calls currently held in memory (not yet final).
    public var activeCallCount: Int { active.count }

    /// Handles one SIP message seen at `time` on `transport` in input `source`.
    public mutating func handle(_ message: SIPMessage, at time: Timestamp, transport: String, source: String) {
        messageCount += 1
        guard let callID = message.callID, let cseq = message.cseq else { return }
        if let index = active.index(forKey: callID) {
            active.values[index].handle(message, cseq: cseq, at: time)  // in place: no copy of the state
            if !active.values[index].newOffers.isEmpty {
                for offer in active.values[index].newOffers { mediaOffers.append((callID, offer)) }
                active.values[index].newOffers.removeAll()
            }
        } else if message.method == .invite, message.to?.tag == nil {
            var state = CallState(callID: callID, source: source, transport: transport, start: time, options: options)
            state.handle(message, cseq: cseq, at: time)
            for offer in state.newOffers { mediaOffers.append((callID, offer)) }
            state.newOffers.removeAll()
            active[callID] = state
        } else {
            messagesWithoutCall += 1
        }
        sweep(now: time)
    }

    /// Moves calls whose linger time has passed out of the active set (at most once a second).
    private mutating func sweep(now: Timestamp) {
        guard now.nanoseconds.subtractingReportingOverflow(lastSweep).partialValue > 1_000_000_000 || lastSweep == .min else { return }
        lastSweep = now.nanoseconds
        var done: [String] = []
        for index in active.indices where active.values[index].releasableAt.map({ $0 < now }) == true {
            done.append(active.keys[index])  // by index: the states are read in place, not copied
        }
        for id in done {
            if let state = active.removeValue(forKey: id) { completed.append(state.finished(truncatedAtEnd: false)) }
        }
    }

    /// Calls that became final since the last call of this method (for streaming output).
    public mutating func takeCompleted() -> [Call] {
        defer { completed.removeAll(keepingCapacity: true) }
        return completed
    }

    /// Ends the input: every remaining call is reported, still-open ones as truncated.
    /// - Returns: the calls not yet taken, ordered by start time.
    public mutating func finish() -> [Call] {
        var calls = takeCompleted()
        for state in active.values { calls.append(state.finished(truncatedAtEnd: true)) }
        active.removeAll()
        calls.sort { ($0.start, $0.callID) < ($1.start, $1.callID) }
        return calls
    }
}

/// What the tracker knows about one call while its messages arrive.
struct CallState: Sendable {
    /// SDP bodies seen by the last `handle`, every hop's included, until the tracker takes them.
    var newOffers: [MediaOffer] = []
    private struct RequestKey: Hashable, Sendable { var branch: String?; var cseq: UInt32; var method: String }
    private struct ResponseKey: Hashable, Sendable { var status: Int; var cseq: UInt32; var method: String; var toTag: String?; var branch: String?; var rseq: UInt32? }
    /// An in-dialog offer waiting for its answer: (sender, CSeq, method).
    private struct OfferKey: Hashable, Sendable { var sender: CallParty; var cseq: UInt32; var method: String }
    private struct PendingOffer: Sendable { var time: Timestamp; var offer: MediaOffer? }
    private struct FinalResponse: Sendable { var status: Int; var time: Timestamp; var reasons: [SIPReason] }

    /// Final responses after which the caller usually retries the INVITE (RFC 3261 §22.2,
    /// §8.1.3.4; RFC 4028 §6): the call is kept open longer for the retry.
    private static let retryableStatuses: Set<Int> = [401, 407, 422, 300, 301, 302, 305, 380]
    private static let retryLingerNanoseconds: Int64 = 300_000_000_000

    private var call: Call
    private let options: ReconstructionOptions
    private var callerTag: String?
    /// From tags the caller side uses: the first INVITE's, and those of copies relayed by a
    /// B2BUA or SBC that keeps the Call-ID but rewrites tags on its other leg.
    private var callerSideTags: Set<String> = []
    private var initialCSeq: UInt32 = 0
    private var initialBranch: String?
    private var seenRequests: Set<RequestKey> = []
    private var seenResponses: Set<ResponseKey> = []
    private var seenMedia: Set<String> = []
    private var legs: [String: CallLeg] = [:]
    private var legStatus: [String: Int] = [:]
    private var answeredTag: String?
    private var cancelledAt: Timestamp?
    private var cancelReasons: [SIPReason] = []
    private var final: FinalResponse?
    private var otherBranchFinal: FinalResponse?
    private var byeAt: Timestamp?
    private var byeFromCaller = true
    private var byeReasons: [SIPReason] = []
    private var holdSince: Timestamp?
    private var pendingOffers: [OfferKey: PendingOffer] = [:]
    private var lastSeen: Timestamp

    init(callID: String, source: String, transport: String, start: Timestamp, options: ReconstructionOptions) {
        self.call = Call(callID: callID, source: source, transport: transport, start: start)
        self.options = options
        self.lastSeen = start
    }

    /// When the call may be reported as final: its end plus a linger for late retransmissions,
    /// longer when the end was a challenge or redirect that is usually retried. Nil while open.
    var releasableAt: Timestamp? {
        let end: Timestamp?
        var linger = options.lingerNanoseconds
        if call.answeredAt != nil {
            end = byeAt
        } else if let final {
            end = final.time
            if Self.retryableStatuses.contains(final.status) { linger = max(linger, Self.retryLingerNanoseconds) }
        } else {
            end = cancelledAt ?? byeAt
        }
        guard let end else { return nil }
        return Timestamp(nanoseconds: end.nanoseconds.addingReportingOverflow(linger).overflow ? .max : end.nanoseconds + linger)
    }

    mutating func handle(_ message: SIPMessage, cseq: CSeq, at time: Timestamp) {
        call.packets += 1
        lastSeen = max(lastSeen, time)
        switch message.startLine {
        case .request(let method, _):
            let key = RequestKey(branch: message.topViaBranch ?? message.topVia, cseq: cseq.number, method: method.name)
            guard seenRequests.insert(key).inserted else {
                call.retransmissions += 1
                return
            }
            handleRequest(message, method: method, cseq: cseq, at: time)
        case .response(let status, _):
            let key = ResponseKey(
                status: status, cseq: cseq.number, method: cseq.method.name, toTag: message.to?.tag,
                branch: message.topViaBranch ?? message.topVia, rseq: status < 200 ? message.rseq : nil
            )
            guard seenResponses.insert(key).inserted else {
                call.retransmissions += 1
                return
            }
            handleResponse(message, status: status, cseq: cseq, at: time)
        }
    }

    private mutating func handleRequest(_ message: SIPMessage, method: SIPMethod, cseq: CSeq, at time: Timestamp) {
        switch method {
        case .invite where message.to?.tag == nil:
            if let tag = message.from?.tag { callerSideTags.insert(tag) }
            if callerTag == nil {
                // The first initial INVITE: it names the parties.
                callerTag = message.from?.tag
                initialCSeq = cseq.number
                initialBranch = message.topViaBranch
                call.caller = caller(of: message)
                call.dialed = dialed(of: message)
                call.divertedFrom = divertedFrom(of: message)
            } else if cseq.number > initialCSeq {
                // Re-sent after a 401/407 challenge or a redirect: this INVITE's answer is the outcome.
                initialCSeq = cseq.number
                initialBranch = message.topViaBranch
                if call.answeredAt == nil {
                    final = nil
                    otherBranchFinal = nil
                    call.finalStatus = nil
                    legs.removeAll()
                    legStatus.removeAll()
                }
            } else {
                return  // the same INVITE relayed on another hop
            }
            recordMedia(message, from: .caller, at: time, key: "INVITE \(cseq.number)")
        case .invite, .update:
            // re-INVITE or UPDATE: an offer that may put the call on hold or resume it once answered.
            let sender = partyOfRequest(message)
            let offer = recordMedia(message, from: sender, at: time, key: "\(method.name) \(cseq.number) \(sender)")
            let key = OfferKey(sender: sender, cseq: cseq.number, method: method.name)
            if isAnsweredDialog(message), pendingOffers[key] == nil {  // the first hop's copy sets the time
                pendingOffers[key] = PendingOffer(time: time, offer: offer)
            }
        case .cancel:
            if call.answeredAt == nil, final == nil, cancelledAt == nil {
                cancelledAt = time
                cancelReasons = message.reasons
            }
        case .bye:
            if byeAt == nil, isAnsweredDialog(message) {
                byeAt = time
                byeFromCaller = partyOfRequest(message) == .caller
                byeReasons = message.reasons
            }
        default:
            break
        }
    }

    private mutating func handleResponse(_ message: SIPMessage, status: Int, cseq: CSeq, at time: Timestamp) {
        // CSeq numbers are per direction (RFC 3261 §12.2.1.1): the From tag says whose request this answers.
        let toCallerRequest = isCallerSide(message.from?.tag)
        let responder: CallParty = toCallerRequest ? .callee : .caller
        guard cseq.method == .invite || cseq.method == .update else { return }
        if cseq.method == .invite, toCallerRequest, cseq.number == initialCSeq {
            handleInitialResponse(message, status: status, cseq: cseq, at: time)
            return
        }
        // An answer to an in-dialog offer.
        let key = OfferKey(sender: responder == .callee ? .caller : .callee, cseq: cseq.number, method: cseq.method.name)
        if (200...299).contains(status) {
            let answer = recordMedia(message, from: responder, at: time, key: "\(status) \(cseq.method.name) \(cseq.number) \(responder)")
            if let pending = pendingOffers.removeValue(forKey: key) {
                if let offer = pending.offer { updateHold(offer: offer, at: pending.time) }
                else if let answer { updateHold(offer: answer, at: time) }  // offerless re-INVITE: the 2xx carries the offer
            }
        } else if status >= 300 {
            pendingOffers[key] = nil  // rejected (488, 491...): the media did not change
        }
    }

    private mutating func handleInitialResponse(_ message: SIPMessage, status: Int, cseq: CSeq, at time: Timestamp) {
        let tag = message.to?.tag
        if status > 100, let tag {
            let highest = max(legStatus[tag] ?? 0, status)
            legStatus[tag] = highest
            if legs[tag] == nil { legs[tag] = CallLeg(id: tag, status: "", start: time, answered: false) }
            legs[tag]?.status = String(highest)
        }
        let onInitialBranch = initialBranch == nil || message.topViaBranch == initialBranch
        switch status {
        case 180...189:
            if call.pddMilliseconds == nil {
                call.pddMilliseconds = Duration3(nanoseconds: call.start.distance(to: time)).milliseconds
            }
            recordMedia(message, from: .callee, at: time, key: "\(status) \(cseq.number) \(tag ?? "")")
        case 200...299:
            recordMedia(message, from: .callee, at: time, key: "2xx \(cseq.number) \(tag ?? "")")
            guard call.answeredAt == nil else { return }
            call.answeredAt = time
            call.finalStatus = status
            final = FinalResponse(status: status, time: time, reasons: message.reasons)
            answeredTag = tag
            if let tag {
                legs[tag]?.answered = true
                legs[tag]?.answeredAt = time
            }
        case 300...699:
            guard call.answeredAt == nil else { return }
            if onInitialBranch {
                guard final == nil else { return }
                call.finalStatus = status
                final = FinalResponse(status: status, time: time, reasons: message.reasons)
            } else if otherBranchFinal == nil {
                // A forked branch failed; the caller only sees it if the proxy relays it.
                otherBranchFinal = FinalResponse(status: status, time: time, reasons: message.reasons)
            }
        default:
            break
        }
    }

    /// A request comes from the caller when its From tag is one of the caller side's tags.
    private func partyOfRequest(_ message: SIPMessage) -> CallParty {
        isCallerSide(message.from?.tag) ? .caller : .callee
    }

    private func isCallerSide(_ tag: String?) -> Bool {
        guard let tag, !callerSideTags.isEmpty else { return true }
        return callerSideTags.contains(tag)
    }

    /// Whether an in-dialog request belongs to the dialog that answered (or any, before an answer).
    private func isAnsweredDialog(_ message: SIPMessage) -> Bool {
        guard let answeredTag else { return true }
        return message.to?.tag == answeredTag || message.from?.tag == answeredTag
    }

    /// Records an SDP body once per `key` (the same body relayed on another hop is not repeated).
    @discardableResult
    private mutating func recordMedia(_ message: SIPMessage, from party: CallParty, at time: Timestamp, key: String) -> MediaOffer? {
        guard let sdp = message.sessionDescription, !sdp.media.isEmpty else { return nil }
        let streams = sdp.media.indices.map { index in
            let media = sdp.media[index]
            let (address, direction) = sdp.effective(index)
            return MediaStream(
                media: media.type, address: address, port: media.port, proto: media.proto,
                payloadTypes: media.formats, encodings: media.rtpmap,
                direction: MediaDirection(rawValue: direction) ?? .sendrecv
            )
        }
        let offer = MediaOffer(time: time, from: party, carriedBy: message.label, streams: streams)
        if seenMedia.insert(key).inserted { call.media.append(offer) }
        newOffers.append(offer)  // every hop's SDP, for RTP association
        return offer
    }

    /// Hold starts with an accepted offer whose audio is not sendrecv (or has a null address)
    /// and ends with one that is sendrecv again (RFC 3264 §8.4, RFC 6337 §5.3).
    private mutating func updateHold(offer: MediaOffer, at time: Timestamp) {
        guard let audio = offer.streams.first(where: { $0.media == "audio" }) ?? offer.streams.first else { return }
        if audio.isHold {
            if holdSince == nil { holdSince = time }
        } else if let since = holdSince {
            call.holdNanoseconds = saturatingAdd(call.holdNanoseconds, max(0, since.distance(to: time)))
            holdSince = nil
        }
    }

    private func caller(of invite: SIPMessage) -> String? {
        for source in options.callerOrder {
            let user: String?
            switch source {
            case .pai: user = invite.assertedIdentities.lazy.compactMap(\.user).first
            case .rpid: user = invite.remotePartyIDs.lazy.compactMap(\.user).first
            case .from: user = invite.from?.user
            }
            if let user, !user.isEmpty { return PhoneNumber.normalize(user) }
        }
        return nil
    }

    private func dialed(of invite: SIPMessage) -> String? {
        for source in options.dialedOrder {
            let user: String?
            switch source {
            case .ruri: user = invite.requestURI.flatMap(SIPURI.user(of:))
            case .to: user = invite.to?.user
            }
            if let user, !user.isEmpty { return PhoneNumber.normalize(user) }
        }
        return nil
    }

    /// The original called number: the last (oldest) Diversion entry (RFC 5806 §4: each
    /// diversion is added on top), else the first History-Info entry when the request was retargeted.
    private func divertedFrom(of invite: SIPMessage) -> String? {
        if let user = invite.diversions.last?.user { return PhoneNumber.normalize(user) }
        if invite.historyInfo.count > 1, let user = invite.historyInfo.first?.user {
            let number = PhoneNumber.normalize(user)
            return number == call.dialed ? nil : number
        }
        return nil
    }

    /// The call as it stands; `truncatedAtEnd` when the input ended before the call did.
    func finished(truncatedAtEnd: Bool) -> Call {
        var result = call
        let answered = call.answeredAt != nil
        // A forked branch's failure stands in only when the caller's own final was not captured.
        let final = self.final ?? (answered ? nil : otherBranchFinal)
        if !answered, let final { result.finalStatus = final.status }
        let cancelled = !answered && cancelledAt != nil
        let endReasons: [SIPReason]
        if answered {
            result.endedAt = byeAt
            result.endedBy = byeAt == nil ? nil : (byeFromCaller ? .caller : .callee)
            endReasons = byeReasons
        } else if cancelled {
            result.endedAt = final?.time ?? cancelledAt
            result.endedBy = .caller
            endReasons = cancelReasons.isEmpty ? (final?.reasons ?? []) : cancelReasons
        } else if let final {
            result.endedAt = final.time
            result.endedBy = final.status == 487 ? .caller : .callee
            endReasons = final.reasons
        } else {
            result.endedAt = nil
            result.endedBy = nil
            endReasons = []
        }
        let q850 = endReasons.first(where: \.isQ850)?.cause
        result.reasonCause = q850 ?? endReasons.first(where: { $0.cause != nil })?.cause
        result.outcome = CallOutcome.classify(status: result.finalStatus, q850Cause: q850, cancelled: cancelled)
        result.truncated = truncatedAtEnd && result.endedAt == nil
        if let since = holdSince {
            result.holdNanoseconds = saturatingAdd(result.holdNanoseconds, max(0, since.distance(to: result.endedAt ?? lastSeen)))
        }
        result.legs = legs.values.sorted { ($0.start, $0.id) < ($1.start, $1.id) }
        // SIP reconstruction knows the ring time as the caller's wait for an answer.
        result.waitNanoseconds = result.ringTime?.nanoseconds
        return result
    }
}

/// `a + b` clamped to the range of Int64.
func saturatingAdd(_ a: Int64, _ b: Int64) -> Int64 {
    let (sum, overflow) = a.addingReportingOverflow(b)
    return overflow ? (b > 0 ? .max : .min) : sum
}
