import CallscopeBase
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
/// - The caller's INVITEs: the first INVITE without To tag is the call's initial INVITE (start,
///   parties). Another one with the caller's From tag and a higher CSeq is an attempt of the
///   same call: sent after every earlier attempt got a final response (a
///   401/407 challenge, a redirect, a failure) it replaces them and decides the outcome (RFC 3261
///   §22.2, §8.1.3.4); sent while one is still pending it runs beside it: the first 2xx to any
///   attempt answers the call, a failure ends it only once no attempt is pending, and a CANCEL
///   abandons it only once every pending attempt is cancelled (README "Calls with several
///   initial INVITEs").
/// - Hops: an INVITE without To tag from another From tag (a B2BUA or SBC leg that keeps the
///   Call-ID but has its own tags and CSeq), or with the caller's tag and the CSeq of an attempt
///   (a proxy's copy), is the same call seen on another hop.
/// - Forking and dialogs: each To tag is a leg (RFC 3261 §13.2.2.4). The call's dialog is the
///   one the caller was answered with: the first 2xx on the initial INVITE's own Via branch
///   (what the caller receives; until it is seen, the first 2xx on any hop), its time that of
///   the first copy of that To tag's 2xx. Each hop (caller-side From tag) has one answered
///   dialog, its first 2xx; a BYE in any of them ends the call, a BYE to another fork's 2xx does
///   not. Only a final response on an attempt's own branch is the call's final response: a
///   proxy's downstream branch failing does not end the call.
/// - re-INVITE/UPDATE offers of the call's dialog move the hold state once accepted with a
///   2xx (RFC 3264 §8.4); they never start a call.
public struct CallTracker: Sendable {
    public let options: ReconstructionOptions
    /// The calls in progress by Call-ID, found from the Call-ID's bytes (``CallIDKey``).
    private var active = OpenHashTable<CallIDKey, CallState>()
    private var completed: [Call] = []
    private var lastSweep: Int64 = .min
    /// When each ended call may be released (its `releasableAt`); calls still open are not here.
    private var releaseTimes: [String: Timestamp] = [:]
    /// The start of every call in `active`, apart from the states so that finding the earliest
    /// (``earliestActiveStart``) reads no state.
    private var activeStarts: [String: Timestamp] = [:]
    /// The most calls in `active` at once.
    public private(set) var peakActiveCount = 0

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

    /// The earliest start of the calls in progress (ended ones in their linger included), nil
    /// when there are none: no call made final later can start before it.
    /// - Complexity: O(calls in progress).
    public var earliestActiveStart: Timestamp? { activeStarts.values.min() }

    /// Whether a call with this Call-ID is in progress (its initial INVITE seen, not yet final).
    public func isTracking(_ callID: String) -> Bool { active.index(of: CallIDKey(callID)) != nil }

    /// The calls in progress as they stand (read only; for `watch`'s live view): not final yet,
    /// so an ended call still in its linger has its `endedAt`.
    public var callsInProgress: [Call] { active.states.map(\.call) }

    /// Handles one SIP message seen at `time` on `transport` in input `source`. When the message
    /// belongs to a call still in progress after it, `summary` (built only then) is added to the
    /// call's ladder (`Call.messages`). The Call-ID is looked up once per message.
    public mutating func handle(_ message: SIPMessageView, at time: Timestamp, transport: String, source: String,
                                summary: (CSeq) -> SIPMessageSummary? = { _ in nil }) {
        messageCount += 1
        guard let callIDBytes = message.callID, let cseq = message.cseq else { return }
        // Found from the bytes: no `String` is built for a call's known Call-ID.
        let hash = CallIDKey.hash(message, callIDBytes)
        var index = active.index(hash: hash) { message.equals(callIDBytes, $0.text) }
        if let found = index {
            // In place: no copy of the state (a copy retains every set and dictionary it holds).
            // (Only mutating calls here: reading `active.states[index].x` would copy the state.)
            let (release, offers) = active.states[found].handle(message, cseq: cseq, at: time)
            let callID = active.keys[found].text
            if let release { noteRelease(callID, at: release) }
            for offer in offers { mediaOffers.append((callID, offer)) }
        } else if message.method == .invite, message.to?.tag == nil {
            let callID = message.string(callIDBytes)
            var state = CallState(callID: callID, source: source, transport: transport, start: time, options: options)
            let (release, offers) = state.handle(message, cseq: cseq, at: time)
            for offer in offers { mediaOffers.append((callID, offer)) }
            index = active.insert(CallIDKey(callID), state)
            activeStarts[callID] = time
            peakActiveCount = max(peakActiveCount, active.count)
            if let release { noteRelease(callID, at: release) }
        } else {
            messagesWithoutCall += 1
        }
        if sweep(now: time), index != nil {  // the call itself may have been made final, or moved
            index = active.index(hash: hash) { message.equals(callIDBytes, $0.text) }
        }
        if let index, let summary = summary(cseq) { active.states[index].call.messages.append(summary) }
    }

    /// Keeps `releaseTimes` in step with the call's state after a message that changed it.
    private mutating func noteRelease(_ callID: String, at release: CallState.Release) {
        if let releasable = release.time {
            releaseTimes[callID] = releasable
        } else if !releaseTimes.isEmpty {
            releaseTimes.removeValue(forKey: callID)
        }
    }

    /// The clock moved to `now` with no message (a quiet live source): calls whose linger has
    /// passed become final.
    public mutating func advance(to now: Timestamp) {
        sweep(now: now)
    }

    /// Moves calls whose linger time has passed out of the active set (at most once a second,
    /// or every half linger when it is shorter: a live run's short linger stays short). Only
    /// the calls that ended are looked at (`releaseTimes`), never the states themselves.
    /// Returns whether calls were made final.
    @discardableResult
    private mutating func sweep(now: Timestamp) -> Bool {
        let interval = min(1_000_000_000, max(50_000_000, options.lingerNanoseconds / 2))
        guard now.nanoseconds.subtractingReportingOverflow(lastSweep).partialValue > interval || lastSweep == .min else { return false }
        lastSweep = now.nanoseconds
        guard !releaseTimes.isEmpty else { return false }
        var done: [String] = []
        for (id, time) in releaseTimes where time < now { done.append(id) }
        for id in done {
            releaseTimes.removeValue(forKey: id)
            if let state = active.remove(CallIDKey(id)) {
                activeStarts.removeValue(forKey: id)
                completed.append(state.finished(truncatedAtEnd: false))
            }
        }
        return !done.isEmpty
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
        for state in active.states { calls.append(state.finished(truncatedAtEnd: true)) }
        active.removeAll()
        activeStarts.removeAll()
        releaseTimes.removeAll()
        calls.sort { ($0.start, $0.callID) < ($1.start, $1.callID) }
        return calls
    }
}

/// What the tracker knows about one call while its messages arrive.
struct CallState: Sendable {
    /// SDP bodies seen by the last `handle`, every hop's included, until the tracker takes them.
    var newOffers: [MediaOffer] = []
    private struct RequestKey: Hashable, Sendable { var branch: String?; var cseq: UInt32; var method: SIPMethod }
    private struct ResponseKey: Hashable, Sendable { var status: Int; var cseq: UInt32; var method: SIPMethod; var toTag: String?; var branch: String?; var rseq: UInt32? }
    /// An in-dialog offer waiting for its answer: (sender, CSeq, method).
    private struct OfferKey: Hashable, Sendable { var sender: CallParty; var cseq: UInt32; var method: String }
    private struct PendingOffer: Sendable { var time: Timestamp; var offer: MediaOffer? }
    private struct FinalResponse: Sendable { var status: Int; var time: Timestamp; var reasons: [SIPReason] }
    /// One of the caller's own INVITEs without To tag (RFC 3261 §13.2.1): its transaction and how it ended.
    private struct Attempt: Sendable {
        var cseq: UInt32
        var branch: String?
        var final: Int?
        var cancelled = false
        /// Still able to answer the call: no final response on its branch, not cancelled.
        var isPending: Bool { final == nil && !cancelled }
    }
    /// Which message an SDP body came in, so the same body relayed on another hop is recorded once.
    private enum MediaKey: Hashable, Sendable {
        case initialInvite(cseq: UInt32)
        case hopInvite(cseq: UInt32, fromTag: String)
        case offer(method: SIPMethod, cseq: UInt32, sender: CallParty)
        case answer(status: Int, method: SIPMethod, cseq: UInt32, responder: CallParty)
        case provisional(status: Int, cseq: UInt32, toTag: String)
        case success(cseq: UInt32, toTag: String)
    }
    /// Another hop's copy of the initial INVITE: (From tag, CSeq) of a B2BUA or SBC leg.
    private struct HopInvite: Hashable, Sendable { var tag: String?; var cseq: UInt32 }

    /// Final responses after which the caller usually retries the INVITE (RFC 3261 §22.2,
    /// §8.1.3.4; RFC 4028 §6): the call is kept open longer for the retry.
    private static let retryableStatuses: Set<Int> = [401, 407, 422, 300, 301, 302, 305, 380]
    private static let retryLingerNanoseconds: Int64 = 300_000_000_000

    fileprivate var call: Call
    private let options: ReconstructionOptions
    private var callerTag: String?
    /// From tags the caller side uses: the first INVITE's, and those of copies relayed by a
    /// B2BUA or SBC that keeps the Call-ID but rewrites tags on its other leg.
    private var callerSideTags = SmallSet<String>()
    /// The caller's INVITEs deciding the call: one, or several sent side by side; a retry after
    /// every one got a final response replaces them. At most `maxAttempts` (hostile input).
    private var attempts: [Attempt] = []
    private var lastAttemptCSeq: UInt32 = 0
    private static let maxAttempts = 64
    private var hopInvites = SmallSet<HopInvite>()
    private var seenRequests = SmallSet<RequestKey>()
    private var seenResponses = SmallSet<ResponseKey>()
    private var seenMedia = SmallSet<MediaKey>()
    /// Each To tag's leg and the highest status it sent.
    private var legs = SmallMap<(leg: CallLeg, highest: Int)>()
    /// The answered dialog of each hop: caller-side From tag (empty without one) -> To tag of its
    /// first 2xx; the caller's own entry is the 2xx it received, once seen on its branch.
    private var dialogs = SmallMap<String>()
    private var callerAnswerSeen = false
    /// The To tag of the call's dialog (the caller's, once seen): hold is measured in it.
    private var callDialog: String?
    /// When each To tag first sent a 2xx to the initial INVITE (on any hop).
    private var firstAnswer = SmallMap<Timestamp>()
    private var cancelledAt: Timestamp?
    private var cancelReasons: [SIPReason] = []
    private var final: FinalResponse?
    private var otherBranchFinal: FinalResponse?
    /// The latest failure of one of the caller's attempts while another one was still pending.
    private var attemptFinal: FinalResponse?
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

    /// Handles one message of the call. Returns `releasableAt` after it and the SDP bodies it
    /// carried (taken here, where the state is borrowed, so the tracker never copies a state to ask).
    mutating func handle(_ message: SIPMessageView, cseq: CSeq, at time: Timestamp) -> (release: Release?, offers: [MediaOffer]) {
        handleMessage(message, cseq: cseq, at: time)
        let now = releasableAt
        var release: Release?
        if now != reportedRelease || !releaseReported {
            release = Release(time: now)
            reportedRelease = now
            releaseReported = true
        }
        guard !newOffers.isEmpty else { return (release, []) }
        defer { newOffers = [] }
        return (release, newOffers)
    }

    /// A new `releasableAt` (nil: the call is open again or still), reported to the tracker only
    /// when it changed, so most messages cost no lookup in its release table.
    struct Release { var time: Timestamp? }
    /// The `releasableAt` last reported, once one was.
    private var reportedRelease: Timestamp?
    private var releaseReported = false

    private mutating func handleMessage(_ message: SIPMessageView, cseq: CSeq, at time: Timestamp) {
        call.packets += 1
        lastSeen = max(lastSeen, time)
        // Transactions are found by comparing the branch and tag bytes with the keys kept; a
        // key's strings are built only when it is new.
        let branch = message.transactionBranch
        switch message.startLine {
        case .request(let method, _):
            let isNew = seenRequests.insert(
                where: { $0.cseq == cseq.number && $0.method == method && message.equals(branch, $0.branch) },
                RequestKey(branch: message.string(branch), cseq: cseq.number, method: method)
            )
            guard isNew else {
                call.retransmissions += 1
                return
            }
            handleRequest(message, method: method, cseq: cseq, at: time)
        case .response(let status, _):
            let toTag = message.to?.tag
            let rseq = status < 200 ? message.rseq : nil
            let isNew = seenResponses.insert(
                where: { $0.status == status && $0.cseq == cseq.number && $0.method == cseq.method && $0.rseq == rseq
                    && message.equals(toTag, $0.toTag) && message.equals(branch, $0.branch) },
                ResponseKey(status: status, cseq: cseq.number, method: cseq.method, toTag: message.string(toTag),
                            branch: message.string(branch), rseq: rseq)
            )
            guard isNew else {
                call.retransmissions += 1
                return
            }
            handleResponse(message, status: status, cseq: cseq, at: time)
        }
    }

    private mutating func handleRequest(_ message: SIPMessageView, method: SIPMethod, cseq: CSeq, at time: Timestamp) {
        switch method {
        case .invite where message.to?.tag == nil:
            let fromTag = message.from?.tag
            if let fromTag { _ = callerSideTags.insert(where: { message.equals(fromTag, $0) }, message.string(fromTag)) }
            let attempt = Attempt(cseq: cseq.number, branch: message.string(message.topViaBranch), final: nil)
            if attempts.isEmpty {
                // The first initial INVITE: it names the parties.
                callerTag = message.string(fromTag)
                attempts = [attempt]
                lastAttemptCSeq = cseq.number
                call.caller = caller(of: message)
                call.dialed = dialed(of: message)
                call.divertedFrom = divertedFrom(of: message)
            } else if !message.equals(fromTag, callerTag) {
                // Another hop's copy: a B2BUA or SBC leg that keeps the Call-ID (its own tags and CSeq space).
                let isNew = hopInvites.insert(where: { $0.cseq == cseq.number && message.equals(fromTag, $0.tag) },
                                              HopInvite(tag: message.string(fromTag), cseq: cseq.number))
                guard isNew else { return }
                recordMedia(message, from: .caller, at: time, key: .hopInvite(cseq: cseq.number, fromTag: message.string(fromTag) ?? ""))
                return
            } else if cseq.number <= lastAttemptCSeq || attempts.count >= Self.maxAttempts {
                return  // a proxy's copy (the caller's tags and CSeq, another branch), or an older transaction
            } else if call.answeredAt == nil, !attempts.contains(where: \.isPending) {
                // Re-sent after a 401/407 challenge, a redirect or a failure: this INVITE's answer is the outcome.
                attempts = [attempt]
                final = nil
                cancelledAt = nil
                cancelReasons = []
                otherBranchFinal = nil
                attemptFinal = nil
                call.finalStatus = nil
                legs.removeAll()
            } else {
                // Sent while an earlier one is still pending: an attempt beside it.
                attempts.append(attempt)
            }
            lastAttemptCSeq = cseq.number
            recordMedia(message, from: .caller, at: time, key: .initialInvite(cseq: cseq.number))
        case .invite, .update:
            // re-INVITE or UPDATE: an offer that may put the call on hold or resume it once answered.
            let sender = partyOfRequest(message)
            let offer = recordMedia(message, from: sender, at: time, key: .offer(method: method, cseq: cseq.number, sender: sender))
            let key = OfferKey(sender: sender, cseq: cseq.number, method: method.name)
            if isCallDialog(message), pendingOffers[key] == nil {  // the first hop's copy sets the time
                pendingOffers[key] = PendingOffer(time: time, offer: offer)
            }
        case .cancel:
            // The caller gives up once every attempt still pending is cancelled (RFC 3261 §9.1).
            guard call.answeredAt == nil, final == nil, cancelledAt == nil,
                  let index = attemptIndex(of: message, cseq: cseq.number) else { break }
            attempts[index].cancelled = true
            if !attempts.contains(where: \.isPending) {
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

    private mutating func handleResponse(_ message: SIPMessageView, status: Int, cseq: CSeq, at time: Timestamp) {
        // CSeq numbers are per direction (RFC 3261 §12.2.1.1): the From tag says whose request this answers.
        let toCallerRequest = isCallerSide(message.from?.tag, of: message)
        let responder: CallParty = toCallerRequest ? .callee : .caller
        guard cseq.method == .invite || cseq.method == .update else { return }
        if cseq.method == .invite, toCallerRequest {
            if let index = attemptIndex(of: message, cseq: cseq.number) {
                handleInitialResponse(message, status: status, cseq: cseq, attempt: index, at: time)
                return
            }
            let fromTag = message.from?.tag
            if hopInvites.contains(where: { $0.cseq == cseq.number && message.equals(fromTag, $0.tag) },
                                   HopInvite(tag: message.string(fromTag), cseq: cseq.number)) {
                handleInitialResponse(message, status: status, cseq: cseq, attempt: nil, at: time)
                return
            }
        }
        // An answer to an in-dialog offer.
        let key = OfferKey(sender: responder == .callee ? .caller : .callee, cseq: cseq.number, method: cseq.method.name)
        if (200...299).contains(status) {
            let answer = recordMedia(message, from: responder, at: time, key: .answer(status: status, method: cseq.method, cseq: cseq.number, responder: responder))
            if let pending = pendingOffers.removeValue(forKey: key) {
                if let offer = pending.offer { updateHold(offer: offer, at: pending.time) }
                else if let answer { updateHold(offer: answer, at: time) }  // offerless re-INVITE: the 2xx carries the offer
            }
        } else if status >= 300 {
            pendingOffers[key] = nil  // rejected (488, 491...): the media did not change
        }
    }

    /// `attempt`: the caller's attempt the response answers (on whatever hop), nil for another hop's copy.
    private mutating func handleInitialResponse(_ message: SIPMessageView, status: Int, cseq: CSeq, attempt: Int?, at time: Timestamp) {
        let tag = message.string(message.to?.tag)
        if status > 100, let tag {
            if let index = legs.firstIndex(of: tag) {
                let highest = max(legs.entries[index].value.highest, status)
                legs.entries[index].value.highest = highest
                legs.entries[index].value.leg.status = String(highest)
            } else {
                legs.append(tag, (CallLeg(id: tag, status: String(status), start: time, answered: false), status))
            }
        }
        // What the caller itself receives: a response on the attempt's own Via branch.
        let onInitialBranch = attempt.map { attempts[$0].branch == nil || message.equals(message.topViaBranch, attempts[$0].branch) } ?? false
        var endsAttempt = false  // the first final response of one of the caller's attempts
        if onInitialBranch, let attempt, status >= 200, attempts[attempt].final == nil {
            attempts[attempt].final = status
            endsAttempt = true
        }
        switch status {
        case 180...189:
            if call.pddMilliseconds == nil {
                call.pddMilliseconds = Duration3(nanoseconds: call.start.distance(to: time)).milliseconds
            }
            recordMedia(message, from: .callee, at: time, key: .provisional(status: status, cseq: cseq.number, toTag: tag ?? ""))
        case 200...299:
            recordMedia(message, from: .callee, at: time, key: .success(cseq: cseq.number, toTag: tag ?? ""))
            let answer = FinalResponse(status: status, time: tag.flatMap { firstAnswer[$0] } ?? time, reasons: message.reasons)
            if let tag, firstAnswer[tag] == nil { firstAnswer[tag] = time }
            let hop = message.string(message.from?.tag) ?? ""
            if onInitialBranch, !callerAnswerSeen {
                // The 2xx the caller received: its dialog is the call's, whatever other hops saw first.
                callerAnswerSeen = true
                if let previous = dialogs[hop], previous != tag, !dialogs.entries.contains(where: { $0.key != hop && $0.value == previous }),
                   let index = legs.firstIndex(of: previous) {
                    legs.entries[index].value.leg.answered = false
                    legs.entries[index].value.leg.answeredAt = nil
                }
                adoptAnswer(answer, tag: tag, hop: hop)
            } else if dialogs[hop] == nil {
                // The first 2xx of this hop: the call's answer until the caller's own is seen.
                if call.answeredAt == nil { adoptAnswer(answer, tag: tag, hop: hop) } else { markAnswered(tag, hop: hop, at: answer.time) }
            }
        case 300...699:
            if endsAttempt, attempts.contains(where: \.isPending) {
                // One attempt failed while another is still pending: not the end of the call yet.
                if call.answeredAt == nil { attemptFinal = FinalResponse(status: status, time: time, reasons: message.reasons) }
                return
            }
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

    /// Makes `tag`'s 2xx the call's answer (hop `hop`'s dialog).
    private mutating func adoptAnswer(_ answer: FinalResponse, tag: String?, hop: String) {
        call.answeredAt = answer.time
        call.finalStatus = answer.status
        final = answer
        callDialog = tag
        markAnswered(tag, hop: hop, at: answer.time)
    }

    /// Records `tag` as hop `hop`'s answered dialog.
    private mutating func markAnswered(_ tag: String?, hop: String, at time: Timestamp) {
        guard let tag else { return }
        dialogs[hop] = tag
        if let index = legs.firstIndex(of: tag) {
            legs.entries[index].value.leg.answered = true
            legs.entries[index].value.leg.answeredAt = time
        }
    }

    /// The caller's attempt a response or CANCEL belongs to: the caller's From tag and an attempt's CSeq.
    private func attemptIndex(of message: SIPMessageView, cseq: UInt32) -> Int? {
        let fromTag = message.from?.tag
        guard fromTag == nil || message.equals(fromTag, callerTag) else { return nil }  // a tag lost to damage: as the caller's
        return attempts.firstIndex { $0.cseq == cseq }
    }

    /// A request comes from the caller when its From tag is one of the caller side's tags.
    private func partyOfRequest(_ message: SIPMessageView) -> CallParty {
        isCallerSide(message.from?.tag, of: message) ? .caller : .callee
    }

    private func isCallerSide(_ tag: Range<Int>?, of message: SIPMessageView) -> Bool {
        guard let tag, !callerSideTags.isEmpty else { return true }
        return callerSideTags.contains(where: { message.equals(tag, $0) }, message.string(tag))
    }

    /// Whether an in-dialog request belongs to the call's dialog (or any, before an answer).
    private func isCallDialog(_ message: SIPMessageView) -> Bool {
        guard let callDialog else { return true }
        return message.equals(message.to?.tag, callDialog) || message.equals(message.from?.tag, callDialog)
    }

    /// Whether an in-dialog request belongs to one of the hops' answered dialogs (or any, before an answer).
    private func isAnsweredDialog(_ message: SIPMessageView) -> Bool {
        guard !dialogs.isEmpty else { return true }
        return dialogs.entries.contains { message.equals(message.to?.tag, $0.value) || message.equals(message.from?.tag, $0.value) }
    }

    /// Records an SDP body once per `key` (the same body relayed on another hop is not repeated).
    @discardableResult
    private mutating func recordMedia(_ message: SIPMessageView, from party: CallParty, at time: Timestamp, key: @autoclosure () -> MediaKey) -> MediaOffer? {
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
        if seenMedia.insert(key()) { call.media.append(offer) }
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

    private func caller(of invite: SIPMessageView) -> String? {
        for source in options.callerOrder {
            let user: String?
            switch source {
            case .pai: user = invite.assertedIdentities.lazy.compactMap(\.user).first
            case .rpid: user = invite.remotePartyIDs.lazy.compactMap(\.user).first
            case .from: user = invite.from.flatMap { SIPURI.user(of: invite.string($0.uri)) }
            }
            if let user, !user.isEmpty { return PhoneNumber.normalize(user) }
        }
        return nil
    }

    private func dialed(of invite: SIPMessageView) -> String? {
        for source in options.dialedOrder {
            let user: String?
            switch source {
            case .ruri: user = invite.requestURI.flatMap { SIPURI.user(of: invite.string($0)) }
            case .to: user = invite.to.flatMap { SIPURI.user(of: invite.string($0.uri)) }
            }
            if let user, !user.isEmpty { return PhoneNumber.normalize(user) }
        }
        return nil
    }

    /// The original called number: the last (oldest) Diversion entry (RFC 5806 §4: each
    /// diversion is added on top), else the first History-Info entry when the request was retargeted.
    private func divertedFrom(of invite: SIPMessageView) -> String? {
        if let user = invite.diversions.last?.user { return PhoneNumber.normalize(user) }
        if invite.historyInfo.count > 1, let user = invite.historyInfo.first?.user {
            let number = PhoneNumber.normalize(user)
            return number == call.dialed ? nil : number
        }
        return nil
    }

    /// The call as it stands; `truncatedAtEnd` when the input ended before the call did.
    /// Consuming: a state made final is moved into the call, not copied.
    consuming func finished(truncatedAtEnd: Bool) -> Call {
        var result = call
        let answered = call.answeredAt != nil
        // An attempt's or a forked branch's failure stands in only when the caller's own final was not captured.
        let final = self.final ?? (answered ? nil : attemptFinal ?? otherBranchFinal)
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
        result.legs = legs.entries.map(\.value.leg).sorted { ($0.start, $0.id) < ($1.start, $1.id) }
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
