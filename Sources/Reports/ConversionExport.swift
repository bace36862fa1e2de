import CallModel

/// Offline conversions as the ad platforms import them (README "Visit attribution").
///
/// `google-ads`: Google Ads' offline click conversion CSV (Google Ads Help, "Import
/// conversions from clicks"): `Google Click ID, Conversion Name, Conversion Time, Conversion
/// Value, Conversion Currency`, the time as `yyyy-MM-dd HH:mm:ss+hh:mm` in the site zone.
/// `csv`: the same facts with the call they come from, the time as ISO-8601 with offset.
/// Written through ``CSVWriter``, so a click id or name that a spreadsheet would run as a formula
/// is written as text.
public enum ConversionExport {
    public enum Layout: String, Sendable, CaseIterable { case googleAds = "google-ads", csv }

    public static func header(_ layout: Layout) -> [String] {
        switch layout {
        case .googleAds: ["Google Click ID", "Conversion Name", "Conversion Time", "Conversion Value", "Conversion Currency"]
        case .csv: ["call_id", "caller", "click_id", "conversion_name", "conversion_time", "value", "currency", "utm_source", "utm_medium", "utm_campaign"]
        }
    }

    /// One conversion per call (the calls of ``MetricsEngine/conversions(calls:options:firstTimeOnly:)``).
    public static func record(_ call: Call, layout: Layout, name: String, value: Double?, currency: String, time: inout SiteTime) -> Record {
        let iso = time.iso8601(call.start)
        let amount: FieldValue = value.map { .decimal(KPIRendering.format($0, 2)) } ?? .null
        let click = call.attribution?.clickID
        switch layout {
        case .googleAds:
            return [("Google Click ID", .string(click)), ("Conversion Name", .string(name)),
                    ("Conversion Time", .string(googleTime(iso))), ("Conversion Value", amount), ("Conversion Currency", .string(currency))]
        case .csv:
            return [("call_id", .string(call.callID)), ("caller", .string(call.caller)), ("click_id", .string(click)),
                    ("conversion_name", .string(name)), ("conversion_time", .string(iso)), ("value", amount), ("currency", .string(currency)),
                    ("utm_source", .string(call.attribution?.source)), ("utm_medium", .string(call.attribution?.medium)),
                    ("utm_campaign", .string(call.attribution?.campaign))]
        }
    }

    /// `2026-06-10T13:02:30.000+01:00` (or `...Z`) as Google writes it: `2026-06-10 13:02:30+01:00`.
    static func googleTime(_ iso: String) -> String {
        var text = iso.replacingOccurrences(of: "T", with: " ")
        if text.hasSuffix("Z") { text = String(text.dropLast()) + "+00:00" }
        if let dot = text.firstIndex(of: "."), let sign = text[dot...].firstIndex(where: { $0 == "+" || $0 == "-" }) {
            text.removeSubrange(dot..<sign)
        }
        return text
    }
}
