using OnnxVideo.Training.Data;

namespace OnnxVideo.Training.Loading;

/// <summary>Turns a dataset entry into model input. Implementations must be thread-safe.</summary>
public interface IClipSource
{
    /// <summary>Floats in one model input sample (e.g. 3 × T × H × W).</summary>
    int SampleElements { get; }

    /// <summary>Views per clip at evaluation time (test clips × test crops), whose logits are averaged.</summary>
    int EvaluationViews { get; }

    /// <summary>Whether <see cref="ReadTrainingAsync"/> ignores its seed (no random augmentation), so its output can be cached.</summary>
    bool TrainingIsDeterministic { get; }

    /// <summary>One augmented training sample; the same <paramref name="seed"/> gives the same sample.</summary>
    Task ReadTrainingAsync(VideoSample sample, int seed, Memory<float> destination, CancellationToken ct);

    /// <summary><see cref="EvaluationViews"/> consecutive samples for evaluation.</summary>
    Task ReadEvaluationAsync(VideoSample sample, Memory<float> destination, CancellationToken ct);
}
