using OnnxVideo.Training.Evaluation;
using OnnxVideo.Training.Loading;
using OnnxVideo.Training.Metrics;

namespace OnnxVideo.Training.Loop;

/// <summary>Hooks of the <see cref="TrainingLoop"/>, called in the order the callbacks were given.</summary>
internal interface ITrainingCallback
{
    void OnEpochStart(TrainingRun run)
    {
    }

    /// <summary>After <paramref name="batch"/> was trained on and counted in <see cref="TrainingRun.State"/>.</summary>
    void OnBatchEnd(TrainingRun run, ClipBatch batch, BatchOutcome outcome)
    {
    }

    void OnValidationStart(TrainingRun run)
    {
    }

    /// <param name="validation">The epoch's validation report (null without a validation set).</param>
    void OnEpochEnd(TrainingRun run, ValidationReport? validation)
    {
    }
}
