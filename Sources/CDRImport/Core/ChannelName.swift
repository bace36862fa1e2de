/// Agent names from PBX channel strings (docs/cdr-formats.md, "Common").
public enum ChannelName {
    /// The device or agent a channel belongs to: technology prefix, `@context` and the unique
    /// channel suffix removed. `SIP/201-0000001a` -> `201`, `PJSIP/agent7-00000a3f` -> `agent7`,
    /// `Local/201@from-queue-00000012;1` -> `201`, `Agent/1001` -> `1001`, `DAHDI/1-1` -> `1`.
    /// Nil for an empty channel.
    public static func agent(_ channel: String) -> String? {
        var name = Substring(channel)
        if let slash = name.firstIndex(of: "/") { name = name[name.index(after: slash)...] }
        if let at = name.firstIndex(of: "@") {
            name = name[..<at]
        } else if let semicolon = name.firstIndex(of: ";") {
            name = name[..<semicolon]
        }
        if channel.contains("/"), !channel.contains("@"), let dash = name.lastIndex(of: "-"), dash != name.startIndex {
            name = name[..<dash]
        }
        let trimmed = name.trimmingCharacters(in: [" "])
        return trimmed.isEmpty ? nil : trimmed
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Set<Character>) -> String {
        var s = self
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
