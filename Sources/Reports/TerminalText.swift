/// Text from input made safe to show on a terminal: control characters become visible escapes.
///
/// Caller IDs, display names, URIs and CDR fields are written by whoever places the call. Printed
/// raw, `ESC ] 0 ; title BEL` retitles the lead's terminal and `ESC [ 31 m` recolours it (ECMA-48
/// §5.4, §8.3.89), and a right-to-left override (U+202E) reorders what follows it on the line
/// (Unicode UAX #9 §2). Every table cell and diagnostic goes through ``escaped(_:)``:
/// - C0 controls (U+0000-U+001F), DEL (U+007F) and C1 controls (U+0080-U+009F) become `\xNN`;
/// - bidirectional formatting characters (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069)
///   become `\uNNNN`.
/// Everything else, non-ASCII letters included, is shown as written. The stored and machine
/// outputs keep the raw value (JSON escapes C0 itself, RFC 8259 §7).
public enum TerminalText {
    /// `text` with every control and bidirectional formatting character written as a visible escape.
    /// - Complexity: O(n); returns `text` itself (no copy) when there is nothing to escape.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                out.unicodeScalars.append(scalar)
                continue
            }
            let value = scalar.value
            if value <= 0xFF {
                out += "\\x" + hex(value, digits: 2)
            } else {
                out += "\\u" + hex(value, digits: 4)
            }
        }
        return out
    }

    /// Whether `scalar` is a control or bidirectional formatting character (see the type's rules).
    @inline(__always)
    public static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        switch value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
