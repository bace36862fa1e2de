/// `a / b` rounded towards negative infinity (Swift's `/` rounds towards zero): the day of
/// -1 s is day -1, not day 0. Used for calendar arithmetic on times before 1970 and on
/// negative offsets.
/// - Precondition: `b != 0`, and not `a == .min && b == -1` (as for `/`).
@inlinable
public func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}
