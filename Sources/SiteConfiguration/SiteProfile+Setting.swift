/// One effective setting of a run and where it came from (`callscope config check`).
///
/// The precedence is the same for every setting: a command-line option, then the site profile,
/// then the environment where a variable exists for it (`$CALLSCOPE_DB`), then the built-in
/// default (README "Site profile"). The profile comes before the environment because it names
/// one site's database, where `$CALLSCOPE_DB` is the machine-wide fallback.
public struct Setting<Value: Sendable>: Sendable {
    public var value: Value
    public var source: SettingSource

    public init(_ value: Value, _ source: SettingSource) {
        self.value = value; self.source = source
    }

    /// The option's value when given, else the profile's, else the environment's, else `fallback`.
    public static func resolve(option: Value?, name: String, environment: (variable: String, value: Value?)? = nil,
                               profile: SiteProfile?, _ entry: KeyPath<SiteProfile, SiteProfile.Entry<Value>?>,
                               default fallback: Value) -> Setting<Value> where Value: Hashable {
        if let option { return Setting(option, .option(name)) }
        if let profile, let entry = profile[keyPath: entry] { return Setting(entry.value, .profile(file: profile.file, line: entry.line)) }
        if let environment, let value = environment.value { return Setting(value, .environment(environment.variable)) }
        return Setting(fallback, .builtIn)
    }

    /// The same setting with its value transformed (a name into a time zone, seconds into a duration).
    public func map<Other>(_ transform: (Value) throws -> Other) rethrows -> Setting<Other> {
        Setting<Other>(try transform(value), source)
    }
}

/// Where an effective setting came from.
public enum SettingSource: Sendable, Hashable, CustomStringConvertible {
    /// A command-line option, such as `--own-numbers`.
    case option(String)
    /// An environment variable, such as `CALLSCOPE_DB`.
    case environment(String)
    /// A line of the site profile.
    case profile(file: String, line: Int?)
    /// The built-in default.
    case builtIn

    /// `option --own-numbers`, `environment $CALLSCOPE_DB`, `callscope.yaml:4`, `default`.
    public var description: String {
        switch self {
        case .option(let name): "option \(name)"
        case .environment(let variable): "environment $\(variable)"
        case .profile(let file, let line): line.map { "\(file):\($0)" } ?? file
        case .builtIn: "default"
        }
    }
}

extension Setting {
    /// As ``resolve(option:name:environment:profile:_:default:)`` for a setting with no default (nil).
    public static func resolve<Wrapped: Sendable & Hashable>(option: Wrapped?, name: String, profile: SiteProfile?,
                                                             _ entry: KeyPath<SiteProfile, SiteProfile.Entry<Wrapped>?>) -> Setting<Wrapped?> where Value == Wrapped? {
        if let option { return Setting(option, .option(name)) }
        if let profile, let entry = profile[keyPath: entry] { return Setting(entry.value, .profile(file: profile.file, line: entry.line)) }
        return Setting(nil, .builtIn)
    }
}
