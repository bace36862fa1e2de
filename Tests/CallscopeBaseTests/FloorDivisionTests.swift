import CallscopeBase
import Testing

@Suite("Floor division")
struct FloorDivisionTests {
    /// Rounded towards negative infinity, with every sign combination, exact and inexact.
    @Test(arguments: [
        (7, 2, 3), (-7, 2, -4), (7, -2, -4), (-7, -2, 3),
        (6, 2, 3), (-6, 2, -3), (0, 5, 0), (-1, 86_400, -1), (86_399, 86_400, 0), (-86_400, 86_400, -1), (-86_401, 86_400, -2),
    ] as [(Int64, Int64, Int64)])
    func roundsDown(a: Int64, b: Int64, expected: Int64) {
        #expect(floorDivide(a, b) == expected)
        // The remainder it implies has the divisor's sign (or is zero) and is smaller than it.
        let remainder = a - floorDivide(a, b) * b
        #expect(remainder == 0 || (remainder < 0) == (b < 0))
        #expect(remainder.magnitude < b.magnitude)
    }

    /// The ends of Int64: 1 ns before the epoch is second -1; the extremes do not trap.
    @Test func extremes() {
        #expect(floorDivide(-1, 1_000_000_000) == -1)
        #expect(floorDivide(.min, 1_000_000_000) == -9_223_372_037)
        #expect(floorDivide(.max, 1_000_000_000) == 9_223_372_036)
        #expect(floorDivide(.min, 1) == .min)
        #expect(floorDivide(.min, -2) == 4_611_686_018_427_387_904)
    }
}
