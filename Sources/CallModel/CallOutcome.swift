/// How a call ended, in one fixed vocabulary shared by captures and CDR files.
///
/// The mapping from SIP status codes and Q.850 causes is documented in the README
/// ("Outcomes") and implemented by `CallOutcome.classify(status:q850Cause:cancelled:)`.
public enum CallOutcome: String, Sendable, Hashable, CaseIterable, Codable {
    /// A 2xx answered the initial INVITE.
    case answered
    /// 486, 600, or Q.850 cause 17 (user busy).
    case busy
    /// 480, 408, or Q.850 causes 18/19 (no user responding / no answer).
    case noAnswer = "no_answer"
    /// The caller gave up before an answer: CANCEL, or 487 Request Terminated.
    case abandoned
    /// Refused by the far end: 403, 404, 484, 603 and every other 4xx/6xx not listed here.
    case rejected
    /// The network could not carry the call: 5xx, Q.850 causes 34/38/41/42.
    case congestion
    /// 3xx: the call was redirected elsewhere.
    case redirected
    /// No final response was seen.
    case unknown
    /// CDR only: a system (IVR, announcement, voicemail) answered and the call ended there,
    /// before reaching any queue or person: not an abandon of a queue (README "Outcomes").
    case ivrDropoff = "ivr_dropoff"

    /// Classifies the final response of an initial INVITE (RFC 3261 §21, ITU-T Q.850 §2.2.7).
    ///
    /// - Parameters:
    ///   - status: the final status code, or `nil` when none was seen.
    ///   - q850Cause: the Q.850 cause of the Reason header of the message that ended the call.
    ///   - cancelled: whether the caller sent CANCEL before any 2xx.
    /// SIP codes named in the vocabulary win; a Q.850 cause decides for the others.
    public static func classify(status: Int?, q850Cause: Int?, cancelled: Bool) -> CallOutcome {
        if let status, (200...299).contains(status) { return .answered }
        if cancelled || status == 487 { return .abandoned }
        guard let status else { return .unknown }
        switch status {
        case 486, 600: return .busy
        case 480, 408: return .noAnswer
        case 500, 502, 503, 504: return .congestion
        case 403, 404, 484, 603: return .rejected
        case 300...399: return .redirected
        default: break
        }
        switch q850Cause {
        case 17: return .busy
        case 18, 19: return .noAnswer
        case 34, 38, 41, 42: return .congestion
        default: break
        }
        switch status {
        case 500...599: return .congestion
        case 400...499, 600...699: return .rejected
        default: return .unknown
        }
    }
}

/// Which side of a call did something (sent the BYE, cancelled, rejected).
public enum CallParty: String, Sendable, Hashable, Codable {
    case caller
    case callee
}
