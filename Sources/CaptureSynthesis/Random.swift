import CallscopeBase

/// The package's seeded generator (``CallscopeBase/Xoshiro256``), named here so that every file
/// of this module reaches it without importing the base module.
typealias Xoshiro256 = CallscopeBase.Xoshiro256
