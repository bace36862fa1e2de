#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// xoshiro256** seeded through SplitMix64: the package's one seeded random-number generator
/// (synthetic captures and calls, mutation tests).
///
/// Why our own: the standard library's `random(in:using:)` algorithms may change
/// between Swift releases, and `SystemRandomNumberGenerator` is not reproducible.
/// Every draw here is a documented function of the seed, so one seed gives one
/// byte-identical capture (Blackman & Vigna, "Scrambled linear pseudorandom
/// number generators", 2021; SplitMix64 from Steele et al., OOPSLA 2014).
public struct Xoshiro256: RandomNumberGenerator, Sendable, Hashable {
    @usableFromInline var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// Seeds the four state words from SplitMix64 so that any seed, 0 included, works.
    @inlinable
    public init(seed: UInt64) {
        var sm = seed
        s0 = Self.splitMix(&sm)
        s1 = Self.splitMix(&sm)
        s2 = Self.splitMix(&sm)
        s3 = Self.splitMix(&sm)
    }

    /// One SplitMix64 step: also used on its own to derive independent per-call seeds.
    @inlinable
    public static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// SplitMix64's output function on a single value: a cheap, well-mixed hash.
    @inlinable
    public static func mix(_ value: UInt64) -> UInt64 {
        var state = value
        return splitMix(&state)
    }

    @inlinable
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// Uniform in [0, 1), 53 bits.
    @inlinable
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in [lower, upper).
    @inlinable
    public mutating func uniform(_ lower: Double, _ upper: Double) -> Double {
        lower + (upper - lower) * unit()
    }

    /// Uniform integer in [0, bound) by a 64x64->128 multiply (bias below 2^-40 for our bounds).
    @inlinable
    public mutating func below(_ bound: Int) -> Int {
        guard bound > 1 else { return 0 }
        return Int(next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// Uniform integer in the closed range.
    @inlinable
    public mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// Uniform nanoseconds in [lowerMs, upperMs) milliseconds.
    @inlinable
    public mutating func millis(_ lowerMs: Double, _ upperMs: Double) -> Int64 {
        Int64((uniform(lowerMs, upperMs) * 1_000_000).rounded())
    }

    /// Exponentially distributed with the given mean.
    @inlinable
    public mutating func exponential(mean: Double) -> Double {
        -log1p(-unit()) * mean
    }

    /// `true` with probability `p`.
    @inlinable
    public mutating func chance(_ p: Double) -> Bool { unit() < p }
}
