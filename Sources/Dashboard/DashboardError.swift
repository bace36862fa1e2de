import Hummingbird

/// Why a request got no page: a bad query parameter (400), a missing call (404), no or a wrong
/// token (401), a store that cannot be read (503). The message is shown to the client as plain text.
public struct DashboardError: Error, CustomStringConvertible, Sendable {
    public enum Status: Sendable { case badRequest, unauthorized, notFound, unavailable }
    public let status: Status
    public let description: String

    public init(_ status: Status, _ message: String) { self.status = status; self.description = message }

    var httpStatus: HTTPResponse.Status {
        switch status {
        case .badRequest: .badRequest
        case .unauthorized: .unauthorized
        case .notFound: .notFound
        case .unavailable: .serviceUnavailable
        }
    }
}
