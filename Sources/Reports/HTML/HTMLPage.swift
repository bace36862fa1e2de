/// One part of a page: an anchor, a heading and its content.
///
/// Pages are lists of sections: the HTML report is every section on one page; a web view over
/// the store can serve the same sections one or a few per page (`/lost`, `/agents`...) through
/// the same ``HTMLPage/render(title:header:sections:)``.
public struct HTMLSection: Sendable {
    /// The fragment id (`#lost`), our own constant.
    public var id: StaticString
    public var title: String
    public var body: Markup

    public init(id: StaticString, title: String, body: Markup) { self.id = id; self.title = title; self.body = body }
}

/// A self-contained HTML page: inline CSS, no script, no network, no web fonts, printable on A4.
///
/// The page carries a Content-Security-Policy that forbids every script, every fetch and every
/// plugin (`default-src 'none'`; inline styles and `data:` images only): if a value from input
/// ever escaped ``MarkupEscaping``, the browser would still run nothing.
public enum HTMLPage {
    public static let contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

    /// The whole document: head, the header, a table of contents, then the sections.
    /// - Parameter refreshSeconds: a `<meta http-equiv="refresh">` that reloads the page (a
    ///   dashboard page following a store being written); nil for none.
    /// - Parameter policy: the page's Content-Security-Policy (a served page allows forms to itself).
    public static func render(title: String, header: Markup, sections: [HTMLSection], refreshSeconds: Int? = nil,
                              policy: String = contentSecurityPolicy) -> String {
        let contents = Markup.element("nav", ["class": "toc"], sections.map { section in
            .element("a", ["href": "#" + section.id.description], text: section.title)
        })
        let body = Markup(sections.map { section in
            Markup.element("section", ["id": section.id.description], [.element("h2", text: section.title), section.body])
        })
        return "<!DOCTYPE html>\n" + Markup.element("html", ["lang": "en"], [
            .element("head", [:], [
                .leaf("meta", ["charset": "utf-8"]),
                .leaf("meta", ["http-equiv": "Content-Security-Policy", "content": policy]),
                .leaf("meta", ["name": "viewport", "content": "width=device-width, initial-scale=1"]),
                .leaf("meta", ["name": "generator", "content": "callscope"]),
                refreshSeconds.map { Markup.leaf("meta", ["http-equiv": "refresh", "content": String($0)]) } ?? .empty,
                .element("title", text: title),
                .element("style", [:], [.raw(css)]),
            ]),
            .element("body", [:], [.element("header", [:], [header]), contents, .element("main", [:], [body])]),
        ]).html + "\n"
    }

    /// Laptop-first layout (readable at 1280 px), system fonts, print rules for A4.
    static let css: StaticString = """
        :root { color-scheme: light; --ink: #1d1d1f; --muted: #5f6368; --line: #dadce0; --up: #0072B2; --down: #D55E00; }
        * { box-sizing: border-box; }
        body { margin: 0 auto; padding: 16px 24px 48px; max-width: 1240px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: var(--ink); background: #fff; }
        header h1 { font-size: 24px; margin: 8px 0 4px; }
        dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0 12px; color: var(--muted); }
        dl.meta dt { font-weight: 600; } dl.meta dd { margin: 0; overflow-wrap: anywhere; }
        .warning { border-left: 4px solid var(--down); padding: 6px 10px; background: #fff4ec; }
        nav.toc { display: flex; flex-wrap: wrap; gap: 4px 14px; padding: 8px 0; border-bottom: 1px solid var(--line); margin-bottom: 8px; }
        nav.toc a { color: var(--up); text-decoration: none; }
        nav.site { display: flex; flex-wrap: wrap; gap: 4px 18px; padding: 8px 0; border-bottom: 2px solid var(--ink); font-weight: 600; }
        nav.site a { color: var(--up); text-decoration: none; } nav.site a.current { color: var(--ink); }
        form.filters { display: flex; flex-wrap: wrap; gap: 6px 12px; align-items: flex-end; margin: 10px 0; }
        form.filters label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); }
        .ladder-wrap { overflow-x: auto; } svg.ladder { max-width: none; } svg.ladder .host { font-weight: 600; }
        .pages { display: flex; gap: 14px; margin: 8px 0; }
        h2 { font-size: 18px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
        .tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 10px; }
        .tile { border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
        .tile .name { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .03em; }
        .tile .figure { font-size: 26px; font-weight: 650; font-variant-numeric: tabular-nums; }
        .tile .previous, .tile .target { font-size: 12px; color: var(--muted); }
        .better { color: var(--up); font-weight: 600; } .worse { color: var(--down); font-weight: 600; }
        .met { color: var(--up); } .missed { color: var(--down); font-weight: 600; }
        figure { margin: 0 0 18px; } svg { max-width: 100%; height: auto; display: block; }
        svg .chart-title { font-size: 14px; font-weight: 600; }
        table { border-collapse: collapse; margin: 6px 0 12px; font-variant-numeric: tabular-nums; }
        th, td { border-bottom: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; }
        thead th { background: #f6f8fa; font-weight: 600; }
        td.num, th.num { text-align: right; }
        td { max-width: 28em; overflow-wrap: anywhere; }
        table.numbers { font-size: 12px; }
        details summary { cursor: pointer; color: var(--muted); }
        p.note { color: var(--muted); margin: 4px 0 10px; }
        @media print {
          @page { size: A4; margin: 12mm; }
          body { max-width: none; padding: 0; font-size: 10pt; }
          nav.toc { display: none; }
          figure, .tile, tr { break-inside: avoid; }
          h2 { break-after: avoid; }
          details { display: none; }
          a { color: inherit; text-decoration: none; }
        }
        """
}
