using OnnxVideo.Runtime;
using OnnxVideo.Training;
using OnnxVideo.Training.Metrics;

namespace OnnxVideo.Cli.Demo;

/// <summary>Where the demo put each artefact, and what it measured.</summary>
public sealed record DemoResult
{
    public required string OutputDirectory { get; init; }
    public required string DatasetDirectory { get; init; }
    public required string TestDatasetDirectory { get; init; }
    public required string InitialModelPath { get; init; }
    public required string PackageDirectory { get; init; }
    public required string RunDirectory { get; init; }
    public required string TrainedModelPath { get; init; }
    public required string TrainingReportPath { get; init; }
    public required string EvaluationReportPath { get; init; }
    public required string EvaluationMetricsPath { get; init; }
    public required TrainingSummary Training { get; init; }
    /// <summary>The trained model on the held-out test set.</summary>
    public required ClassificationReport Test { get; init; }
    /// <summary>The test clips classified with <see cref="VideoClassifier"/>, with their true labels.</summary>
    public required IReadOnlyList<(ClassificationResult Result, string TrueLabel)> Classified { get; init; }
    public required double Seconds { get; init; }
}
