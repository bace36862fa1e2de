/// Groups `items` by `key`, groups in order of their first item, items in input order.
/// Used to gather the rows (legs) of one call.
/// - Complexity: O(n) with one dictionary look-up per item.
func groupedInOrder<Item, Key: Hashable>(_ items: [Item], by key: (Item) -> Key) -> [[Item]] {
    var slot: [Key: Int] = [:]
    var groups: [[Item]] = []
    for item in items {
        let k = key(item)
        if let i = slot[k] { groups[i].append(item) } else { slot[k] = groups.count; groups.append([item]) }
    }
    return groups
}
