import CallModel
import SIPParsing

/// Turns a time-ordered sequence of SIP messages into calls (RFC 3261 §12, §13, §17).
///
/// A call is the set of dialogs sharing a Call-ID that begin with an initial INVITE (one
/// without a To tag). Messages of Call-IDs whose initial INVITE was not seen (REGISTER,
/// OPTIONS, a BYE of a call that started before the capture) are counted, not turned into calls.
///
/// - Retransmissions: a request whose (top Via branch, CSeq, method) or a response whose
///   (status, CSeq, To tag, top Via branch) was already seen (RFC 3261 §17.1.3, §17.2.3).
/// - Auth challenges: a new initial INVITE with a higher CSeq after 401/407 becomes the
///   call's initial transaction; the challenge is not the outcome (RFC 3261 §22.2).
/// - Forking: each To tag is a leg; the one that sent the 2xx answered (RFC 3261 §13.2.2.4).
/// - re-INVITE/UPDATE offers move the hold state (RFC 3264 §8.4), never start a call.
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

    /// Calls currently held in memory (not yet final).
    public var activeCallCount: Int { active.count }

    /// Handles one SIP message seen at `time` on `transport` in input `source`.
    public mutating func handle(_ message: SIPMessage, at time: Timestamp, transport: String, source: String) {
        messageCount += 1
        guard let callID = message.callID, let cseq = message.cseq else { return }
        if var state = active[callID] {
            state.handle(message, cseq: cseq, at: time)
            active[callID] = state
        } else if message.method == .invite, message.to?.tag == nil {
            var state = CallState(callID: callID, source: source, transport: transport, start: time, options: options)
            state.handle(message, cseq: cseq, at: time)
            active[callID] = state
        } else {
            messagesWithoutCall += 1
        }
        sweep(now: time)
    }

    /// Moves calls that ended more than the linger time ago out of the active set.
    private mutating func sweep(now: Timestamp) {
        guard now.nanoseconds > lastSweep &+ 1_000_000_000 else { return }
        lastSweep = now.nanoseconds
        let linger = options.lingerNanoseconds
        for (id, state) in active {
            if let end = state.finishedAt, end.nanoseconds &+ linger < now.nanoseconds {
                completed.append(state.call(truncatedAtEnd: false))
                active[id] = nil
            }
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
        for state in active.values { calls.append(state.call(truncatedAtEnd: true)) }
        active.removeAll()
        calls.sort { ($0.start, $0.callID) < ($1.start, $1.callID) }
        return calls
    }
}

/// What the tracker knows about one call while its messages arrive.
struct CallState: Sendable {
    private struct RequestKey: Hashable, Sendable { var branch: String?; var cseq: UInt32; var method: String }
    private struct ResponseKey: Hashable, Sendable { var status: Int; var cseq: UInt32; var method: String; var toTag: String?; var branch: String? }

    private var call: Call
    private let options: ReconstructionOptions
    private var callerTag: String?
    private var initialCSeq: UInt32 = 0
    private var seenRequests: Set<RequestKey> = []
    private var seenResponses: Set<ResponseKey> = []
    private var legs: [String: CallLeg] = [:]
    private var cancelledAt: Timestamp?
    private var cancelReasons: [SIPReason] = []
    private var finalAt: Timestamp?
    private var finalReasons: [SIPReason] = []
    private var byeAt: Timestamp?
    private var byeFromCaller = true
    private var byeReasons: [SIPReason] = []
    private var holdSince: Timestamp?
    private var lastSeen: Timestamp

    init(callID: String, source: String, transport: String, start: Timestamp, options: ReconstructionOptions) {
        self.call = Call(callID: callID, source: source, transport: transport, start: start)
        self.options = options
        self.lastSeen = start
    }

    /// When the call ended, if it has: the moment after which only late retransmissions come.
    var finishedAt: Timestamp? {
        if call.answeredAt != nil { return byeAt }
        return finalAt ?? byeAt
    }

    mutating func handle(_ message: SIPMessage, cseq: CSeq, at time: Timestamp) {
        call.packets += 1
        lastSeen = max(lastSeen, time)
        switch message.startLine {
        case .request(let method, _):
            let key = RequestKey(branch: message.topViaBranch, cseq: cseq.number, method: method.name)
            guard seenRequests.insert(key).inserted else {
                call.retransmissions += 1
                return
            }
            handleRequest(message, method: method, cseq: cseq, at: time)
        case .response(let status, _):
            let key = ResponseKey(status: status, cseq: cseq.number, method: cseq.method.name, toTag: message.to?.tag, branch: message.topViaBranch)
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
            if callerTag == nil {
                // The first initial INVITE: it names the parties.
                callerTag = message.from?.tag
                initialCSeq = cseq.number
                call.caller = caller(of: message)
                call.dialed = dialed(of: message)
                call.divertedFrom = divertedFrom(of: message)
            } else if cseq.number > initialCSeq {
                // Re-sent after a 401/407 challenge: this INVITE's answer is the outcome.
                initialCSeq = cseq.number
                if call.answeredAt == nil { finalAt = nil; finalReasons = []; call.finalStatus = nil }
            }
            recordMedia(message, from: .caller, at: time)
        case .invite, .update:
            // re-INVITE or UPDATE inside the dialog: an offer may put the call on hold or resume it.
            if let offer = recordMedia(message, from: partyOfRequest(message), at: time) {
                updateHold(offer: offer, at: time)
            }
        case .cancel:
            if call.answeredAt == nil, cancelledAt == nil {
                cancelledAt = time
                cancelReasons = message.reasons
            }
        case .bye:
            if byeAt == nil {
                byeAt = time
                byeFromCaller = partyOfRequest(message) == .caller
                byeReasons = message.reasons
            }
        default:
            break
        }
    }

    private mutating func handleResponse(_ message: SIPMessage, status: Int, cseq: CSeq, at time: Timestamp) {
        guard cseq.method == .invite else { return }
        if cseq.number != initialCSeq {
            if cseq.number > initialCSeq, (200...299).contains(status) {
                recordMedia(message, from: .callee, at: time)  // answer to a re-INVITE
            }
            return
        }
        if status > 100, let tag = message.to?.tag {
            if var leg = legs[tag] {
                leg.status = max(leg.status, status)
                legs[tag] = leg
            } else {
                legs[tag] = CallLeg(toTag: tag, status: status, firstSeen: time, answered: false)
            }
        }
        switch status {
        case 180...189:
            if call.pddMilliseconds == nil {
                call.pddMilliseconds = Duration3(nanoseconds: call.start.distance(to: time)).milliseconds
            }
            recordMedia(message, from: .callee, at: time)
        case 200...299:
            guard call.answeredAt == nil else { return }
            call.answeredAt = time
            call.finalStatus = status
            finalAt = time
            finalReasons = message.reasons
            if let tag = message.to?.tag { legs[tag]?.answered = true }
            recordMedia(message, from: .callee, at: time)
        case 300...699:
            guard call.answeredAt == nil, call.finalStatus == nil else { return }
            call.finalStatus = status
            finalAt = time
            finalReasons = message.reasons
        default:
            break
        }
    }

    /// A request comes from the caller when its From tag is the initial INVITE's From tag.
    private func partyOfRequest(_ message: SIPMessage) -> CallParty {
        guard let callerTag, let tag = message.from?.tag else { return .caller }
        return tag == callerTag ? .caller : .callee
    }

    @discardableResult
    private mutating func recordMedia(_ message: SIPMessage, from party: CallParty, at time: Timestamp) -> MediaOffer? {
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
        call.media.append(offer)
        return offer
    }

    /// Hold starts with an offer whose audio is not sendrecv (or has a null address) and ends
    /// with one that is sendrecv again (RFC 3264 §8.4, RFC 6337 §5.3).
    private mutating func updateHold(offer: MediaOffer, at time: Timestamp) {
        guard let audio = offer.streams.first(where: { $0.media == "audio" }) ?? offer.streams.first else { return }
        if audio.isHold {
            if holdSince == nil { holdSince = time }
        } else if let since = holdSince {
            call.holdNanoseconds += max(0, since.distance(to: time))
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
    func call(truncatedAtEnd: Bool) -> Call {
        var result = call
        let answered = call.answeredAt != nil
        let cancelled = !answered && cancelledAt != nil
        let endReasons: [SIPReason]
        if answered {
            result.endedAt = byeAt
            result.endedBy = byeAt == nil ? nil : (byeFromCaller ? .caller : .callee)
            endReasons = byeReasons
        } else if cancelled {
            result.endedAt = finalAt ?? cancelledAt
            result.endedBy = .caller
            endReasons = cancelReasons.isEmpty ? finalReasons : cancelReasons
        } else if let finalAt {
            result.endedAt = finalAt
            result.endedBy = call.finalStatus == 487 ? .caller : .callee
            endReasons = finalReasons
        } else {
            result.endedAt = byeAt
            result.endedBy = byeAt == nil ? nil : (byeFromCaller ? .caller : .callee)
            endReasons = byeReasons
        }
        let q850 = endReasons.first(where: \.isQ850)?.cause
        result.reasonCause = q850 ?? endReasons.first(where: { $0.cause != nil })?.cause
        result.outcome = CallOutcome.classify(status: call.finalStatus, q850Cause: q850, cancelled: cancelled)
        result.truncated = truncatedAtEnd && result.endedAt == nil
        if let since = holdSince {
            result.holdNanoseconds += max(0, since.distance(to: result.endedAt ?? lastSeen))
        }
        result.legs = legs.values.sorted { ($0.firstSeen, $0.toTag) < ($1.firstSeen, $1.toTag) }
        return result
    }
}
