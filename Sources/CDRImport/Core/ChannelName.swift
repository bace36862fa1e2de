/// Agent names from PBX channel strings (docs/cdr-formats.md, "Common").
public enum ChannelName {
    /// The device or agent a channel belongs to: technology prefix, `@context` and the unique
    /// channel suffix removed. `SIP/201-0000001a` -> `201`, `PJSIP/agent7-00000a3f` -> `agent7`,
    /// `Local/201@from-queue-00000012;1` -> `201`, `Agent/1001` -> `1001`, `DAHDI/1-1` -> `1`.
    /// Nil for an empty channel.
    ///
    /// Works on the UTF-8 bytes: every delimiter is ASCII, so byte positions are character
    /// boundaries.
    public static func agent(_ channel: String) -> String? {
        let utf8 = channel.utf8
        var lo = utf8.startIndex, hi = utf8.endIndex
        let slash = utf8.firstIndex(of: UInt8(ascii: "/"))
        if let slash { lo = utf8.index(after: slash) }
        let hasAt = utf8.contains(UInt8(ascii: "@"))
        if let at = utf8[lo..<hi].firstIndex(of: UInt8(ascii: "@")) {
            hi = at
        } else if let semicolon = utf8[lo..<hi].firstIndex(of: UInt8(ascii: ";")) {
            hi = semicolon
        }
        if slash != nil, !hasAt, let dash = utf8[lo..<hi].lastIndex(of: UInt8(ascii: "-")), dash != lo {
            hi = dash
        }
        while lo < hi, utf8[lo] == UInt8(ascii: " ") { lo = utf8.index(after: lo) }
        while hi > lo, utf8[utf8.index(before: hi)] == UInt8(ascii: " ") { hi = utf8.index(before: hi) }
        return lo < hi ? String(channel[lo..<hi]) : nil
    }
}
