import CallMetrics

/// Charts as inline SVG drawn by our code (no script, no network): grouped bars, lines and a
/// weekday x hour heatmap, each with axes, units, a legend, a `<title>` and `<desc>`, and its
/// numbers as a table beside it (the text alternative, WCAG 2.1 §1.1.1).
///
/// Colours are the Okabe-Ito palette (Okabe & Ito, "Color Universal Design", 2008), chosen to
/// stay distinct under the common colour-vision deficiencies; the heatmap uses ColorBrewer's
/// single-hue "Blues" ramp, which is readable in grey. Every label goes through ``Markup``.
public enum SVGChart {
    /// Okabe-Ito colours by role.
    public enum Colour {
        public static let blue = "#0072B2", green = "#009E73", vermillion = "#D55E00", orange = "#E69F00"
        public static let sky = "#56B4E9", purple = "#CC79A7", grey = "#999999"
    }

    /// ColorBrewer Blues, 6 classes, light to dark.
    static let ramp = ["#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]

    /// One line or set of bars.
    public struct Series: Sendable {
        public var name: String
        public var colour: String
        /// Parallel to the chart's categories; nil = no value (a gap).
        public var values: [Double?]
        public init(name: String, colour: String, values: [Double?]) { self.name = name; self.colour = colour; self.values = values }
    }

    public static let width = 1160.0
    static let left = 64.0, right = 16.0, top = 34.0, bottom = 64.0

    /// Grouped bars, one group per category.
    /// - Parameters:
    ///   - unit: what the y axis counts (`calls`).
    ///   - format: how a value is written in labels and the table.
    public static func bars(title: String, unit: String, categories: [String], series: [Series],
                            height: Double = 300, format: (Double) -> String = { number($0, 0) }) -> Markup {
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let maximum = series.flatMap { $0.values.compactMap { $0 } }.max() ?? 0
        // Bars count calls: whole-number ticks.
        let scale = axis(maximum: maximum, integer: true)
        var parts = frame(title: title, height: height, description: "Bar chart, \(unit) by \(categories.first.map { _ in "category" } ?? "nothing")")
        parts += grid(scale: scale, plotHeight: plotHeight, unit: unit, format: format)
        let groupWidth = categories.isEmpty ? plotWidth : plotWidth / Double(categories.count)
        let barWidth = min(40, max(1, (groupWidth * 0.8) / Double(max(series.count, 1))))
        let inset = (groupWidth - barWidth * Double(series.count)) / 2
        for (c, category) in categories.enumerated() {
            for (s, serie) in series.enumerated() {
                guard c < serie.values.count, let value = serie.values[c] else { continue }
                let h = scale.top > 0 ? plotHeight * value / scale.top : 0
                let x = left + groupWidth * Double(c) + inset + barWidth * Double(s)
                parts.append(.element("rect", [
                    "x": number(x, 1), "y": number(top + plotHeight - h, 1), "width": number(barWidth, 1),
                    "height": number(h, 1), "fill": serie.colour,
                ], [.element("title", text: "\(category): \(format(value)) \(serie.name)")]))
            }
        }
        parts += categoryLabels(categories, groupWidth: groupWidth, plotHeight: plotHeight)
        parts += legend(series, height: height)
        return Markup.element("figure", [:], [svg(parts, height: height, title: title), dataTable(categories: categories, series: series, format: format)])
    }

    /// Lines over categories, with an optional dashed target line.
    public static func lines(title: String, unit: String, categories: [String], series: [Series], height: Double = 260,
                             maximum fixedMaximum: Double? = nil, target: Double? = nil, targetLabel: String = "target",
                             format: (Double) -> String = { number($0, 1) }) -> Markup {
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let maximum = fixedMaximum ?? max(series.flatMap { $0.values.compactMap { $0 } }.max() ?? 0, target ?? 0)
        let scale = axis(maximum: maximum)
        var parts = frame(title: title, height: height, description: "Line chart, \(unit) over time")
        parts += grid(scale: scale, plotHeight: plotHeight, unit: unit, format: format)
        let step = categories.isEmpty ? plotWidth : plotWidth / Double(categories.count)
        func x(_ i: Int) -> Double { left + step * (Double(i) + 0.5) }
        func y(_ v: Double) -> Double { top + plotHeight - (scale.top > 0 ? plotHeight * v / scale.top : 0) }
        if let target {
            parts.append(.leaf("line", ["x1": number(left, 1), "x2": number(left + plotWidth, 1), "y1": number(y(target), 1),
                                        "y2": number(y(target), 1), "stroke": Colour.grey, "stroke-dasharray": "6 4"]))
            parts.append(.element("text", ["x": number(left + plotWidth - 4, 1), "y": number(y(target) - 4, 1), "text-anchor": "end"],
                                  text: "\(targetLabel) \(format(target))"))
        }
        for serie in series {
            // Runs of consecutive values are one polyline; a nil breaks the line.
            var run: [String] = []
            func flush() {
                if run.count > 1 { parts.append(.leaf("polyline", ["points": run.joined(separator: " "), "fill": "none", "stroke": serie.colour, "stroke-width": "2"])) }
                run = []
            }
            for (i, value) in serie.values.enumerated() {
                guard let value else { flush(); continue }
                run.append(number(x(i), 1) + "," + number(y(value), 1))
                parts.append(.element("circle", ["cx": number(x(i), 1), "cy": number(y(value), 1), "r": "3.5", "fill": serie.colour],
                                      [.element("title", text: "\(i < categories.count ? categories[i] : ""): \(format(value)) \(serie.name)")]))
            }
            flush()
        }
        parts += categoryLabels(categories, groupWidth: step, plotHeight: plotHeight)
        parts += legend(series, height: height)
        return Markup.element("figure", [:], [svg(parts, height: height, title: title), dataTable(categories: categories, series: series, format: format)])
    }

    /// A weekday x hour grid (Monday first), each cell shaded by its value's share of the largest;
    /// cells with no calls are left white with a dot.
    public static func heatmap(title: String, unit: String, _ heatmap: Heatmap, format: (Double) -> String) -> Markup {
        let cellWidth = 44.0, cellHeight = 26.0, gridLeft = 48.0, gridTop = 34.0
        let height = gridTop + cellHeight * 7 + 70
        let maximum = heatmap.cells.flatMap { $0.compactMap(\.value) }.max() ?? 0
        var parts = frame(title: title, height: height, description: "Heatmap, \(unit) by weekday (rows, Monday first) and hour of day (columns)")
        for (day, row) in heatmap.cells.enumerated() {
            let y = gridTop + cellHeight * Double(day)
            parts.append(.element("text", ["x": number(gridLeft - 8, 0), "y": number(y + cellHeight * 0.65, 1), "text-anchor": "end"],
                                  text: Heatmap.weekdays[day]))
            for (hour, cell) in row.enumerated() {
                let x = gridLeft + cellWidth * Double(hour)
                let label = "\(Heatmap.weekdays[day]) \(CivilTime.hour(hour)): " + (cell.value.map { format($0) + " " + unit } ?? "no value")
                    + " (\(cell.calls) calls, \(cell.answered) answered)"
                let fill: String
                if cell.calls == 0 || cell.value == nil { fill = "#ffffff" } else {
                    let share = maximum > 0 ? (cell.value ?? 0) / maximum : 0
                    fill = ramp[min(ramp.count - 1, max(0, Int((share * Double(ramp.count - 1)).rounded())))]
                }
                parts.append(.element("rect", ["x": number(x, 1), "y": number(y, 1), "width": number(cellWidth - 2, 1),
                                               "height": number(cellHeight - 2, 1), "fill": fill, "stroke": "#dddddd"],
                                      [.element("title", text: label)]))
                if cell.calls == 0 {
                    parts.append(.element("text", ["x": number(x + cellWidth / 2 - 1, 1), "y": number(y + cellHeight * 0.65, 1), "text-anchor": "middle", "fill": "#bbbbbb"], text: "·"))
                } else if let value = cell.value {
                    let dark = maximum > 0 && value / maximum > 0.55
                    parts.append(.element("text", ["x": number(x + cellWidth / 2 - 1, 1), "y": number(y + cellHeight * 0.65, 1), "text-anchor": "middle",
                                                   "font-size": "11", "fill": dark ? "#ffffff" : "#222222"], text: format(value)))
                }
            }
        }
        for hour in 0..<24 {
            parts.append(.element("text", ["x": number(gridLeft + cellWidth * (Double(hour) + 0.5) - 1, 1), "y": number(gridTop + cellHeight * 7 + 16, 1),
                                           "text-anchor": "middle"], text: CivilTime.hour(hour)))
        }
        // Scale: the ramp from 0 to the largest value.
        let legendY = gridTop + cellHeight * 7 + 34
        parts.append(.element("text", ["x": number(gridLeft, 0), "y": number(legendY + 12, 1)], text: "\(unit): 0"))
        for (i, colour) in ramp.enumerated() {
            parts.append(.leaf("rect", ["x": number(gridLeft + 90 + 30 * Double(i), 1), "y": number(legendY, 1), "width": "28", "height": "16", "fill": colour, "stroke": "#dddddd"]))
        }
        parts.append(.element("text", ["x": number(gridLeft + 90 + 30 * Double(ramp.count) + 6, 1), "y": number(legendY + 12, 1)],
                              text: "\(format(maximum)) (largest); · no calls; hours in the site time zone"))
        let columns = (0..<24).map(CivilTime.hour)
        let table = Markup.element("details", [:], [
            .element("summary", text: "Numbers"),
            .element("table", ["class": "numbers"], [
                .element("thead", [:], [.element("tr", [:], [.element("th", text: "")] + columns.map { .element("th", text: $0) })]),
                .element("tbody", [:], heatmap.cells.enumerated().map { day, row in
                    .element("tr", [:], [.element("th", text: Heatmap.weekdays[day])] + row.map { cell in
                        .element("td", ["class": "num"], text: cell.value.map(format) ?? "-")
                    })
                }),
            ]),
        ])
        return Markup.element("figure", [:], [svg(parts, height: height, title: title), table])
    }

    // MARK: Pieces

    static func frame(title: String, height: Double, description: String) -> [Markup] {
        [.element("title", text: title), .element("desc", text: description),
         .element("text", ["x": number(left, 0), "y": "20", "class": "chart-title"], text: title)]
    }

    static func svg(_ parts: [Markup], height: Double, title: String) -> Markup {
        .element("svg", ["xmlns": "http://www.w3.org/2000/svg", "viewBox": "0 0 \(number(width, 0)) \(number(height, 0))",
                         "width": number(width, 0), "height": number(height, 0), "role": "img", "aria-label": title,
                         "font-family": "system-ui, sans-serif", "font-size": "12"], parts)
    }

    /// A y axis from 0 to a round number above `maximum`, with at most 6 ticks; with
    /// `integer` (counts), whole-number steps only.
    static func axis(maximum: Double, integer: Bool = false) -> (top: Double, step: Double) {
        guard maximum > 0, maximum.isFinite else { return integer ? (1, 1) : (1, 0.25) }
        var magnitude = 1.0
        while magnitude * 10 <= maximum { magnitude *= 10 }
        while magnitude > maximum { magnitude /= 10 }
        for factor in [0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10] {
            let step = magnitude * factor
            if integer, step < 1 || step != step.rounded() { continue }
            if (maximum / step).rounded(.up) <= 6 { return ((maximum / step).rounded(.up) * step, step) }
        }
        return (maximum, maximum / 5)
    }

    static func grid(scale: (top: Double, step: Double), plotHeight: Double, unit: String, format: (Double) -> String) -> [Markup] {
        var parts: [Markup] = []
        let plotWidth = width - left - right
        var tick = 0.0
        while tick <= scale.top + scale.step / 1000 {
            let y = top + plotHeight - plotHeight * tick / scale.top
            parts.append(.leaf("line", ["x1": number(left, 1), "x2": number(left + plotWidth, 1), "y1": number(y, 1), "y2": number(y, 1),
                                        "stroke": tick == 0 ? "#555555" : "#e3e3e3"]))
            parts.append(.element("text", ["x": number(left - 6, 1), "y": number(y + 4, 1), "text-anchor": "end"], text: format(tick)))
            tick += scale.step
        }
        parts.append(.element("text", ["x": "14", "y": number(top + plotHeight / 2, 1), "text-anchor": "middle",
                                       "transform": "rotate(-90 14 \(number(top + plotHeight / 2, 1)))"], text: unit))
        return parts
    }

    /// Category names under the plot; every k-th when they would overlap.
    static func categoryLabels(_ categories: [String], groupWidth: Double, plotHeight: Double) -> [Markup] {
        let longest = Double(categories.map(\.count).max() ?? 1)
        let every = max(1, Int((longest * 7 + 8) / max(groupWidth, 1)) + 1)
        return categories.enumerated().compactMap { i, name in
            guard i % every == 0 else { return nil }
            return .element("text", ["x": number(left + groupWidth * (Double(i) + 0.5), 1), "y": number(top + plotHeight + 16, 1),
                                     "text-anchor": "middle"], text: name)
        }
    }

    static func legend(_ series: [Series], height: Double) -> [Markup] {
        var x = left
        return series.flatMap { serie -> [Markup] in
            defer { x += 28 + Double(serie.name.count) * 7 + 24 }
            return [.leaf("rect", ["x": number(x, 1), "y": number(height - 24, 1), "width": "14", "height": "14", "fill": serie.colour]),
                    .element("text", ["x": number(x + 20, 1), "y": number(height - 12, 1)], text: serie.name)]
        }
    }

    /// The chart's numbers: one row per category, one column per series (collapsed under "Numbers").
    static func dataTable(categories: [String], series: [Series], format: (Double) -> String) -> Markup {
        .element("details", [:], [
            .element("summary", text: "Numbers"),
            .element("table", ["class": "numbers"], [
                .element("thead", [:], [.element("tr", [:], [.element("th", text: "")] + series.map { .element("th", text: $0.name) })]),
                .element("tbody", [:], categories.enumerated().map { i, category in
                    .element("tr", [:], [.element("th", text: category)] + series.map { serie in
                        .element("td", ["class": "num"], text: (i < serie.values.count ? serie.values[i] : nil).map(format) ?? "-")
                    })
                }),
            ]),
        ])
    }

    /// Fixed decimals (``KPIRendering`` rounding).
    public static func number(_ value: Double, _ decimals: Int) -> String { KPIRendering.format(value, decimals) }
}

/// `09:00` labels of hours of day.
enum CivilTime {
    static func hour(_ hour: Int) -> String { (hour < 10 ? "0" : "") + String(hour) + ":00" }
}
