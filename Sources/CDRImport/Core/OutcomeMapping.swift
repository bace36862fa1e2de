import CallModel

/// How PBX vocabularies map to `CallOutcome` (the README's "CDR outcomes" table).
public enum OutcomeMapping {
    /// Asterisk `disposition` (cdr.conf): ANSWERED, NO ANSWER, BUSY, FAILED, CONGESTION, CANCEL.
    public static func asteriskDisposition(_ disposition: String) -> CallOutcome {
        switch disposition.uppercased() {
        case "ANSWERED": .answered
        case "NO ANSWER", "NOANSWER": .noAnswer
        case "BUSY": .busy
        case "FAILED": .rejected
        case "CONGESTION": .congestion
        case "CANCEL", "CANCELLED", "CANCELED": .abandoned
        default: .unknown
        }
    }

    /// The outcome of a call that never connected, from its Q.850 cause value (ITU-T Q.850
    /// Table 1), as CUCM writes it. Normal clearing before an answer means the caller hung up.
    public static func unconnectedQ850(_ cause: Int) -> CallOutcome {
        switch cause {
        case 16, 31: .abandoned
        case 17: .busy
        case 18, 19: .noAnswer
        case 34, 38, 41, 42, 44, 47: .congestion
        case 1, 3, 21, 22, 27, 28: .rejected
        default: .unknown
        }
    }

    /// A FreeSWITCH `hangup_cause` name and its Q.850 value (FreeSWITCH hangup cause table).
    public static func freeswitchCause(_ name: String) -> (outcome: CallOutcome, q850: Int?) {
        switch name.uppercased() {
        case "NORMAL_CLEARING": (.answered, 16)
        case "USER_BUSY": (.busy, 17)
        case "NO_USER_RESPONSE": (.noAnswer, 18)
        case "NO_ANSWER": (.noAnswer, 19)
        case "ORIGINATOR_CANCEL": (.abandoned, 487)
        case "CALL_REJECTED": (.rejected, 21)
        case "UNALLOCATED_NUMBER": (.rejected, 1)
        case "NO_ROUTE_DESTINATION": (.rejected, 3)
        case "USER_NOT_REGISTERED": (.rejected, 606)
        case "SUBSCRIBER_ABSENT": (.noAnswer, 20)
        case "NORMAL_CIRCUIT_CONGESTION": (.congestion, 34)
        case "SWITCH_CONGESTION": (.congestion, 42)
        case "NETWORK_OUT_OF_ORDER": (.congestion, 38)
        case "DESTINATION_OUT_OF_ORDER": (.congestion, 27)
        case "RECOVERY_ON_TIMER_EXPIRE": (.noAnswer, 102)
        case "NORMAL_TEMPORARY_FAILURE": (.congestion, 41)
        case "ALLOTTED_TIMEOUT": (.noAnswer, 602)
        case "LOSE_RACE", "PICKED_OFF": (.abandoned, nil)
        default: (.unknown, nil)
        }
    }
}
