import Store

/// The succession of champions read from the alias history: each promotion puts a champion on top, each
/// rollback takes the top one off. Rolling back returns to the one below.
public enum ChampionLineage {
    /// The champions still in force, oldest first; the last is the current champion.
    public static func stack(_ history: [AliasChange]) -> [String] {
        var stack: [String] = []
        for change in history where change.alias == .champion {
            switch change.action {
            case .initial, .promote, .forcePromote, .assign:
                if let version = change.version { stack.append(version) }
            case .rollback:
                if !stack.isEmpty { stack.removeLast() }
            }
        }
        return stack
    }

    /// The champion a rollback returns to, or nil when there is none before the current one.
    public static func rollbackTarget(_ history: [AliasChange]) -> String? {
        let stack = stack(history)
        return stack.count >= 2 ? stack[stack.count - 2] : nil
    }
}
