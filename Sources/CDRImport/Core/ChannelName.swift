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
        var channel = channel
        // On the string's bytes (String.UTF8View index arithmetic cost about 2,800 instructions a channel).
        return channel.withUTF8 { utf8 -> String? in
            var lo = 0, hi = utf8.count
            let slash = utf8.firstIndex(of: UInt8(ascii: "/"))
            if let slash { lo = slash + 1 }
            let hasAt = utf8.contains(UInt8(ascii: "@"))
            if let at = utf8[lo..<hi].firstIndex(of: UInt8(ascii: "@")) {
                hi = at
            } else if let semicolon = utf8[lo..<hi].firstIndex(of: UInt8(ascii: ";")) {
                hi = semicolon
            }
            if slash != nil, !hasAt, let dash = utf8[lo..<hi].lastIndex(of: UInt8(ascii: "-")), dash != lo {
                hi = dash
            }
            while lo < hi, utf8[lo] == UInt8(ascii: " ") { lo += 1 }
            while hi > lo, utf8[hi - 1] == UInt8(ascii: " ") { hi -= 1 }
            return lo < hi ? String(decoding: UnsafeBufferPointer(rebasing: utf8[lo..<hi]), as: UTF8.self) : nil
        }
    }
}
