using OnnxVideo.Training.Metrics;

namespace OnnxVideo.Training;

/// <summary>What a finished run produced.</summary>
public sealed record TrainingSummary
{
    public required string OutputDirectory { get; init; }
    /// <summary>Inference model of the best epoch (by validation top-1; the last epoch without validation).</summary>
    public required string BestModelPath { get; init; }
    public required int BestEpoch { get; init; }
    public required int EpochsRun { get; init; }
    public required long Steps { get; init; }
    public required int SkippedSteps { get; init; }
    public required int FailedClips { get; init; }
    public bool StoppedEarly { get; init; }
    public bool Resumed { get; init; }
    /// <summary>Whether the head was trained on cached frozen-backbone features.</summary>
    public bool CachedBackboneFeatures { get; init; }
    /// <summary>Validation report of the best model (null without a validation set).</summary>
    public ClassificationReport? BestValidation { get; init; }
    /// <summary>Captioners: the exported best captioner's greedy captions and retrieval on the validation clips (null for classifiers).</summary>
    public Evaluation.CaptionScores? BestCaptions { get; init; }
    public required string MetricsPath { get; init; }
    public required string ReportPath { get; init; }
    public double Seconds { get; init; }
    /// <summary>Clips of earlier tasks rehearsed with the new data (<see cref="TrainerOptions.RehearsalExemplars"/>).</summary>
    public int RehearsedClips { get; init; }
    /// <summary>The rehearsal memory written after training (<see cref="TrainerOptions.Memory"/>); null when none was asked for.</summary>
    public string? ExemplarsPath { get; init; }
    /// <summary>Exemplars stored in <see cref="ExemplarsPath"/>.</summary>
    public int Exemplars { get; init; }
}
