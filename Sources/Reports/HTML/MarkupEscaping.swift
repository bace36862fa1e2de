/// Text from input made safe inside HTML and SVG: character data, attribute values, URL parts
/// and links (README "Security model").
///
/// Caller IDs, display names, URIs, user agents and CDR fields are written by whoever places the
/// call; a page that shows them raw is a stored-XSS hole. The rules:
/// - text and attribute values: first ``TerminalText/escaped(_:)`` (C0, DEL and C1 controls as
///   `\xNN`, which XML 1.0 §2.2 forbids anyway; bidirectional formatting characters such as
///   U+202E as `\uNNNN`, so a caller cannot reorder the page, UAX #9 §2), then `& < > " '` as
///   entities (HTML Living Standard §13.1.2.3-4, XML 1.0 §2.4). Attribute values are always
///   written double-quoted, so the same escaping serves both, in HTML and in inline SVG;
/// - a URL part (path segment, query value): UTF-8 percent-encoded except the unreserved
///   characters of RFC 3986 §2.3;
/// - a whole URL from input (`href`, `src`): only `http`, `https`, `mailto`, `tel` or a
///   relative reference survive (scheme read as a browser does, WHATWG URL §4.4: leading C0
///   and spaces skipped, tabs and line breaks ignored, any case); `javascript:`, `data:`,
///   `vbscript:` and every other scheme give nil.
public enum MarkupEscaping {
    /// `text` as HTML/SVG character data or a double-quoted attribute value.
    /// - Complexity: O(n); returns `text` itself when there is nothing to escape.
    public static func text(_ text: String) -> String {
        let visible = TerminalText.escaped(text)
        guard visible.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else {
            return visible
        }
        var out = ""
        out.reserveCapacity(visible.utf8.count + 16)
        for scalar in visible.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `value` as a double-quoted attribute value (the same rules as ``text(_:)``).
    public static func attribute(_ value: String) -> String { text(value) }

    /// `part` percent-encoded for a URL path segment or query value: every byte of its UTF-8
    /// form except `A-Z a-z 0-9 - . _ ~` as `%XX` (RFC 3986 §2.1, §2.3).
    public static func urlComponent(_ part: String) -> String {
        var out = ""
        out.reserveCapacity(part.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in part.utf8 {
            switch byte {
            case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, 0x2D, 0x2E, 0x5F, 0x7E:
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(byte >> 4)]))
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(byte & 0x0F)]))
            }
        }
        return out
    }

    /// The schemes a link from input may have.
    public static let allowedSchemes: Set<String> = ["http", "https", "mailto", "tel"]

    /// A URL from input ready for an `href` or `src` attribute (escaped as ``attribute(_:)``),
    /// or nil when a browser would run it or read it with another scheme than ``allowedSchemes``.
    public static func safeURL(_ url: String) -> String? {
        // What a browser parses: leading C0 controls and spaces skipped, tab/LF/CR removed anywhere.
        let scalars = url.unicodeScalars.drop { $0.value <= 0x20 }.filter { $0 != "\t" && $0 != "\n" && $0 != "\r" }
        var scheme = ""
        for scalar in scalars {
            if scalar == ":" {
                guard allowedSchemes.contains(scheme.lowercased()) else { return nil }
                break
            }
            // A '/', '?' or '#' before any ':' makes a relative reference (RFC 3986 §4.2).
            if scalar == "/" || scalar == "?" || scalar == "#" { break }
            scheme.unicodeScalars.append(scalar)
        }
        return attribute(url)
    }
}
