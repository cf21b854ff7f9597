import Routing
import Store

/// The metrics the lifecycle records for a router: on a labelled set (the frozen evaluation set) and on the
/// validation split the training held out.
public enum RouterMetrics {
    /// Routes every example and scores the decisions: accuracy, macro-F1, P1 recall and precision, abstain rate,
    /// expected calibration error of the confidence. `embeddings` are the examples' sentence embeddings when the
    /// router uses them.
    public static func evaluate(_ router: Router, on examples: [RoutingExample], embeddings: [[Float]]? = nil) -> ModelMetrics {
        let decisions = examples.indices.map { router.route(examples[$0].text, embedding: embeddings?[$0]) }
        let evaluation = RouterEvaluation.evaluate(
            truth: examples.map(\.category), predicted: decisions.map(\.suggestedCategory),
            confidence: decisions.map(\.confidence), abstained: decisions.map(\.abstained),
            truthPriority: examples.map(\.priority), predictedPriority: decisions.map(\.priority),
            bootstrap: 1)  // point values only: no intervals needed here
        let ece = Calibration.expectedCalibrationError(
            confidences: decisions.map(\.confidence),
            correct: zip(examples, decisions).map { $0.category == $1.suggestedCategory })
        return ModelMetrics(
            n: evaluation.n, accuracy: evaluation.accuracy.value, macroF1: evaluation.macroF1.value,
            p1Recall: evaluation.p1Recall?.value, p1Support: evaluation.p1Recall?.n,
            p1Precision: evaluation.p1Precision?.value, abstainRate: evaluation.abstainRate,
            expectedCalibrationError: ece)
    }

    /// The validation split's metrics as the training measured them (ECE after temperature scaling).
    public static func validation(_ report: Router.ValidationReport) -> ModelMetrics {
        ModelMetrics(n: report.n, accuracy: report.accuracy, p1Recall: report.p1Recall, p1Precision: report.p1Precision,
                     expectedCalibrationError: report.expectedCalibrationErrorAfter)
    }
}
