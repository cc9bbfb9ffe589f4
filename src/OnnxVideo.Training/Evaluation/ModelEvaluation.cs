using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OnnxVideo.Runtime;
using OnnxVideo.Training.Data;
using OnnxVideo.Training.Loading;
using OnnxVideo.Training.Metrics;

namespace OnnxVideo.Training.Evaluation;

/// <summary>
/// Scores an exported model on labelled clips through <see cref="VideoClassifier"/>, the path <c>classify</c> takes:
/// each clip's (clip, crop) logits are averaged and scored against its label, as the trainer's validation does, so an
/// exported model and the run that trained it report the same numbers. A clip that cannot be read (its failed
/// <see cref="ClassificationResult"/>) is reported and left out; one more than <c>maxFailedClips</c> stops the
/// evaluation with <see cref="TooManyFailedClipsException"/>.
/// </summary>
internal static class ModelEvaluation
{
    /// <param name="clipsDone">Clips classified or left out so far.</param>
    public static async Task<ModelEvaluationResult> RunAsync(VideoClassifier classifier, IReadOnlyList<VideoSample> samples,
        IReadOnlyList<string> classes, int maxFailedClips, ILogger? logger = null, IProgress<int>? clipsDone = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentOutOfRangeException.ThrowIfNegative(maxFailedClips);
        if (classifier.ClassCount != classes.Count)
        {
            throw new ArgumentException($"the model predicts {classifier.ClassCount} classes but the data has {classes.Count}", nameof(classes));
        }
        logger ??= NullLogger.Instance;
        var metrics = new ClassificationMetrics(classes);
        var failures = new List<ClipFailure>();
        var warnings = new List<ClipWarning>();
        var index = 0;
        await foreach (var result in classifier.ClassifyManyAsync(samples.Select(s => s.Path), ct).ConfigureAwait(false))
        {
            if (result.Error is { } error)
            {
                var failure = new ClipFailure(index, samples[index].Path, error.Message);
                failures.Add(failure);
                logger.LogWarning("skipping clip {Path}: {Reason}", failure.Path, failure.Reason);
                if (failures.Count > maxFailedClips)
                {
                    throw new TooManyFailedClipsException(failures.Count, maxFailedClips, failure);
                }
            }
            else
            {
                metrics.Add(result.MeanLogits, samples[index].Label);
                warnings.AddRange(result.Warnings.Select(w => new ClipWarning(samples[index].Path, w)));
            }
            index++;
            clipsDone?.Report(index);
        }
        return new ModelEvaluationResult(metrics.Compute(), failures, warnings);
    }
}
