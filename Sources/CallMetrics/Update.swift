/// `value.update { ... }`: mutates a value in place through a closure; with
/// `dictionary[key, default: x].update { ... }` the entry is modified without a copy.
protocol InPlaceUpdatable {}

extension InPlaceUpdatable {
    @inline(__always)
    mutating func update(_ body: (inout Self) -> Void) { body(&self) }
}
