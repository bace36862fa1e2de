import CallModel
@testable import CallStore
import Foundation

let t0 = Timestamp(year: 2026, month: 3, day: 2, hour: 9, minute: 0, second: 0)

func at(_ seconds: Int64) -> Timestamp { Timestamp(nanoseconds: t0.nanoseconds + seconds * 1_000_000_000) }

/// A CDR call starting `seconds` after `t0`.
func cdrCall(_ id: String, _ seconds: Int64, source: String = "Master.csv", truncated: Bool = false, caller: String = "+442071234567") -> Call {
    Call(callID: id, source: source, start: at(seconds), caller: caller, dialed: "+448001234567",
         outcome: .answered, finalStatus: nil, answeredAt: at(seconds + 5), endedAt: truncated ? nil : at(seconds + 65),
         agent: "SIP/201", queue: "sales", waitNanoseconds: 5_000_000_000, direction: .inbound,
         format: "asterisk-csv", packets: 1, truncated: truncated,
         legs: [CallLeg(id: id, status: "ANSWERED", start: at(seconds), answered: true, destination: "SIP/201",
                        answeredAt: at(seconds + 5), endedAt: truncated ? nil : at(seconds + 65))])
}

func identity(_ name: String, _ content: String = "") -> FileIdentity {
    FileIdentity(path: "/data/" + name, size: Int64(content.utf8.count), sha256: SHA256.hex(of: Array((name + content).utf8)))
}

extension ImportOutcome {
    var counts: ImportCounts? {
        if case .imported(_, let counts) = self { return counts }
        return nil
    }
    var isAlreadyImported: Bool {
        if case .alreadyImported = self { return true }
        return false
    }
}
