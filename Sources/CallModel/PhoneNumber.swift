/// Normalisation of telephone numbers for output and matching.
public enum PhoneNumber {
    /// Removes visual separators (space, `-`, `.`, `(`, `)`, RFC 3966 §5.1.1) from a user part that
    /// is a telephone number once they are gone (`+` then digits, `*` or `#`). A leading `+` is kept.
    /// Anything else (`alice`, `anonymous`) is returned unchanged.
    public static func normalize(_ user: String) -> String {
        // Most user parts are numbers with nothing to remove: returned as they are, read on bytes.
        var plain = true
        for (offset, c) in user.utf8.enumerated() {
            let digitLike = (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "*") || c == UInt8(ascii: "#")
            if !(digitLike || (c == UInt8(ascii: "+") && offset == 0)) { plain = false; break }
        }
        if plain { return user }
        var out = ""
        out.reserveCapacity(user.utf8.count)
        for (offset, c) in user.enumerated() {
            switch c {
            case " ", "-", ".", "(", ")": continue
            case "0"..."9", "*", "#": out.append(c)
            case "+" where offset == 0: out.append(c)
            default: return user
            }
        }
        return out.isEmpty || out == "+" ? user : out
    }
}
