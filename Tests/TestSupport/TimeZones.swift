import Foundation

/// The time zone named `identifier` (IANA), or an error naming it when this system's tz database
/// has no such zone. (`try #require(TimeZone(identifier:))` draws a false "never nil" warning.)
public func timeZone(_ identifier: String) throws -> TimeZone {
    guard let zone = TimeZone(identifier: identifier) else { throw MissingTimeZone(identifier: identifier) }
    return zone
}

/// The fixed-offset zone `seconds` east of UTC.
public func timeZone(secondsFromGMT seconds: Int) throws -> TimeZone {
    guard let zone = TimeZone(secondsFromGMT: seconds) else { throw MissingTimeZone(identifier: "UTC\(seconds >= 0 ? "+" : "")\(seconds) s") }
    return zone
}

public struct MissingTimeZone: Error, CustomStringConvertible {
    public let identifier: String
    public var description: String { "no time zone '\(identifier)' on this system" }
}
