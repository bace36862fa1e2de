import CallModel
import Reports

/// The dashboard's URLs: our own paths with every value from input percent-encoded
/// (``MarkupEscaping/urlComponent(_:)``), so a Call-ID or agent name stays one path segment or
/// one query value whatever it holds.
enum Links {
    static func component(_ value: String) -> String { MarkupEscaping.urlComponent(value) }

    /// `/calls/<start ns>-<Call-ID>`: the key of a stored call.
    static func call(_ callID: String, start: Timestamp) -> String {
        "/calls/" + component(CallKey(callID: callID, start: start).text)
    }

    /// The calls of one agent (or caller) in the range.
    static func calls(where condition: String, range: DashboardRange) -> String {
        "/calls?" + range.query + "&where=" + component(condition)
    }

    static func report(_ range: DashboardRange) -> HTMLReportLinks {
        HTMLReportLinks(
            call: { callID, start in Links.call(callID, start: start) },
            agent: { name in Links.calls(where: "agent=" + name, range: range) },
            caller: { number in "/calls?" + range.query + "&q=" + component(number) },
            lost: "/lost?" + range.query)
    }
}

/// A stored call's key in URLs: its start in nanoseconds and its Call-ID (or CDR key), which
/// together name one stored call (`CallDatabase.call(callID:start:)`).
struct CallKey: Sendable, Hashable {
    var callID: String
    var start: Timestamp

    var text: String { "\(start.nanoseconds)-\(callID)" }

    /// Reads `1772442000123456789-abc@host` (a negative start has a leading `-`).
    init?(_ text: String) {
        let negative = text.hasPrefix("-")
        let body = negative ? text.dropFirst() : Substring(text)
        guard let dash = body.firstIndex(of: "-"), let magnitude = Int64(body[..<dash]) else { return nil }
        start = Timestamp(nanoseconds: negative ? -magnitude : magnitude)
        callID = String(body[body.index(after: dash)...])
    }

    init(callID: String, start: Timestamp) { self.callID = callID; self.start = start }
}
