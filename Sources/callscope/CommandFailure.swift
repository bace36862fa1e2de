import CallStore
import SiteConfiguration

/// A command that could not do its work for a reason other than how it was called: each kind
/// has its own exit status (README "Exit status", `callscope --help`). Usage mistakes are
/// `ValidationError`s (exit status 64, with the usage line).
struct CommandFailure: Error, CustomStringConvertible {
    enum Kind {
        /// An input or the database cannot be opened, read or written.
        case input
        /// A configuration file (the site profile, `--campaigns`, `--rules`...) is not valid.
        case configuration
        /// An output file or directory cannot be written.
        case output
    }

    let kind: Kind
    let description: String

    init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }

    /// The exit status: 1 for inputs and the database (as when an input cannot be read at all),
    /// 65 (EX_DATAERR) for a configuration file, 74 (EX_IOERR) for output.
    var status: Int32 {
        switch kind {
        case .input: 1
        case .configuration: 65
        case .output: 74
        }
    }

    /// The store could not be opened, read or written.
    static func database(_ error: StoreError) -> CommandFailure { CommandFailure(.input, error.description) }

    /// A configuration file cannot be read, or its content is not valid.
    static func configuration(_ error: ConfigurationError) -> CommandFailure {
        CommandFailure(error.kind == .unreadable ? .input : .configuration, error.description)
    }
}
