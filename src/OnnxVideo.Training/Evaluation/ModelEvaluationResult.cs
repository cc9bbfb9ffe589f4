using OnnxVideo.Training.Loading;
using OnnxVideo.Training.Metrics;

namespace OnnxVideo.Training.Evaluation;

/// <summary>
/// The scores over the clips that could be read, the clips left out, and the scored clips' padding warnings
/// (both in data set order).
/// </summary>
internal sealed record ModelEvaluationResult(ClassificationReport Report, IReadOnlyList<ClipFailure> Failures, IReadOnlyList<ClipWarning> Warnings);
