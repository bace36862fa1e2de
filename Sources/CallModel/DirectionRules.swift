/// Decides whether a call is inbound, outbound or internal from its numbers
/// (README "Direction"; `--own-numbers`, `--extension-pattern`).
///
/// - An *extension* is a number matching the extension pattern (default: 2 to 5 digits).
/// - An *own number* is one of the site's public numbers (tracking numbers, DIDs, main lines):
///   exact numbers, or prefixes written with a trailing `*`.
///
/// Rules, in order: caller and dialled both extensions -> internal; the call waited in a queue
/// -> inbound; caller an extension or an own number (and the dialled number not an extension)
/// -> outbound; dialled an extension or an own number -> inbound; otherwise unknown (nil).
public struct DirectionRules: Sendable {
    public var ownNumbers: [String]
    /// Minimum and maximum digits of an extension (a leading `+` is never an extension).
    public var extensionDigits: ClosedRange<Int>?
    /// A custom pattern instead of `extensionDigits`: digits and `X` (any digit), `N` (2-9),
    /// `[1-5]` ranges and `.` (one or more more characters), as in Asterisk dial patterns.
    public var extensionPattern: String?
    /// Numbers of agents, in the same pattern language (`--agent-pattern`): the side of a call
    /// whose number matches is the agent in talk analysis, whatever the direction.
    public var agentPattern: String?

    public init(ownNumbers: [String] = [], extensionDigits: ClosedRange<Int>? = 2...5, extensionPattern: String? = nil, agentPattern: String? = nil) {
        self.ownNumbers = ownNumbers.map(PhoneNumber.normalize)
        self.extensionDigits = extensionDigits
        self.extensionPattern = extensionPattern
        self.agentPattern = agentPattern
    }

    /// Which side of `call` is the agent: the side whose number matches `agentPattern` (the
    /// caller first); otherwise the caller of an outbound call and the callee of any other.
    public func agentParty(of call: Call) -> CallParty {
        if let agentPattern {
            if let caller = call.caller, Self.matches(Array(caller), Array(agentPattern)) { return .caller }
            if let dialed = call.dialed, Self.matches(Array(dialed), Array(agentPattern)) { return .callee }
        }
        return call.direction == .outbound ? .caller : .callee
    }

    /// Decides what the site's numbers say about `call`: its direction when it has none or
    /// waited in a queue, the agent of an outbound call (the extension that dialled, README
    /// "Direction"), and which side of its talk summary is the agent.
    public func apply(to call: inout Call) {
        if call.direction == nil || (call.queue != nil && call.direction != .inbound) {
            let decided = direction(of: call)
            call.direction = decided
            if decided == .outbound, let caller = call.caller, isExtension(caller) { call.agent = caller }
        }
        if let talk = call.talk { call.talk = talk.withAgent(agentParty(of: call)) }
    }

    public func direction(of call: Call) -> CallDirection? {
        let callerExtension = call.caller.map(isExtension) ?? false
        let dialedExtension = call.dialed.map(isExtension) ?? false
        let callerOwn = call.caller.map(isOwn) ?? false
        let dialedOwn = call.dialed.map(isOwn) ?? false
        if callerExtension && dialedExtension { return .internal }
        if call.queue != nil { return .inbound }
        if (callerExtension || callerOwn) && !dialedExtension { return .outbound }
        if dialedExtension || dialedOwn { return .inbound }
        return nil
    }

    public func isOwn(_ number: String) -> Bool {
        ownNumbers.contains { own in
            own.hasSuffix("*") ? number.hasPrefix(own.dropLast()) : number == own
        }
    }

    public func isExtension(_ number: String) -> Bool {
        if let extensionPattern { return Self.matches(Array(number), Array(extensionPattern)) }
        // ASCII digits only, counted on bytes (no grapheme breaking: this runs twice per call).
        guard let extensionDigits, number.utf8.allSatisfy({ $0 &- 0x30 < 10 }) else { return false }
        return extensionDigits.contains(number.utf8.count)
    }

    /// Asterisk-style dial pattern match (`_` prefix optional).
    static func matches(_ text: [Character], _ pattern: [Character]) -> Bool {
        var p = pattern[...]
        if p.first == "_" { p = p.dropFirst() }
        var t = text[...]
        while let c = p.first {
            p = p.dropFirst()
            switch c {
            case ".": return !t.isEmpty
            case "X": guard let d = t.first, d.isNumber else { return false }
            case "Z": guard let d = t.first, d.isNumber, d != "0" else { return false }
            case "N": guard let d = t.first, d.isNumber, d != "0", d != "1" else { return false }
            case "[":
                guard let close = p.firstIndex(of: "]"), let d = t.first else { return false }
                let set = Array(p[p.startIndex..<close])
                p = p[p.index(after: close)...]
                var inSet = false
                var i = 0
                while i < set.count {
                    if i + 2 < set.count, set[i + 1] == "-" {
                        if set[i] <= d && d <= set[i + 2] { inSet = true }
                        i += 3
                    } else {
                        if set[i] == d { inSet = true }
                        i += 1
                    }
                }
                guard inSet else { return false }
            default:
                guard t.first == c else { return false }
            }
            t = t.dropFirst()
        }
        return t.isEmpty
    }
}
