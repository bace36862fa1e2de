/// A piece of HTML (or inline SVG) that is safe to put in a page: built from escaped text,
/// elements with escaped attribute values, and our own constant markup.
///
/// Why a type: the escaped path is the easy one. `Markup(text:)` and every attribute value go
/// through ``MarkupEscaping``; the only way to write markup unescaped is ``raw(_:)``, which takes
/// a `StaticString`, so only a literal in our source can be raw, never a value from input.
/// Tag and attribute names are `StaticString` for the same reason.
public struct Markup: Sendable, Hashable {
    /// The markup as written into the page.
    public private(set) var html: String

    private init(html: String) { self.html = html }

    /// `text` escaped as character data (``MarkupEscaping/text(_:)``).
    public init(text: String) { html = MarkupEscaping.text(text) }

    public static let empty = Markup(html: "")

    /// Markup written by us: a literal in our source, written as it is.
    public static func raw(_ constant: StaticString) -> Markup { Markup(html: constant.description) }

    /// `<tag a="v"...>children</tag>`; attributes with a nil value are left out.
    public static func element(_ tag: StaticString, _ attributes: KeyValuePairs<StaticString, String?> = [:], _ children: [Markup]) -> Markup {
        var html = open(tag, attributes) + ">"
        for child in children { html += child.html }
        html += "</" + tag.description + ">"
        return Markup(html: html)
    }

    /// `<tag a="v"...>text</tag>` with `text` escaped.
    public static func element(_ tag: StaticString, _ attributes: KeyValuePairs<StaticString, String?> = [:], text: String) -> Markup {
        element(tag, attributes, [Markup(text: text)])
    }

    /// `<tag a="v".../>`: an element with no content (HTML void elements, SVG shapes).
    public static func leaf(_ tag: StaticString, _ attributes: KeyValuePairs<StaticString, String?> = [:]) -> Markup {
        Markup(html: open(tag, attributes) + "/>")
    }

    private static func open(_ tag: StaticString, _ attributes: KeyValuePairs<StaticString, String?>) -> String {
        var html = "<" + tag.description
        for (name, value) in attributes {
            guard let value else { continue }
            html += " " + name.description + "=\"" + MarkupEscaping.attribute(value) + "\""
        }
        return html
    }

    /// The pieces one after another.
    public init(_ pieces: [Markup]) { html = pieces.map(\.html).joined() }

    public static func + (a: Markup, b: Markup) -> Markup { Markup(html: a.html + b.html) }

    public static func += (a: inout Markup, b: Markup) { a.html += b.html }
}
