/// Area under the ROC curve.
public enum ROCAUC {
    /// P(score of a random positive > score of a random negative), ties counting half (the Mann–Whitney U
    /// statistic over n₊·n₋). 0.5 when either class is empty.
    public static func auc(scores: [Double], labels: [Bool]) -> Double {
        precondition(scores.count == labels.count, "one label per score")
        let positives = labels.filter { $0 }.count, negatives = labels.count - positives
        guard positives > 0, negatives > 0 else { return 0.5 }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSum = 0.0, start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && scores[order[end + 1]] == scores[order[start]] { end += 1 }
            let midRank = Double(start + end) / 2 + 1
            for k in start...end where labels[order[k]] { rankSum += midRank }
            start = end + 1
        }
        let u = rankSum - Double(positives) * Double(positives + 1) / 2
        return u / (Double(positives) * Double(negatives))
    }
}
