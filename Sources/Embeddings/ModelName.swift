import Foundation

/// The name of a sentence-transformers model folder, read from the folder, never assumed.
enum ModelName {
    /// The model card's title (`README.md`: the first `# ` heading after the front matter, as on the Hugging Face
    /// hub), else the folder's name unless it is a generic one (`model`), else config.json's `_name_or_path` (last
    /// part), else the folder's name. The card comes first because `_name_or_path` often names the base checkpoint a
    /// model was fine-tuned from (the packaged all-MiniLM-L6-v2 says `nreimers/MiniLM-L6-H384-uncased`).
    static func of(_ directory: URL) -> String {
        if let card = try? String(contentsOf: directory.appendingPathComponent("README.md"), encoding: .utf8),
           let title = title(ofCard: card) {
            return title
        }
        let folder = directory.standardizedFileURL.lastPathComponent
        if !["model", "models", "snapshot", ""].contains(folder.lowercased()) { return folder }
        if let data = try? Data(contentsOf: directory.appendingPathComponent("config.json")),
           let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           let path = json["_name_or_path"] as? String,
           let last = path.split(separator: "/").last, !last.isEmpty {
            return String(last)
        }
        return folder
    }

    /// The first level-1 heading of a model card, after its YAML front matter.
    static func title(ofCard card: String) -> String? {
        var lines = card.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)[...]
        if lines.first?.trimmingCharacters(in: .whitespaces) == "---" {
            lines = lines.dropFirst()
            guard let end = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" }) else { return nil }
            lines = lines[(end + 1)...]
        }
        var fenced = false
        for line in lines {
            if line.hasPrefix("```") { fenced.toggle(); continue }
            guard !fenced, line.hasPrefix("# ") else { continue }
            let title = line.dropFirst(2).trimmingCharacters(in: .whitespaces)
            return title.isEmpty ? nil : title
        }
        return nil
    }
}
