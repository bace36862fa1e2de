/// Shell-style wildcard matching, for `--where FIELD~GLOB` and the pause `reason` of control
/// rules: `*` matches any run of characters (none included), `?` exactly one; everything else
/// itself, ignoring case.
public enum Glob {
    /// - Complexity: O(n·m) at worst (one backtrack point, no recursion), so no pattern can
    ///   exhaust the stack or run away.
    public static func matches(_ text: String, pattern: String) -> Bool {
        let t = Array(text.lowercased())
        let p = Array(pattern.lowercased())
        var ti = 0, pi = 0
        var star: Int?
        var resume = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "?" || (p[pi] != "*" && p[pi] == t[ti]) {
                ti += 1; pi += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi; resume = ti; pi += 1
            } else if let star {
                pi = star + 1; resume += 1; ti = resume
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
